"""The daily limits under concurrency, on PostgreSQL: one staff member (or one API key) at
several tills at once never issues more than the limit, because the day's total is read under a
lock on the recorder's row (`loyalty.services.limits`). Each sale is for another member, so the
members' own locks do not line the threads up."""

from collections import Counter
from decimal import Decimal

import pytest
from django.db import connection

from engagement.services.checkout import checkout_purchase
from loyalty.exceptions import LimitExceeded
from loyalty.models import HoldStatus, OverLimitAction, Purchase
from loyalty.services import BasketLine, program_settings_get
from loyalty.services.api_keys import api_key_create
from tests.concurrency import outcome, run_together
from tests.factories import LONG_AGO, create_customer
from tests.loyalty.points import base_rule, state

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL"),
]

TILLS = 10


def _program(**fields) -> None:
    program = program_settings_get()
    for name, value in fields.items():
        setattr(program, name, value)
    program.save()


def _members() -> list:
    return [
        create_customer(email=f"racer{index}@example.com", joined_at=LONG_AGO)
        for index in range(TILLS)
    ]


def _sale(member, store, index: int, **recorder):
    return checkout_purchase(
        member=member,
        store=store,
        external_id=f"till-{index}",
        lines=[BasketLine(amount=Decimal("30"))],
        **recorder,
    )


def test_ten_tills_of_one_staff_member_at_once_issue_no_more_than_the_daily_limit(
    store, staff_user
):
    base_rule("1")
    _program(staff_daily_points=100, over_limit_action=OverLimitAction.REFUSE)
    members = _members()

    results = run_together(
        TILLS, lambda index: _sale(members[index], store, index, actor=staff_user)
    )

    assert outcome(results) == Counter({"RecordedPurchase": 3, "LimitExceeded": 7})
    refusals = [result for result in results if isinstance(result, LimitExceeded)]
    assert {str(refusal.message) for refusal in refusals} == {
        "This staff member issued 90 points today; 30 more is above the limit of 100 per staff "
        "member per day."
    }
    assert Purchase.objects.count() == 3
    assert sorted(state(member)[0] for member in members) == [0] * 7 + [30] * 3


def test_ten_tills_of_one_key_at_once_hold_what_goes_over_its_daily_limit(store):
    base_rule("1")
    _program(key_daily_points=100, over_limit_action=OverLimitAction.HOLD)
    key, _secret = api_key_create(store=store, name="Web shop")
    members = _members()

    results = run_together(TILLS, lambda index: _sale(members[index], store, index, api_key=key))

    assert outcome(results) == Counter({"RecordedPurchase": TILLS})
    statuses = Counter(Purchase.objects.values_list("hold_status", flat=True))
    assert statuses == Counter({HoldStatus.NONE: 3, HoldStatus.HELD: 7})
    # Held points are pending, awaiting approval: 90 available, 210 waiting.
    assert sum(state(member)[0] for member in members) == 90
    assert sum(state(member)[1] for member in members) == 210
