"""A stamp card completes exactly once when its purchases arrive at the same time (PostgreSQL)."""

import datetime
from collections import Counter
from decimal import Decimal

import pytest
from django.db import connection
from django.utils import timezone

from engagement.models import Challenge, ChallengeCard, ChallengeStamp
from engagement.services.checkout import checkout_purchase
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
