import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command
from django.core.management.base import CommandError

from loyalty.exceptions import AlreadyReversed, InsufficientPoints, InvalidAdjustment
from loyalty.models import (
    EntryKind,
    ExpiryPolicy,
    LotAllocation,
    PointsAccount,
    PointsEntry,
    PointsLot,
)
from loyalty.services import (
    points_adjust,
    points_credit,
    points_release_due,
    points_spend,
    points_spend_reverse,
    program_settings_get,
)
from tests.loyalty.points import lot_remaining, state

UTC = datetime.UTC


def at(day: str, time: str = "12:00") -> datetime.datetime:
    return datetime.datetime.fromisoformat(f"{day}T{time}").replace(tzinfo=UTC)


def credit(
    member, points: int, *, earned: str = "2026-01-10", expires: str | None = None, **kwargs
):
    """A credit with an explicit expiry date (program policy 'never' otherwise)."""
    result = points_credit(
        account=member.points_account, points=points, earned_at=at(earned), **kwargs
    )
    if expires:
        PointsLot.objects.filter(pk=result.lot.pk).update(expires_at=at(expires))
    return result


@pytest.mark.django_db
def test_a_credit_writes_one_entry_one_lot_and_raises_the_balance(customer):
    result = points_credit(account=customer.points_account, points=120, note="Welcome")

    assert state(customer) == (120, 0, 0, 1)
    assert (result.entry.points, result.entry.balance_after, result.entry.kind) == (
        120,
        120,
        EntryKind.BONUS,
    )
    assert (result.lot.points, result.lot.remaining, result.lot.is_pending) == (120, 120, False)
    assert (
        customer.points_account.__class__.objects.get(pk=customer.points_account.pk).lifetime_earned
        == 120
    )


@pytest.mark.django_db
def test_spending_draws_soonest_expiring_first_and_never_expiring_last(customer):
    never = credit(customer, 50)
    late = credit(customer, 30, expires="2027-06-01")
    soon = credit(customer, 20, expires="2027-01-01")

    entry = points_spend(account=customer.points_account, points=40)

    assert state(customer) == (60, 0, 0, 4)
    assert entry.balance_after == 60
    taken = dict(LotAllocation.objects.filter(entry=entry).values_list("lot_id", "points"))
    assert taken == {soon.lot.pk: -20, late.lot.pk: -20}
    assert lot_remaining(customer) == [50, 10, 0]
    assert never.lot.pk not in taken


@pytest.mark.django_db
def test_spending_more_than_the_balance_is_refused_and_changes_nothing(customer):
    credit(customer, 30)

    with pytest.raises(InsufficientPoints, match="30 available, 31 needed"):
        points_spend(account=customer.points_account, points=31)

    assert state(customer) == (30, 0, 0, 1)
    assert lot_remaining(customer) == [30]


@pytest.mark.django_db
def test_reversing_a_spend_puts_points_back_into_the_lots_they_came_from(customer):
    first = credit(customer, 10, expires="2027-01-01")
    second = credit(customer, 10, expires="2027-02-01")
    spend = points_spend(account=customer.points_account, points=15)

    reversal = points_spend_reverse(entry=spend, note="Voucher voided")

    assert state(customer) == (20, 0, 0, 4)
    assert (reversal.points, reversal.kind, reversal.reverses) == (
        15,
        EntryKind.SPEND_REVERSAL,
        spend,
    )
    assert lot_remaining(customer) == [10, 10]
    put_back = dict(LotAllocation.objects.filter(entry=reversal).values_list("lot_id", "points"))
    assert put_back == {first.lot.pk: 10, second.lot.pk: 5}


@pytest.mark.django_db
def test_a_spend_is_reversed_only_once(customer):
    credit(customer, 10)
    spend = points_spend(account=customer.points_account, points=10)
    points_spend_reverse(entry=spend)

    with pytest.raises(AlreadyReversed):
        points_spend_reverse(entry=spend)

    assert state(customer) == (10, 0, 0, 3)


