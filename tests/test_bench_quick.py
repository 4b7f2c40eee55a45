"""The benchmark's data generator, at a tiny size, so the bench code cannot rot unnoticed."""

import pytest

from bench.data import generate
from loyalty.audit import ledger_problems
from loyalty.models import (
    LotAllocation,
    PointsAccount,
    PointsEntry,
    PointsLot,
    Purchase,
    PurchaseLine,
)
from members.identifiers import card_number_is_valid
from members.models import Member

pytestmark = pytest.mark.django_db


def test_generated_ledger_passes_the_audit():
    generated = generate(members=50, lots_per_member=4, entries_per_member=9, prefix="t")

    assert (generated.members, generated.lots, generated.entries) == (50, 200, 450)
    assert PointsAccount.objects.filter(pk__in=generated.account_ids).count() == 50
    assert PointsLot.objects.filter(account_id__in=generated.account_ids).count() == 200
    assert PointsEntry.objects.filter(account_id__in=generated.account_ids).count() == 450
    assert Purchase.objects.filter(member__points_account__in=generated.account_ids).count() == 200
    lines = PurchaseLine.objects.filter(purchase__member__points_account__in=generated.account_ids)
    assert lines.count() == 200
    assert all(line.points == int(line.amount) == line.purchase.points for line in lines)
    # Two spend/reversal pairs and one odd spend per member, each with its allocation.
    assert LotAllocation.objects.filter(lot__account_id__in=generated.account_ids).count() == 250
    assert all(card_number_is_valid(number) for number in generated.card_numbers)
    assert Member.objects.filter(card_number__in=generated.card_numbers).count() == 50
    assert ledger_problems(account_ids=generated.account_ids) == []


def test_a_second_batch_continues_the_ids():
    first = generate(members=3, lots_per_member=1, entries_per_member=1, prefix="a")
    second = generate(members=3, lots_per_member=2, entries_per_member=2, prefix="b")

    assert set(first.account_ids).isdisjoint(second.account_ids)
    assert ledger_problems(account_ids=first.account_ids + second.account_ids) == []


def test_the_purchase_history_spreads_purchases_over_the_days_and_leaves_the_ledger_alone():
    import datetime

    from django.db.models import Max, Min
    from django.utils import timezone

    from bench.data import history

    now = timezone.now().replace(microsecond=0)
    generated = generate(members=5, lots_per_member=1, entries_per_member=1, prefix="h", now=now)

    written = history(member_ids=generated.member_ids, per_day=3, days=20, now=now)

    older = Purchase.objects.filter(external_id__startswith="history-")
    assert written == older.count() == 60
    assert PurchaseLine.objects.filter(purchase__in=older).count() == 60
    assert set(older.values_list("member_id", flat=True)) <= set(generated.member_ids)
    assert set(older.values_list("points", flat=True)) == {0}
    span = older.aggregate(first=Min("occurred_at"), last=Max("occurred_at"))
    assert now - datetime.timedelta(days=20) <= span["first"] < now - datetime.timedelta(days=19)
    assert now - datetime.timedelta(days=1) <= span["last"] < now
    assert ledger_problems(account_ids=generated.account_ids) == []
