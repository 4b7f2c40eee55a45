"""The counter's reward list: what the member can redeem now, then what they are close to,
then what is not for them, saying plainly which tier a reward is for."""

from decimal import Decimal

import pytest

from loyalty.models import PointsAccount, Tier
from tests.desk.test_rewards import confirm_url, redeem_url
from tests.rewards.catalogue import give_points, make_reward

pytestmark = pytest.mark.django_db


@pytest.fixture
def tiers(db) -> dict[str, Tier]:
    return {
        "Silver": Tier.objects.create(name="Silver", rank=1, threshold=Decimal("500")),
        "Gold": Tier.objects.create(name="Gold", rank=2, threshold=Decimal("1000")),
    }


@pytest.fixture
def counter_catalogue(tiers):
    gold = tiers["Gold"]
    return {
        "pastry": make_reward("free-pastry", name="Free pastry", points_cost=150),
        "mug": make_reward("mug", name="Big mug", points_cost=400),
        "hamper": make_reward("hamper", name="Holiday hamper", points_cost=250),
        "gold_coffee": make_reward(
            "gold-coffee", name="Gold coffee", points_cost=10, minimum_tier=gold
        ),
        "lounge": make_reward("lounge", name="Lounge pass", points_cost=5000, minimum_tier=gold),
        "tote": make_reward("tote", name="Tote bag", points_cost=100, stock=0),
    }


def _in_tier(member, tier: Tier | None) -> None:
    PointsAccount.objects.filter(member=member).update(tier=tier)


def _groups(response) -> tuple[list, list, list]:
    context = response.context
    return (
        [option.reward.name for option in context["redeemable"]],
        [(option.reward.name, option.reason) for option in context["close"]],
        [(option.reward.name, option.reason) for option in context["unavailable"]],
    )


def test_a_silver_member_sees_redeemable_then_close_then_gold_only(
    client, staff_user, customer, tiers, counter_catalogue
):
    give_points(customer, 200)
    _in_tier(customer, tiers["Silver"])
    client.force_login(staff_user)

    response = client.get(redeem_url(customer))

    assert _groups(response) == (
        ["Free pastry"],
        [("Holiday hamper", "Needs 50 more points."), ("Big mug", "Needs 200 more points.")],
        [
            ("Gold coffee", "Gold members only"),
            ("Tote bag", "This reward is out of stock."),
            ("Lounge pass", "Gold members only"),
        ],
    )
    html = response.content.decode()
    headings = ["Can redeem now", "Needs more points", "Not available now"]
    assert [html.index(f">{heading}</h2>") for heading in headings] == sorted(
        html.index(f">{heading}</h2>") for heading in headings
    )
    assert confirm_url(customer, counter_catalogue["pastry"]) in html
    for name in ("gold_coffee", "lounge", "hamper", "mug", "tote"):
        assert confirm_url(customer, counter_catalogue[name]) not in html
    # Never a shortfall for what no number of points buys.
    assert "Needs 4,800 more points." not in html
    assert "Needs 4,800" not in html


def test_a_member_with_no_tier_yet_sees_gold_members_only(
    client, staff_user, customer, tiers, counter_catalogue
):
    give_points(customer, 20)
    client.force_login(staff_user)

    response = client.get(redeem_url(customer))

    redeemable, close, unavailable = _groups(response)
    assert redeemable == []
    assert [name for name, _reason in close] == [
        "Free pastry",
        "Holiday hamper",
        "Big mug",
    ]
    assert ("Gold coffee", "Gold members only") in unavailable
    assert 'data-testid="nothing-redeemable"' in response.content.decode()


def test_a_gold_member_can_redeem_the_gold_rewards(
    client, staff_user, customer, tiers, counter_catalogue
):
    give_points(customer, 200)
    _in_tier(customer, tiers["Gold"])
    client.force_login(staff_user)

    response = client.get(redeem_url(customer))

    assert _groups(response) == (
        ["Gold coffee", "Free pastry"],
        [
            ("Holiday hamper", "Needs 50 more points."),
            ("Big mug", "Needs 200 more points."),
            ("Lounge pass", "Needs 4,800 more points."),
        ],
        [("Tote bag", "This reward is out of stock.")],
    )
    assert confirm_url(customer, counter_catalogue["gold_coffee"]) in response.content.decode()


def test_below_a_higher_tier_the_list_says_and_above(
    client, staff_user, customer, tiers, counter_catalogue
):
    Tier.objects.create(name="Platinum", rank=3, threshold=Decimal("5000"))
    give_points(customer, 200)
    _in_tier(customer, tiers["Silver"])
    client.force_login(staff_user)

    response = client.get(redeem_url(customer))

    assert _groups(response)[2] == [
        ("Gold coffee", "Gold members and above"),
        ("Tote bag", "This reward is out of stock."),
        ("Lounge pass", "Gold members and above"),
    ]