@pytest.mark.django_db
def test_the_same_idempotency_key_spends_once(customer):
    credit(customer, 10)

    first = points_spend(account=customer.points_account, points=4, idempotency_key="redeem:1")
    again = points_spend(account=customer.points_account, points=4, idempotency_key="redeem:1")

    assert first.pk == again.pk
    assert state(customer) == (6, 0, 0, 2)


@pytest.mark.django_db
def test_the_same_idempotency_key_credits_once(customer):
    first = points_credit(account=customer.points_account, points=7, idempotency_key="bonus:1")
    again = points_credit(account=customer.points_account, points=7, idempotency_key="bonus:1")

    assert first.entry.pk == again.entry.pk
    assert state(customer) == (7, 0, 0, 1)


@pytest.mark.django_db
def test_a_held_credit_is_pending_until_released(customer):
    with time_machine.travel(at("2026-03-01"), tick=False):
        held = points_credit(
            account=customer.points_account, points=25, hold_until=at("2026-03-15")
        )

    assert held.entry is None
    assert state(customer) == (0, 25, 0, 0)
    assert points_release_due(now=at("2026-03-14")) == 0
    assert state(customer) == (0, 25, 0, 0)

    assert points_release_due(now=at("2026-03-15")) == 1
    assert points_release_due(now=at("2026-03-16")) == 0

    assert state(customer) == (25, 0, 0, 1)
    entry = PointsEntry.objects.get(account__member=customer)
    assert (entry.points, entry.kind) == (25, EntryKind.BONUS)
    assert PointsLot.objects.get().entry == entry


@pytest.mark.django_db
def test_a_manager_adjusts_up_and_down_with_a_reason(customer, manager_user):
    up = points_adjust(
        account=customer.points_account, points=50, reason="Goodwill", actor=manager_user
    )
    down = points_adjust(
        account=customer.points_account, points=-20, reason="Typo fix", actor=manager_user
    )

    assert state(customer) == (30, 0, 0, 2)
    assert [(up.kind, up.points, up.note, up.actor), (down.kind, down.points, down.note)] == [
        (EntryKind.ADJUSTMENT, 50, "Goodwill", manager_user),
        (EntryKind.ADJUSTMENT, -20, "Typo fix"),
    ]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("points", "reason", "error", "message"),
    [
        (10, "", InvalidAdjustment, "Give a reason"),
        (10, "   ", InvalidAdjustment, "Give a reason"),
        (0, "Nothing", InvalidAdjustment, "at least one point"),
        (-11, "Too much", InsufficientPoints, "10 available, 11 needed"),
    ],
)
def test_bad_adjustments_are_refused_and_change_nothing(
    customer, manager_user, points, reason, error, message
):
    credit(customer, 10)

    with pytest.raises(error, match=message):
        points_adjust(
            account=customer.points_account, points=points, reason=reason, actor=manager_user
        )

    assert state(customer) == (10, 0, 0, 1)


@pytest.mark.django_db
def test_new_points_pay_off_debt_first(customer):
    PointsAccount.objects.filter(member=customer).update(debt=30)
    # The debt must have come from an entry for the ledger to add up: record it as one.
    account = PointsAccount.objects.get(member=customer)
    PointsEntry.objects.create(
        account=account, kind=EntryKind.RETURN, points=0, debt_change=30, balance_after=0
    )

    first = points_credit(account=account, points=20)
    second = points_credit(account=account, points=25)

    assert (first.entry.points, first.entry.debt_change) == (0, -20)
    assert (second.entry.points, second.entry.debt_change) == (15, -10)
    assert state(customer) == (15, 0, 0, 3)
    assert lot_remaining(customer) == [0, 15]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("policy", "earned", "expected"),
    [
        (ExpiryPolicy.NEVER, "2026-01-31T23:30", None),
        (ExpiryPolicy.DAYS, "2026-01-31T23:30", "2026-03-03T00:00"),
        (ExpiryPolicy.END_OF_MONTH, "2026-01-31T23:30", "2026-03-01T00:00"),
        (ExpiryPolicy.END_OF_MONTH, "2026-12-15T10:00", "2027-02-01T00:00"),
    ],
)
def test_lot_expiry_is_fixed_when_issued_in_the_program_time_zone(
    settings, customer, policy, earned, expected
):
    settings.TIME_ZONE = "Europe/Oslo"
    zone = ZoneInfo("Europe/Oslo")
    program = program_settings_get()
    program.expiry_policy, program.expiry_days, program.expiry_months = policy, 30, 1
    program.save()
    earned_at = datetime.datetime.fromisoformat(earned).replace(tzinfo=zone)

    lot = points_credit(account=customer.points_account, points=5, earned_at=earned_at).lot
    program.expiry_policy = ExpiryPolicy.NEVER
    program.save()

    lot.refresh_from_db()
    expected_at = (
        datetime.datetime.fromisoformat(expected).replace(tzinfo=zone) if expected else None
    )
    assert lot.expires_at == expected_at


