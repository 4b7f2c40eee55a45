"""Rewards under concurrency, on PostgreSQL: no oversold stock, no double spend, no double use."""

from collections import Counter

import pytest
from django.db import connection

from members.models import User
from rewards.models import Redemption, RedemptionChannel, RedemptionStatus, Reward
from rewards.services import reward_redeem, voucher_use
from tests.concurrency import outcome, run_together
from tests.factories import create_customer
from tests.loyalty.points import state
from tests.rewards.catalogue import give_points, make_reward

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL"),
]


def test_thirty_members_racing_for_a_stock_of_five(store):
    reward = make_reward(stock=5, points_cost=50)
    members = [create_customer() for _ in range(30)]
    for member in members:
        give_points(member, 50)

    results = run_together(
        30,
        lambda index: reward_redeem(
            member=members[index], reward=reward, channel=RedemptionChannel.ONLINE
        ),
    )

    assert outcome(results) == Counter({"Redemption": 5, "RewardOutOfStock": 25})
    assert Reward.objects.get(pk=reward.pk).stock == 0
    assert Redemption.objects.count() == 5
    assert sorted(state(member)[0] for member in members) == [0] * 5 + [50] * 25


def test_one_member_clicking_twenty_times_with_points_for_three(customer):
    reward = make_reward(points_cost=100)
    give_points(customer, 300)

    results = run_together(
        20,
        lambda _index: reward_redeem(
            member=customer, reward=reward, channel=RedemptionChannel.ONLINE
        ),
    )

    assert outcome(results) == Counter({"Redemption": 3, "InsufficientPoints": 17})
    assert state(customer) == (0, 0, 0, 4)


def test_one_voucher_used_from_ten_tills_at_once(customer, store):
    give_points(customer, 100)
    redemption = reward_redeem(
        member=customer, reward=make_reward(), channel=RedemptionChannel.ONLINE
    )
    # Plain users: a transactional test's flush removed the groups the migrations made.
    tills = [User.objects.create_user(email=f"till{index}@example.com") for index in range(10)]

    results = run_together(
        10, lambda index: voucher_use(code=redemption.code, actor=tills[index], store=store)
    )

    assert outcome(results) == Counter({"Redemption": 1, "VoucherUsed": 9})
    assert Redemption.objects.get(pk=redemption.pk).status == RedemptionStatus.FULFILLED


def test_a_void_and_a_use_of_the_same_voucher_at_once_never_both_succeed(customer, store):
    from rewards.services import redemption_void

    give_points(customer, 100)
    clerk = User.objects.create_user(email="clerk@example.com")
    for attempt in range(5):
        redemption = reward_redeem(
            member=customer,
            reward=make_reward(f"gift-{attempt}"),
            channel=RedemptionChannel.ONLINE,
        )

        results = run_together(
            2,
            lambda index, code=redemption.code, current=redemption: (
                voucher_use(code=code, actor=clerk, store=store)
                if index == 0
                else redemption_void(redemption=current, actor=clerk)
            ),
        )

        final = Redemption.objects.get(pk=redemption.pk)
        names = sorted(type(result).__name__ for result in results)
        assert names in (["Redemption", "VoidNotAllowed"], ["Redemption", "VoucherVoid"]), names
        if final.status == RedemptionStatus.VOID:
            assert state(customer)[0] == 100
        else:
            assert final.status == RedemptionStatus.FULFILLED
            assert state(customer)[0] == 0
            give_points(customer, 100)
