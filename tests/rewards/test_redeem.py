import datetime
from decimal import Decimal

import pytest
import time_machine
from django.utils import timezone

from loyalty.exceptions import InsufficientPoints, VoidNotAllowed
from loyalty.models import EntryKind, LotAllocation, OutboxEmail, PointsEntry
from loyalty.services import program_settings_get
from rewards.codes import voucher_code_format
from rewards.exceptions import (
    InvalidVoucher,
    RewardLimitReached,
    RewardOutOfStock,
    RewardUnavailable,
    VoucherExpired,
    VoucherUsed,
    VoucherVoid,
)
from rewards.models import (
    LimitPeriod,
    Redemption,
    RedemptionChannel,
    RedemptionStatus,
    Reward,
    RewardKind,
)
from rewards.services import (
    redemption_void,
    reward_redeem,
    voucher_find,
    voucher_use,
    vouchers_expire_due,
)
from tests.factories import create_staff
from tests.loyalty.points import lot_remaining, state
from tests.rewards.catalogue import give_points, make_cause, make_reward

ONLINE = RedemptionChannel.ONLINE


def redeem(member, reward, **kwargs):
    kwargs.setdefault("channel", ONLINE)
    return reward_redeem(member=member, reward=reward, **kwargs)


def stock_of(reward) -> int | None:
    return Reward.objects.get(pk=reward.pk).stock


@pytest.mark.django_db
def test_redeeming_spends_points_fefo_takes_stock_and_issues_a_voucher(customer):
    give_points(customer, 80)
    give_points(customer, 80)
    reward = make_reward(points_cost=100, stock=3, voucher_valid_days=30)

    with time_machine.travel(datetime.datetime(2026, 5, 1, 9, tzinfo=datetime.UTC), tick=False):
        redemption = redeem(customer, reward)

    assert (redemption.status, redemption.points, redemption.channel) == (
        RedemptionStatus.ISSUED,
        100,
        ONLINE,
    )
    assert redemption.expires_at == datetime.datetime(2026, 5, 31, 9, tzinfo=datetime.UTC)
    assert len(redemption.code) == 10
    assert state(customer) == (60, 0, 0, 3)
    assert lot_remaining(customer) == [0, 60]
    assert stock_of(reward) == 2
    entry = redemption.spend_entry
    assert (entry.kind, entry.points, entry.note) == (EntryKind.SPEND, -100, "Free Coffee")


@pytest.mark.django_db
def test_a_counter_redemption_is_used_at_once(customer, store):
    staff = create_staff(store=store)
    give_points(customer, 100)

    redemption = redeem(
        customer, make_reward(), channel=RedemptionChannel.COUNTER, actor=staff, store=store
    )

    assert redemption.status == RedemptionStatus.FULFILLED
    assert (redemption.fulfilled_by, redemption.fulfilled_store, redemption.store) == (
        staff,
        store,
        store,
    )


@pytest.mark.django_db
def test_a_double_clicked_confirm_redeems_once(customer):
    give_points(customer, 300)
    reward = make_reward(stock=5)

    first = redeem(customer, reward, idempotency_key="confirm-1")
    again = redeem(customer, reward, idempotency_key="confirm-1")

    assert first.pk == again.pk
    assert state(customer) == (200, 0, 0, 2)
    assert stock_of(reward) == 4


@pytest.mark.django_db
def test_store_credit_and_donations_are_worth_their_points(customer):
    program = program_settings_get()
    program.point_value = Decimal("0.01")
    program.save()
    give_points(customer, 1000)
    credit = make_reward("credit", kind=RewardKind.STORE_CREDIT, points_cost=250, max_steps=4)
    donation = make_reward(
        "donate", kind=RewardKind.DONATION, points_cost=100, max_steps=10, cause=make_cause()
    )

    bought = redeem(customer, credit, steps=3)
    given = redeem(customer, donation, steps=2)

    assert (bought.points, bought.value) == (750, Decimal("7.50"))
    assert (given.points, given.value) == (200, Decimal("2.00"))
    assert state(customer) == (50, 0, 0, 3)


