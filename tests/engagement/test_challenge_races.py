"""Stamp cards under concurrency (PostgreSQL): a card completes, loses a stamp and reopens once."""

import datetime
from collections import Counter
from decimal import Decimal

import pytest
from django.db import connection
from django.utils import timezone

from engagement.models import Challenge, ChallengeCard, ChallengeStamp
from engagement.services.checkout import checkout_purchase, checkout_return
from loyalty.models import EntryKind, PointsEntry
from loyalty.services import BasketLine
from tests.concurrency import outcome, run_together
from tests.loyalty.points import base_rule, state

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL"),
]


def test_concurrent_purchases_complete_a_card_once(customer, store):
    base_rule("1")
    Challenge.objects.create(
        name="Three visits",
        starts_at=timezone.now() - datetime.timedelta(days=1),
        purchases_needed=3,
        reward_points=50,
    )

    results = run_together(
        8,
        lambda index: checkout_purchase(
            member=customer,
            store=store,
            external_id=f"till-{index}",
            lines=[BasketLine(amount=Decimal("10"))],
        ),
    )

    assert outcome(results) == Counter({"RecordedPurchase": 8})
    assert list(ChallengeCard.objects.values_list("stamps", flat=True)) == [3]
    assert ChallengeStamp.objects.count() == 3
    assert PointsEntry.objects.filter(kind=EntryKind.BONUS).count() == 1
    assert state(customer)[0] == 80 + 50


def _repeatable_card_of_two(customer, store, *receipts: str):
    base_rule("1")
    Challenge.objects.create(
        name="Two visits",
        starts_at=timezone.now() - datetime.timedelta(days=1),
        purchases_needed=2,
        reward_points=50,
        repeatable=True,
    )
    return [
        checkout_purchase(
            member=customer,
            store=store,
            external_id=receipt,
            lines=[BasketLine(amount=Decimal("25"))],
        ).purchase
        for receipt in receipts
    ]


def _cards() -> list[tuple[int, int, bool, bool]]:
    """(round, stamps, completed, has a prize) of each card, and stamps match their rows."""
    cards = ChallengeCard.objects.order_by("round")
    for card in cards:
        assert card.stamps == card.stamp_rows.count()
    return [
        (card.round, card.stamps, card.completed_at is not None, card.prize_lot_id is not None)
        for card in cards
    ]


def test_a_return_of_a_stamp_racing_a_new_stamp_leaves_one_prize(customer, store):
    first, _second = _repeatable_card_of_two(customer, store, "till-1", "till-2")

    def work(index: int):
        if index == 0:
            return checkout_return(purchase=first, lines=None)
        return checkout_purchase(
            member=customer,
            store=store,
            external_id="till-3",
            lines=[BasketLine(amount=Decimal("25"))],
        )

    results = run_together(2, work)

    assert outcome(results) == Counter({"RecordedReturn": 1, "RecordedPurchase": 1})
    # Whichever came first, round 1 is complete with the two kept purchases and one prize.
    assert _cards()[0] == (1, 2, True, True)
    assert sorted(
        ChallengeStamp.objects.filter(card__round=1).values_list("purchase__external_id", flat=True)
    ) == ["till-2", "till-3"]
    assert all(stamps == 0 for _round, stamps, _done, _prize in _cards()[1:])
    prize_entries = PointsEntry.objects.filter(note__startswith="Challenge ")
    assert sum(entry.points for entry in prize_entries) == 50
    assert state(customer)[:3] == (25 + 25 + 50, 0, 0)


def test_two_returns_at_once_reopen_the_card_once(customer, store):
    first, second, _third = _repeatable_card_of_two(customer, store, "till-1", "till-2", "till-3")

    results = run_together(
        2, lambda index: checkout_return(purchase=(first, second)[index], lines=None)
    )

    assert outcome(results) == Counter({"RecordedReturn": 2})
    assert _cards() == [(1, 1, False, False), (2, 0, False, False)]
    assert list(ChallengeStamp.objects.values_list("purchase__external_id", flat=True)) == [
        "till-3"
    ]
    # Either order: the first return borrows round 2's stamp, the second reopens round 1 and
    # takes its prize back; of 75 + 50 earned, the third purchase's 25 are left.
    assert state(customer)[:3] == (25, 0, 0)
