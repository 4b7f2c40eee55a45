"""Two workers (or two beats by mistake) run the nightly jobs at the same moment (PostgreSQL)."""

import datetime

import pytest
from django.db import connection
from django.utils import timezone

from engagement.services.birthdays import birthday_rewards_grant
from engagement.services.reminders import expiry_reminders_queue
from loyalty.models import EntryKind, OutboxEmail, PointsEntry, PointsLot, RuleKind
from loyalty.services import points_credit
from loyalty.services.expiry import points_expire_due
from tests.concurrency import run_together
from tests.factories import create_customer
from tests.loyalty.points import rule, state

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL"),
]


def test_two_workers_expire_each_lot_once():
    members = [create_customer() for _ in range(6)]
    now = timezone.now()
    for member in members:
        for points in (10, 20, 30):
            lot = points_credit(account=member.points_account, points=points).lot
            PointsLot.objects.filter(pk=lot.pk).update(
                expires_at=now - datetime.timedelta(minutes=1)
            )

    run_together(4, lambda _index: points_expire_due(now=now, batch_size=5))

    assert PointsEntry.objects.filter(kind=EntryKind.EXPIRY).count() == 18
    assert all(state(member)[:1] == (0,) for member in members)


def test_two_workers_queue_each_reminder_once():
    members = [create_customer() for _ in range(5)]
    now = timezone.now()
    for member in members:
        lot = points_credit(account=member.points_account, points=40).lot
        PointsLot.objects.filter(pk=lot.pk).update(expires_at=now + datetime.timedelta(days=5))

    run_together(4, lambda _index: expiry_reminders_queue(now=now))

    assert OutboxEmail.objects.filter(key__startswith="expiry-reminder:").count() == 5


def test_two_workers_give_each_birthday_bonus_once():
    rule(RuleKind.BIRTHDAY_BONUS, "Birthday", points=100)
    today = datetime.date(2026, 6, 5)
    members = [create_customer() for _ in range(5)]
    for member in members:
        member.birthday = datetime.date(1990, 6, 5)
        member.save()

    run_together(4, lambda _index: birthday_rewards_grant(today=today))

    assert [state(member)[0] for member in members] == [100] * 5
    assert PointsEntry.objects.filter(kind=EntryKind.BIRTHDAY).count() == 5
    assert OutboxEmail.objects.filter(key__startswith="birthday:").count() == 5