def _snapshot(member, reward):
    return state(member), stock_of(reward), Redemption.objects.count()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("setup", "kwargs", "error", "message"),
    [
        ({"is_active": False}, {}, RewardUnavailable, "no longer offered"),
        ({"available_from": "future"}, {}, RewardUnavailable, "not available yet"),
        ({"available_until": "past"}, {}, RewardUnavailable, "no longer available"),
        ({"stock": 0}, {}, RewardOutOfStock, "out of stock"),
        ({"points_cost": 151}, {}, InsufficientPoints, "needs 151 points; 150 are available"),
        ({}, {"steps": 2}, RewardUnavailable, "steps"),
        ({}, {"steps": 0}, RewardUnavailable, "steps"),
    ],
)
def test_refused_redemptions_spend_nothing_and_keep_the_stock(
    customer, setup, kwargs, error, message
):
    give_points(customer, 150)
    now = timezone.now()
    fields = {"stock": 4, **setup}
    if fields.get("available_from") == "future":
        fields["available_from"] = now + datetime.timedelta(days=1)
    if fields.get("available_until") == "past":
        fields["available_until"] = now - datetime.timedelta(days=1)
    reward = make_reward(**fields)
    before = _snapshot(customer, reward)

    with pytest.raises(error, match=message):
        redeem(customer, reward, **kwargs)

    assert _snapshot(customer, reward) == before


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("period", "later", "allowed_again"),
    [
        (LimitPeriod.EVER, datetime.timedelta(days=400), False),
        (LimitPeriod.MONTH, datetime.timedelta(days=3), False),
        (LimitPeriod.MONTH, datetime.timedelta(days=31), True),
        (LimitPeriod.WEEK, datetime.timedelta(days=7), True),
    ],
)
def test_per_member_limit_per_period(customer, period, later, allowed_again):
    give_points(customer, 1000)
    reward = make_reward(per_member_limit=1, limit_period=period)
    start = datetime.datetime(2026, 3, 2, 10, tzinfo=datetime.UTC)  # a Monday

    with time_machine.travel(start, tick=False):
        redeem(customer, reward)
    with time_machine.travel(start + later, tick=False):
        if allowed_again:
            redeem(customer, reward)
        else:
            with pytest.raises(RewardLimitReached):
                redeem(customer, reward)

    assert Redemption.objects.count() == (2 if allowed_again else 1)


@pytest.mark.django_db
def test_a_void_redemption_does_not_count_against_the_limit(customer, store):
    give_points(customer, 300)
    reward = make_reward(per_member_limit=1)
    first = redeem(customer, reward)
    redemption_void(redemption=first, actor=create_staff(store=store))

    redeem(customer, reward)

    assert state(customer) == (200, 0, 0, 4)


@pytest.mark.django_db
def test_a_voucher_is_used_once(customer, store):
    staff = create_staff(store=store)
    give_points(customer, 100)
    redemption = redeem(customer, make_reward())

    used = voucher_use(code=voucher_code_format(redemption.code).lower(), actor=staff, store=store)

    assert (used.status, used.fulfilled_by, used.fulfilled_store) == (
        RedemptionStatus.FULFILLED,
        staff,
        store,
    )
    with pytest.raises(VoucherUsed, match="already used on"):
        voucher_use(code=redemption.code, actor=staff, store=store)


@pytest.mark.django_db
def test_wrong_unknown_void_and_expired_vouchers_are_refused(customer, store):
    staff = create_staff(store=store)
    give_points(customer, 300)
    voided = redeem(customer, make_reward("a"))
    redemption_void(redemption=voided, actor=staff)
    expired = redeem(customer, make_reward("b", voucher_valid_days=1))
    wrong_check = expired.code[:-1] + ("2" if expired.code[-1] != "2" else "3")

    for code, error in [
        (wrong_check, InvalidVoucher),
        ("ZZZZZZZZZZ", InvalidVoucher),
        ("", InvalidVoucher),
        (voided.code, VoucherVoid),
    ]:
        with pytest.raises(error):
            voucher_use(code=code, actor=staff, store=store)
    with (
        time_machine.travel(timezone.now() + datetime.timedelta(days=2)),
        pytest.raises(VoucherExpired),
    ):
        voucher_use(code=expired.code, actor=staff, store=store)

    assert Redemption.objects.get(pk=expired.pk).status == RedemptionStatus.ISSUED


