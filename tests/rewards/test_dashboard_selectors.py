"""What the member's dashboard reads from the rewards app: the next reward and how many are
redeemable now, the vouchers ready, and what the member saved."""

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from loyalty.models import PointsAccount, Tier
from loyalty.services import program_settings_get
from members.models import Member
from rewards.models import RedemptionChannel, RedemptionStatus, RewardKind
from rewards.selectors import (
    member_savings_get,
    reward_outlook_for_member,
    vouchers_ready_for_member,
)
from rewards.services import redemption_void, reward_redeem, vouchers_expire_due
from tests.factories import create_staff
from tests.rewards.catalogue import give_points, make_cause, make_reward

UTC = datetime.UTC
NOW = datetime.datetime(2026, 3, 2, 10, 0, tzinfo=UTC)


def _redeem(member, reward, **kwargs):
    kwargs.setdefault("channel", RedemptionChannel.ONLINE)
    return reward_redeem(member=member, reward=reward, **kwargs)


def _gold() -> Tier:
    return Tier.objects.create(name="Gold", rank=2, threshold=Decimal("500"), colour="#c9a227")


def _put_in_tier(member, tier: Tier | None) -> None:
    PointsAccount.objects.filter(member=member).update(tier=tier)


def _fresh(member):
    """The member as a request reads them: their account's balance and tier as stored now."""
    return Member.objects.select_related("points_account__tier").get(pk=member.pk)


def _point_value(value: str) -> None:
    program = program_settings_get()
    program.point_value = Decimal(value)
    program.save()


# --- the next reward and what is redeemable now -----------------------------------------


@pytest.mark.django_db
def test_the_next_reward_is_the_cheapest_still_out_of_reach_and_the_rest_are_counted(customer):
    give_points(customer, 85)
    make_reward("filter-coffee", points_cost=50)
    make_reward("pastry", points_cost=85)  # exactly the balance: redeemable
    make_reward("tote-bag", name="Reusable tote bag", points_cost=120)
    make_reward("tasting", points_cost=300)

    outlook = reward_outlook_for_member(member=_fresh(customer))

    assert outlook.redeemable_count == 2
    assert outlook.next_reward.slug == "tote-bag"
    assert outlook.points_to_next == 35
    assert outlook.balance == 85


@pytest.mark.django_db
def test_a_reward_above_the_members_tier_is_neither_the_next_one_nor_counted(customer):
    gold = _gold()
    give_points(customer, 85)
    make_reward("gold-mug", points_cost=50, minimum_tier=gold)  # affordable, but for Gold
    make_reward("gold-lounge", points_cost=90, minimum_tier=gold)  # 5 points away, for Gold
    make_reward("tote-bag", points_cost=200)

    without_tier = reward_outlook_for_member(member=_fresh(customer))
    _put_in_tier(customer, gold)
    in_gold = reward_outlook_for_member(member=_fresh(customer))

    assert (without_tier.redeemable_count, without_tier.next_reward.slug) == (0, "tote-bag")
    assert without_tier.points_to_next == 115
    assert (in_gold.redeemable_count, in_gold.next_reward.slug) == (1, "gold-lounge")
    assert in_gold.points_to_next == 5


@pytest.mark.django_db
def test_rewards_at_the_same_cost_follow_the_catalogues_order(customer):
    give_points(customer, 10)
    make_reward("zebra-mug", name="Zebra mug", points_cost=120, display_order=1)
    make_reward("tote-bag", name="Tote bag", points_cost=120, display_order=0)
    make_reward("b-cup", name="B cup", points_cost=150, display_order=0)
    first = reward_outlook_for_member(member=_fresh(customer))

    make_reward("apron", name="Apron", points_cost=120, display_order=0)
    second = reward_outlook_for_member(member=_fresh(customer))

    assert first.next_reward.slug == "tote-bag"  # display order 0 before 1
    assert second.next_reward.slug == "apron"  # same order: by name
    assert (second.points_to_next, second.redeemable_count) == (110, 0)


@pytest.mark.django_db
def test_no_next_reward_when_every_reward_is_within_the_balance_or_there_are_none(
    customer, other_customer
):
    give_points(customer, 500)
    make_reward("filter-coffee", points_cost=50)
    make_reward("pastry", points_cost=80)

    rich = reward_outlook_for_member(member=_fresh(customer))
    empty = reward_outlook_for_member(member=_fresh(other_customer))

    assert (rich.redeemable_count, rich.next_reward, rich.points_to_next) == (2, None, 0)
    assert (empty.redeemable_count, empty.next_reward.slug, empty.points_to_next) == (
        0,
        "filter-coffee",
        50,
    )