@pytest.mark.django_db
def test_points_audit_reports_a_sound_ledger(customer, other_customer, capsys):
    credit(customer, 40)
    points_spend(account=customer.points_account, points=15)

    call_command("points_audit")

    assert capsys.readouterr().out.strip() == "2 accounts checked, 0 mismatches"


@pytest.mark.django_db
@pytest.mark.ledger_corrupted
@pytest.mark.parametrize(
    ("change", "problem"),
    [
        ({"balance": 41}, "balance 41 != sum of entries 40"),
        ({"pending": 3}, "pending 3 != remaining in pending lots 0"),
        ({"debt": 5}, "debt 5 != sum of entry debt changes 0"),
    ],
)
def test_points_audit_fails_on_a_corrupted_account(
    customer, other_customer, capsys, change, problem
):
    credit(customer, 40)
    PointsAccount.objects.filter(member=customer).update(**change)

    with pytest.raises(CommandError, match="2 accounts checked, 1 mismatches") as failure:
        call_command("points_audit")

    assert failure.value.returncode == 1
    assert f"account {customer.points_account.pk}: {problem}" in capsys.readouterr().err


@pytest.mark.django_db
@pytest.mark.ledger_corrupted
def test_points_audit_notices_a_lot_that_disagrees_with_the_entries(customer, capsys):
    credit(customer, 40)
    PointsLot.objects.update(remaining=39)

    with pytest.raises(CommandError, match="1 accounts checked, 1 mismatches"):
        call_command("points_audit")

    assert "balance 40 != remaining in available lots 39" in capsys.readouterr().err


@pytest.mark.django_db
def test_a_retried_held_credit_is_credited_once(customer):
    hold = timezone_now_plus(days=3)

    first = points_credit(
        account=customer.points_account, points=10, hold_until=hold, idempotency_key="k"
    )
    again = points_credit(
        account=customer.points_account, points=10, hold_until=hold, idempotency_key="k"
    )

    assert again.lot.pk == first.lot.pk
    assert state(customer) == (0, 10, 0, 0)


@pytest.mark.django_db
def test_a_key_used_by_another_kind_of_request_is_refused(customer):
    from loyalty.exceptions import DuplicateRequest

    credit(customer, 10)
    points_spend(account=customer.points_account, points=5, idempotency_key="request-1")

    with pytest.raises(DuplicateRequest):
        points_credit(account=customer.points_account, points=5, idempotency_key="request-1")

    assert state(customer) == (5, 0, 0, 2)


def timezone_now_plus(**delta) -> datetime.datetime:
    from django.utils import timezone

    return timezone.now() + datetime.timedelta(**delta)


@pytest.mark.django_db
def test_an_idempotency_key_of_another_account_neither_reads_nor_changes_it(
    customer, other_customer, manager_user
):
    from loyalty.exceptions import DuplicateRequest

    credit(customer, 50)
    credit(other_customer, 50)
    points_adjust(
        account=customer.points_account,
        points=-10,
        reason="Fix",
        actor=manager_user,
        idempotency_key="k1",
    )

    with pytest.raises(DuplicateRequest):
        points_adjust(
            account=other_customer.points_account,
            points=-10,
            reason="Fix",
            actor=manager_user,
            idempotency_key="k1",
        )
    with pytest.raises(DuplicateRequest):
        points_spend(account=other_customer.points_account, points=5, idempotency_key="k1")

    assert state(customer) == (40, 0, 0, 2)
    assert state(other_customer) == (50, 0, 0, 1)