@pytest.mark.django_db
def test_voiding_returns_points_to_their_lots_and_restores_stock(customer, store):
    staff = create_staff(store=store)
    first, second = give_points(customer, 60), give_points(customer, 60)
    reward = make_reward(points_cost=100, stock=2)
    redemption = redeem(customer, reward)
    assert lot_remaining(customer) == [0, 20]

    voided = redemption_void(redemption=redemption, actor=staff, reason="Changed mind")

    assert (voided.status, voided.voided_by, voided.void_reason) == (
        RedemptionStatus.VOID,
        staff,
        "Changed mind",
    )
    assert state(customer) == (120, 0, 0, 4)
    assert lot_remaining(customer) == [60, 60]
    reversal = PointsEntry.objects.get(reverses=redemption.spend_entry)
    put_back = dict(LotAllocation.objects.filter(entry=reversal).values_list("lot_id", "points"))
    assert put_back == {first.lot.pk: 60, second.lot.pk: 40}
    assert stock_of(reward) == 2
    with pytest.raises(VoucherVoid):
        redemption_void(redemption=redemption, actor=staff)
    assert state(customer) == (120, 0, 0, 4)


@pytest.mark.django_db
def test_used_vouchers_and_old_counter_redemptions_cannot_be_voided(customer, store):
    staff, colleague = create_staff(store=store), create_staff(store=store)
    give_points(customer, 300)
    online = redeem(customer, make_reward("a"))
    voucher_use(code=online.code, actor=staff, store=store)
    counter = redeem(
        customer, make_reward("b"), channel=RedemptionChannel.COUNTER, actor=staff, store=store
    )

    with pytest.raises(VoidNotAllowed):
        redemption_void(redemption=online, actor=staff)
    with pytest.raises(VoidNotAllowed):
        redemption_void(redemption=counter, actor=colleague)
    with (
        time_machine.travel(timezone.now() + datetime.timedelta(minutes=16)),
        pytest.raises(VoidNotAllowed),
    ):
        redemption_void(redemption=counter, actor=staff)

    assert state(customer) == (100, 0, 0, 3)
    assert redemption_void(redemption=counter, actor=staff).status == RedemptionStatus.VOID


@pytest.mark.django_db
@pytest.mark.parametrize(("returns_points", "balance"), [(True, 100), (False, 0)])
def test_expired_vouchers_return_points_per_the_program_setting(customer, returns_points, balance):
    program = program_settings_get()
    program.voucher_expiry_returns_points = returns_points
    program.save()
    give_points(customer, 100)
    reward = make_reward(stock=1, voucher_valid_days=7)
    redemption = redeem(customer, reward)

    assert vouchers_expire_due(now=timezone.now() + datetime.timedelta(days=6)) == 0
    assert vouchers_expire_due(now=timezone.now() + datetime.timedelta(days=8)) == 1
    assert vouchers_expire_due(now=timezone.now() + datetime.timedelta(days=9)) == 0

    assert Redemption.objects.get(pk=redemption.pk).status == RedemptionStatus.EXPIRED
    assert state(customer)[0] == balance
    assert stock_of(reward) == (1 if returns_points else 0)


@pytest.mark.django_db
def test_voucher_lookup_never_finds_by_partial_code(customer):
    give_points(customer, 100)
    redemption = redeem(customer, make_reward())

    assert voucher_find(code=redemption.code) == redemption
    with pytest.raises(InvalidVoucher):
        voucher_find(code=redemption.code[:9])


@pytest.mark.django_db
def test_an_online_donation_is_given_at_once_and_never_expires(customer):
    give_points(customer, 500)
    donation = make_reward(
        "give", kind=RewardKind.DONATION, points_cost=100, max_steps=5, cause=make_cause()
    )

    given = redeem(customer, donation, steps=3)

    assert given.status == RedemptionStatus.FULFILLED
    assert vouchers_expire_due(now=timezone.now() + datetime.timedelta(days=400)) == 0
    assert state(customer) == (200, 0, 0, 2)
    assert OutboxEmail.objects.count() == 0


@pytest.mark.django_db
def test_a_voucher_past_its_date_is_left_to_the_expiry_run(customer, store):
    program = program_settings_get()
    program.voucher_expiry_returns_points = False
    program.save()
    give_points(customer, 100)
    redemption = redeem(customer, make_reward(voucher_valid_days=1))

    with time_machine.travel(timezone.now() + datetime.timedelta(days=2)):
        with pytest.raises(VoidNotAllowed):
            redemption_void(redemption=redemption, actor=create_staff(store=store))
        assert vouchers_expire_due() == 1

    assert state(customer) == (0, 0, 0, 2)
