"""Limits on made value (#16): the desk and API keys above their limits are refused or held;
a manager approves or rejects what was held."""

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from engagement.services.checkout import (
    checkout_hold_approve,
    checkout_hold_reject,
    checkout_purchase,
)
from loyalty.audit import ledger_problems
from loyalty.exceptions import HoldDecided, LimitExceeded
from loyalty.models import (
    EntryKind,
    HoldStatus,
    OverLimitAction,
    PointsEntry,
    PointsLot,
    Purchase,
)
from loyalty.services import program_settings_get
from loyalty.services.api_keys import api_key_create
from loyalty.tasks import release_pending_points
from tests.api.conftest import KeyClient, url
from tests.desk.test_points import purchase_data
from tests.loyalty.points import base_rule, line, state

pytestmark = pytest.mark.django_db

BIG_LINE = {"description": "TV", "amount": "999999.99"}


def _program(**fields):
    program = program_settings_get()
    for name, value in fields.items():
        setattr(program, name, value)
    program.save()
    return program


def _messages(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def _desk_post(client, staff_user, member, *lines, receipt_key="desk-" + "a" * 32):
    client.force_login(staff_user)
    return client.post(
        reverse("staff_points:purchase_new", args=[member.card_number]),
        purchase_data(*lines, receipt_key=receipt_key),
        follow=True,
    )


def _api_body(member, external_id: str, amount: str) -> dict:
    return {
        "member": member.card_number,
        "external_id": external_id,
        "occurred_at": (timezone.now() - datetime.timedelta(minutes=1)).isoformat(),
        "currency": "USD",
        "total": amount,
        "lines": [{"amount": amount}],
    }


def _audit_clean() -> None:
    assert ledger_problems() == []


def _held(member, store, external_id="till-big", amount="9000", *, actor=None, api_key=None):
    return checkout_purchase(
        member=member,
        store=store,
        external_id=external_id,
        lines=[line(amount)],
        actor=actor,
        api_key=api_key,
    ).purchase


# --- the desk --------------------------------------------------------------------------------


def test_the_six_million_point_desk_form_is_refused_and_changes_nothing(
    client, store, customer, staff_user
):
    base_rule("1")
    _program(over_limit_action=OverLimitAction.REFUSE)

    response = _desk_post(client, staff_user, customer, *[BIG_LINE] * 5)

    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [
        "The total 4,999,999.95 is above the limit of 5,000.00 per purchase."
    ]
    # The lines stay filled in, and so does what they would earn: not "Fill in the lines".
    assert response.context["preview"]["summary"] == "This purchase earns 4999995 points."
    assert "This purchase earns 4999995 points." in response.content.decode()
    assert Purchase.objects.count() == 0
    assert state(customer) == (0, 0, 0, 0)
    assert PointsLot.objects.count() == 0


def test_the_six_million_point_desk_form_is_held_for_approval(client, store, customer, staff_user):
    base_rule("1")

    response = _desk_post(client, staff_user, customer, *[BIG_LINE] * 5)

    purchase = Purchase.objects.get()
    assert purchase.hold_status == HoldStatus.HELD
    assert purchase.points == 4_999_995
    assert purchase.held_reason == (
        "The total 4,999,999.95 is above the limit of 5,000.00 per purchase."
    )
    assert state(customer) == (0, 4_999_995, 0, 0)
    assert _messages(response) == [
        "Purchase recorded and held for a manager's approval: its 4999995 points stay "
        "pending until then. The total 4,999,999.95 is above the limit of 5,000.00 per purchase."
    ]
    assert PointsLot.objects.get().is_held is True


def test_a_desk_purchase_above_the_points_limit_is_held(store, customer, staff_user):
    base_rule("20")  # 4,000.00 is within the total limit but earns 80,000 points

    purchase = _held(customer, store, amount="4000", actor=staff_user)

    assert purchase.hold_status == HoldStatus.HELD
    assert purchase.held_reason == "It earns 80000 points, above the limit of 50000 per purchase."
    assert state(customer) == (0, 80_000, 0, 0)


def test_a_normal_desk_sale_is_not_touched_by_the_limits(store, customer, staff_user):
    base_rule("1")

    purchase = _held(customer, store, amount="4999.99", actor=staff_user)

    assert purchase.hold_status == HoldStatus.NONE
    assert purchase.held_reason == ""
    assert state(customer) == (4999, 0, 0, 1)


def test_the_staff_daily_limit_holds_the_purchase_that_goes_over(
    store, customer, other_customer, staff_user
):
    base_rule("1")
    _program(staff_daily_points=10_000)

    first = _held(customer, store, "till-1", "4000", actor=staff_user)
    second = _held(other_customer, store, "till-2", "4000", actor=staff_user)
    third = _held(customer, store, "till-3", "2001", actor=staff_user)
    fourth = _held(other_customer, store, "till-4", "2000", actor=staff_user)

    assert [p.hold_status for p in (first, second, third, fourth)] == ["", "", "held", ""]
    assert third.held_reason == (
        "This staff member issued 8000 points today; 2001 more is above the limit of 10000 per "
        "staff member per day."
    )
    assert state(customer) == (4000, 2001, 0, 1)
    assert state(other_customer) == (6000, 0, 0, 2)


def test_the_staff_daily_limit_starts_again_on_the_next_program_day(store, customer, staff_user):
    base_rule("1")
    _program(staff_daily_points=5000)
    with time_machine.travel(datetime.datetime(2026, 3, 10, 22, 0, tzinfo=datetime.UTC)):
        _held(
            customer,
            store,
            "till-1",
            "4000",
            actor=staff_user,
        )
    with time_machine.travel(datetime.datetime(2026, 3, 11, 9, 0, tzinfo=datetime.UTC)):
        purchase = checkout_purchase(
            member=customer,
            store=store,
            external_id="till-2",
            lines=[line("4000")],
            actor=staff_user,
            occurred_at=timezone.now(),
        ).purchase

    assert purchase.hold_status == HoldStatus.NONE
    assert state(customer) == (8000, 0, 0, 2)


# --- the API ---------------------------------------------------------------------------------


def test_an_api_key_above_its_total_is_refused_with_limit_exceeded(store, customer):
    base_rule("1")
    _program(over_limit_action=OverLimitAction.REFUSE)
    _api_key, raw_key = api_key_create(store=store, name="Till 1")

    response = KeyClient(raw_key).post(
        url("purchase-create"), _api_body(customer, "r-1", "999999.99"), format="json"
    )

    assert response.status_code == 422
    assert response.json()["code"] == "limit_exceeded"
    assert response.json()["message"] == (
        "The total 999,999.99 is above the limit of 5,000.00 per purchase."
    )
    assert Purchase.objects.count() == 0
    assert state(customer) == (0, 0, 0, 0)


def test_an_api_purchase_above_the_key_limit_is_held(store, customer):
    base_rule("1")
    _api_key, raw_key = api_key_create(store=store, name="Till 1")

    response = KeyClient(raw_key).post(
        url("purchase-create"), _api_body(customer, "r-1", "999999.99"), format="json"
    )

    assert response.status_code == 201
    assert response.json()["status"] == "held"
    assert response.json()["points_pending"] is True
    assert state(customer) == (0, 999_999, 0, 0)
    assert Purchase.objects.get().api_key == _api_key


def test_a_key_s_own_limits_replace_the_program_default(store, customer):
    base_rule("1")
    api_key, raw_key = api_key_create(store=store, name="Web shop")
    api_key.max_total = Decimal("100.00")
    api_key.save()
    till = KeyClient(raw_key)

    small = till.post(url("purchase-create"), _api_body(customer, "r-1", "100.00"), format="json")
    over = till.post(url("purchase-create"), _api_body(customer, "r-2", "100.01"), format="json")

    assert (small.status_code, small.json()["status"]) == (201, "recorded")
    assert (over.status_code, over.json()["status"]) == (201, "held")
    assert state(customer) == (100, 100, 0, 1)


def test_the_key_daily_limit_counts_per_key(store, customer):
    base_rule("1")
    _program(key_daily_points=5000)
    _first_key, first_raw = api_key_create(store=store, name="Till 1")
    _second_key, second_raw = api_key_create(store=store, name="Till 2")

    one = KeyClient(first_raw).post(
        url("purchase-create"), _api_body(customer, "a", "4000"), format="json"
    )
    two = KeyClient(first_raw).post(
        url("purchase-create"), _api_body(customer, "b", "1001"), format="json"
    )
    three = KeyClient(second_raw).post(
        url("purchase-create"), _api_body(customer, "c", "4000"), format="json"
    )

    assert [r.json()["status"] for r in (one, two, three)] == ["recorded", "held", "recorded"]
    assert Purchase.objects.get(external_id="b").held_reason == (
        "This key issued 4000 points today; 1001 more is above its limit of 5000 per day."
    )
    assert state(customer) == (8000, 1001, 0, 2)


# --- approve and reject ----------------------------------------------------------------------


def test_approve_releases_held_points_at_once_and_twice_changes_nothing(
    store, customer, staff_user, manager_user
):
    base_rule("1")
    purchase = _held(customer, store, actor=staff_user)

    first = checkout_hold_approve(purchase=purchase, actor=manager_user, note="Real TV sale")
    again = checkout_hold_approve(purchase=purchase, actor=manager_user, note="again")

    assert (first.changed, again.changed) == (True, False)
    purchase.refresh_from_db()
    assert purchase.hold_status == HoldStatus.APPROVED
    assert purchase.reviewed_by == manager_user
    assert purchase.review_note == "Real TV sale"
    assert purchase.reviewed_at is not None
    assert state(customer) == (9000, 0, 0, 1)
    entry = PointsEntry.objects.get()
    assert (entry.kind, entry.points, entry.actor, entry.note) == (
        EntryKind.PURCHASE,
        9000,
        manager_user,
        "Approved by a manager",
    )
    assert PointsLot.objects.get().is_held is False
    _audit_clean()
    with pytest.raises(HoldDecided):
        checkout_hold_reject(purchase=purchase, actor=manager_user, note="too late")
    assert state(customer) == (9000, 0, 0, 1)


def test_approve_with_a_pending_period_leaves_points_pending_until_their_date(
    store, customer, staff_user, manager_user
):
    base_rule("1")
    _program(pending_days=14)
    purchase = _held(customer, store, actor=staff_user)

    checkout_hold_approve(purchase=purchase, actor=manager_user)

    assert state(customer) == (0, 9000, 0, 0)
    assert release_pending_points() == 0
    assert state(customer) == (0, 9000, 0, 0)
    with time_machine.travel(timezone.now() + datetime.timedelta(days=15)):
        assert release_pending_points() == 1
    assert state(customer) == (9000, 0, 0, 1)
    _audit_clean()


def test_held_points_are_not_released_by_the_release_task(store, customer, staff_user):
    base_rule("1")
    _program(pending_days=2)
    _held(customer, store, actor=staff_user)

    with time_machine.travel(timezone.now() + datetime.timedelta(days=30)):
        assert release_pending_points() == 0

    assert state(customer) == (0, 9000, 0, 0)
    assert PointsLot.objects.get().is_pending is True
    _audit_clean()


def test_reject_voids_the_purchase_and_takes_the_points_back(
    store, customer, staff_user, manager_user
):
    base_rule("1")
    checkout_purchase(member=customer, store=store, external_id="ok", lines=[line("40")])
    purchase = _held(customer, store, actor=staff_user)

    first = checkout_hold_reject(purchase=purchase, actor=manager_user, note="Made up")
    again = checkout_hold_reject(purchase=purchase, actor=manager_user, note="again")

    assert (first.changed, again.changed) == (True, False)
    purchase.refresh_from_db()
    assert purchase.hold_status == HoldStatus.REJECTED
    assert purchase.voided_at is not None
    assert purchase.points_reversed == 9000
    assert (purchase.reviewed_by, purchase.review_note) == (manager_user, "Made up")
    assert state(customer) == (40, 0, 0, 1)
    assert PointsLot.objects.get(purchase=purchase).remaining == 0
    _audit_clean()
    with pytest.raises(HoldDecided):
        checkout_hold_approve(purchase=purchase, actor=manager_user)
    assert state(customer) == (40, 0, 0, 1)


def test_a_purchase_never_held_cannot_be_approved(store, customer, manager_user):
    base_rule("1")
    purchase = _held(customer, store, amount="10")

    with pytest.raises(HoldDecided):
        checkout_hold_approve(purchase=purchase, actor=manager_user)
    assert state(customer) == (10, 0, 0, 1)


def test_a_refusal_raises_limit_exceeded_in_the_checkout(store, customer, staff_user):
    base_rule("1")
    _program(over_limit_action=OverLimitAction.REFUSE)

    with pytest.raises(LimitExceeded) as raised:
        _held(customer, store, actor=staff_user)

    assert raised.value.code == "limit_exceeded"
    assert raised.value.status == 422
    assert Purchase.objects.count() == 0
    assert state(customer) == (0, 0, 0, 0)


# --- the member sees it ----------------------------------------------------------------------


def test_the_member_sees_held_points_awaiting_approval(client, store, customer, staff_user):
    base_rule("1")
    _held(customer, store, actor=staff_user)
    client.force_login(customer.user)

    dashboard = client.get(reverse("members:dashboard")).content.decode()
    history = client.get(reverse("members:history")).content.decode()

    assert 'data-testid="awaiting-approval">awaiting approval<' in dashboard
    assert 'data-testid="awaiting-approval">Awaiting approval<' in history