@pytest.mark.django_db
def test_rewards_nobody_can_have_now_or_used_up_by_the_member_are_left_out(customer):
    give_points(customer, 100)
    limited = make_reward("one-per-member", points_cost=10, per_member_limit=1)
    _redeem(customer, limited)  # 90 points left, the limit reached
    make_reward("out-of-stock", points_cost=20, stock=0)
    make_reward("retired", points_cost=30, is_active=False)
    make_reward("coming", points_cost=40, available_from=NOW + datetime.timedelta(days=3))
    make_reward("ended", points_cost=40, available_until=NOW - datetime.timedelta(days=1))
    make_reward("closed-cause", points_cost=95, kind=RewardKind.DONATION, cause=_closed_cause())
    make_reward("pastry", points_cost=80)
    make_reward("tote-bag", points_cost=120)

    with time_machine.travel(NOW, tick=False):
        outlook = reward_outlook_for_member(member=_fresh(customer))

    assert (outlook.redeemable_count, outlook.next_reward.slug) == (1, "tote-bag")
    assert outlook.points_to_next == 30


def _closed_cause():
    cause = make_cause("closed-bank")
    cause.is_active = False
    cause.save()
    return cause


# --- vouchers ready -------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_vouchers_ready_are_the_unused_unexpired_ones_soonest_first(
    customer, other_customer, store
):
    give_points(customer, 1000)
    give_points(other_customer, 100)
    with time_machine.travel(NOW, tick=False):
        late = _redeem(customer, make_reward("late", points_cost=10, voucher_valid_days=30))
        soon = _redeem(customer, make_reward("soon", points_cost=10, voucher_valid_days=5))
        lapsed = _redeem(customer, make_reward("lapsed", points_cost=10, voucher_valid_days=1))
        voided = _redeem(customer, make_reward("voided", points_cost=10))
        redemption_void(redemption=voided, actor=create_staff(store=store))
        _redeem(customer, make_reward("gift", points_cost=10, kind="donation", cause=make_cause()))
        _redeem(
            customer,
            make_reward("at-till", points_cost=10),
            channel="counter",
            store=store,
            actor=create_staff(email="till@example.com", store=store),
        )
        _redeem(other_customer, make_reward("bobs", points_cost=10))
    # Two days on: the one-day voucher is past its date, though not yet marked expired.
    with time_machine.travel(NOW + datetime.timedelta(days=2), tick=False):
        ready = vouchers_ready_for_member(member=customer)

    assert [redemption.pk for redemption in ready] == [soon.pk, late.pk]
    assert lapsed.status == RedemptionStatus.ISSUED


# --- what the member saved -----------------------------------------------------------------


@pytest.mark.django_db
def test_savings_add_up_what_was_redeemed_and_donated_at_its_money_value_in_one_query(
    customer, other_customer, store
):
    # Given points worth 5 cents each, and a member who redeemed and donated.
    _point_value("0.05")
    give_points(customer, 2000)
    give_points(other_customer, 500)
    staff = create_staff(store=store)
    with time_machine.travel(NOW, tick=False):
        _redeem(customer, make_reward("pastry", points_cost=80))  # ready: 80 x 0.05 = 4.00
        five_off = make_reward(
            "five-off", points_cost=250, kind=RewardKind.FIXED_DISCOUNT, value=Decimal("5.00")
        )
        _redeem(customer, five_off, channel="counter", store=store, actor=staff)  # 5.00
        percent = make_reward(
            "fifteen-percent", points_cost=400, kind=RewardKind.PERCENT_DISCOUNT, value=15
        )
        _redeem(customer, percent)  # a rate, not money: 400 x 0.05 = 20.00
        meal = make_reward("meal", points_cost=100, kind=RewardKind.DONATION, cause=make_cause())
        _redeem(customer, meal, steps=1)  # a donation, given at once: 5.00
        voided = _redeem(customer, make_reward("voided", points_cost=200))
        redemption_void(redemption=voided, actor=staff)  # points back: not saved
        lapsed = _redeem(customer, make_reward("lapsed", points_cost=60, voucher_valid_days=1))
        _redeem(other_customer, make_reward("bobs", points_cost=300))
    with time_machine.travel(NOW + datetime.timedelta(days=2), tick=False):
        vouchers_expire_due()  # the unused one-day voucher lapses: nothing saved
        with CaptureQueriesContext(connection) as queries:
            saved = member_savings_get(member=customer)
        bobs = member_savings_get(member=other_customer)

    lapsed.refresh_from_db()
    assert lapsed.status == RedemptionStatus.EXPIRED
    assert saved == Decimal("34.00")
    # One aggregate over the redemptions; the other query reads the program's point value.
    reads = [
        query["sql"] for query in queries.captured_queries if "rewards_redemption" in query["sql"]
    ]
    assert len(reads) == 1
    assert reads[0].startswith("SELECT SUM(")
    assert bobs == Decimal("15.00")


@pytest.mark.django_db
def test_savings_are_zero_before_any_redemption(customer):
    assert member_savings_get(member=customer) == Decimal("0.00")


@pytest.mark.django_db
def test_a_ready_voucher_past_its_date_is_not_counted_even_before_the_expiry_run(customer):
    _point_value("0.10")
    give_points(customer, 100)
    with time_machine.travel(NOW, tick=False):
        _redeem(customer, make_reward("lapsing", points_cost=30, voucher_valid_days=1))
        _redeem(customer, make_reward("kept", points_cost=20, voucher_valid_days=30))
    with time_machine.travel(NOW + datetime.timedelta(days=1, seconds=1), tick=False):
        saved = member_savings_get(member=customer)

    assert saved == Decimal("2.00")
