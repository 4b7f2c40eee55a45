"""Qualification under concurrency, on PostgreSQL: both sides rewarded exactly once."""

from collections import Counter
from decimal import Decimal

import pytest
from django.db import connection

from engagement.services.checkout import checkout_purchase
from loyalty.services import BasketLine
from referrals.models import Referral, ReferralStatus
from referrals.services import referral_attach, referral_code_for, referral_settings_get
from tests.concurrency import outcome, run_together
from tests.factories import create_customer
from tests.loyalty.points import base_rule, state

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL"),
]


def _friend(customer):
    settings = referral_settings_get()
    settings.return_window_days = 0  # these tests are about rewarding once, not the window
    settings.save()
    friend = create_customer(email="fiona@example.com")
    referral_attach(friend=friend, code=referral_code_for(member=customer).code)
    return friend


def test_a_retried_qualifying_purchase_rewards_once(customer, store):
    base_rule("1")
    friend = _friend(customer)

    results = run_together(
        10,
        lambda _index: checkout_purchase(
            member=friend,
            store=store,
            external_id="till-1",
            lines=[BasketLine(amount=Decimal("50"))],
        ),
    )

    assert outcome(results) == Counter({"RecordedPurchase": 10})
    assert Referral.objects.get().status == ReferralStatus.REWARDED
    assert state(customer) == (200, 0, 0, 1)
    assert state(friend) == (150, 0, 0, 2)


def test_two_qualifying_purchases_at_once_reward_once(customer, store):
    base_rule("1")
    friend = _friend(customer)

    results = run_together(
        6,
        lambda index: checkout_purchase(
            member=friend,
            store=store,
            external_id=f"till-{index}",
            lines=[BasketLine(amount=Decimal("50"))],
        ),
    )

    assert outcome(results) == Counter({"RecordedPurchase": 6})
    assert state(customer) == (200, 0, 0, 1)
    assert state(friend) == (400, 0, 0, 7)
