"""The reward catalogue in the admin: what a program manager sees and may change."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from loyalty.services import program_settings_get
from rewards.models import Redemption, RedemptionChannel, Reward, RewardKind
from rewards.services import redemption_void, reward_redeem, vouchers_expire_due
from tests.factories import create_staff
from tests.loyalty.points import state
from tests.rewards.catalogue import give_points, make_cause, make_reward


def redeem(member, reward, **kwargs):
    return reward_redeem(member=member, reward=reward, channel=RedemptionChannel.ONLINE, **kwargs)


def reward_form(**fields) -> dict:
    """The admin add form as a manager fills it in, in English only (the other languages' name
    and description left empty: they show the English); split date-times left empty."""
    data = {
        "name_en": "Free muffin",
        "name_zh_hans": "",
        "name_tr": "",
        "slug": "free-muffin",
        "kind": RewardKind.FREE_PRODUCT,
        "description_en": "Any muffin from the counter.",
        "description_zh_hans": "",
        "description_tr": "",
        "points_cost": "120",
        "value": "",
        "max_steps": "1",
        "cause": "",
        "is_active": "on",
        "available_from_0": "",
        "available_from_1": "",
        "available_until_0": "",
        "available_until_1": "",
        "stock": "40",
        "per_member_limit": "2",
        "limit_period": "month",
        "voucher_valid_days": "14",
        "display_order": "0",
    }
    data.update(fields)
    return data


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("who", "status"),
    [("anonymous", 302), ("customer", 302), ("staff_user", 302), ("manager_user", 200)],
)
@pytest.mark.parametrize(
    "name",
    [
        "admin:index",
        "admin:rewards_reward_changelist",
        "admin:rewards_reward_add",
        "admin:rewards_cause_changelist",
        "admin:rewards_rewardcategory_changelist",
        "admin:rewards_rewardcategory_add",
        "admin:rewards_redemption_changelist",
    ],
)
def test_only_managers_reach_the_reward_admin(client, request, who, status, name):
    if who != "anonymous":
        user = request.getfixturevalue(who)
        client.force_login(getattr(user, "user", user))

    response = client.get(reverse(name))

    assert response.status_code == status
    if status == 302:
        assert response["Location"].startswith(reverse("admin:login"))


@pytest.mark.django_db
def test_the_changelist_shows_redemptions_and_points_spent_per_reward(
    client, manager_user, customer, other_customer, store
):
    program = program_settings_get()
    program.voucher_expiry_returns_points = True
    program.save()
    staff = create_staff(store=store)
    coffee = make_reward("coffee", points_cost=100)
    tote = make_reward("tote", points_cost=250, voucher_valid_days=2)
    make_reward("mug", points_cost=400)
    give_points(customer, 1000)
    give_points(other_customer, 1000)
    redeem(customer, coffee)
    redeem(other_customer, coffee)
    redemption_void(redemption=redeem(customer, coffee), actor=staff)
    redeem(customer, tote)
    vouchers_expire_due(now=timezone.now() + datetime.timedelta(days=3))
    client.force_login(manager_user)

    response = client.get(reverse("admin:rewards_reward_changelist"))

    assert response.status_code == 200
    rows = {
        reward.slug: (reward.redemptions_count, reward.points_spent)
        for reward in response.context["cl"].result_list
    }
    # Void ones are not redemptions; an expired voucher is, but its points came back.
    assert rows == {"coffee": (2, 200), "tote": (1, 0), "mug": (0, 0)}
    html = response.content.decode()
    assert '<td class="field-redemptions_count">2</td>' in html
    assert '<td class="field-points_spent">200</td>' in html
    assert state(customer)[0] == 900


@pytest.mark.django_db
def test_a_manager_adds_a_reward(client, manager_user):
    client.force_login(manager_user)

    response = client.post(reverse("admin:rewards_reward_add"), reward_form())

    assert response.status_code == 302
    reward = Reward.objects.get(slug="free-muffin")
    assert (
        reward.name,
        reward.kind,
        reward.points_cost,
        reward.stock,
        reward.per_member_limit,
        reward.limit_period,
        reward.voucher_valid_days,
        reward.is_active,
    ) == ("Free muffin", RewardKind.FREE_PRODUCT, 120, 40, 2, "month", 14, True)
    assert client.get(reverse("rewards:list")).context["items"][0].reward == reward


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"kind": RewardKind.DONATION}, None, "reward_donation_has_cause"),
        ({"points_cost": "0"}, "points_cost", "greater than or equal to 1"),
        (
            {
                "available_from_0": "2026-06-01",
                "available_from_1": "00:00:00",
                "available_until_0": "2026-05-01",
                "available_until_1": "00:00:00",
            },
            None,
            "reward_window_ordered",
        ),
    ],
    ids=["donation-without-cause", "free-reward", "window-backwards"],
)
def test_a_reward_that_breaks_a_rule_is_not_added(client, manager_user, fields, field, message):
    client.force_login(manager_user)

    response = client.post(reverse("admin:rewards_reward_add"), reward_form(**fields))

    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert message in " ".join(errors[field or "__all__"])
    assert Reward.objects.count() == 0


@pytest.mark.django_db
def test_a_manager_adds_a_donation_for_a_cause(client, manager_user):
    cause = make_cause("food-bank")
    client.force_login(manager_user)

    response = client.post(
        reverse("admin:rewards_reward_add"),
        reward_form(
            name="Give a meal",
            slug="give-a-meal",
            kind=RewardKind.DONATION,
            points_cost="100",
            max_steps="20",
            cause=str(cause.pk),
            stock="",
            per_member_limit="",
        ),
    )

    assert response.status_code == 302
    reward = Reward.objects.get(slug="give-a-meal")
    assert (reward.cause, reward.max_steps, reward.stock, reward.per_member_limit) == (
        cause,
        20,
        None,
        None,
    )


@pytest.mark.django_db
def test_a_manager_deactivates_and_activates_rewards_in_bulk(client, manager_user):
    coffee, tote = make_reward("coffee"), make_reward("tote")
    make_reward("mug")
    client.force_login(manager_user)
    url = reverse("admin:rewards_reward_changelist")

    off = client.post(url, {"action": "deactivate", "_selected_action": [coffee.pk, tote.pk]})

    assert off.status_code == 302
    assert dict(Reward.objects.values_list("slug", "is_active")) == {
        "coffee": False,
        "tote": False,
        "mug": True,
    }
    assert [item.reward.slug for item in client.get(reverse("rewards:list")).context["items"]] == [
        "mug"
    ]

    on = client.post(url, {"action": "activate", "_selected_action": [tote.pk]}, follow=True)

    assert "1 reward updated." in on.content.decode()
    assert dict(Reward.objects.values_list("slug", "is_active")) == {
        "coffee": False,
        "tote": True,
        "mug": True,
    }


@pytest.mark.django_db
def test_cause_totals_in_the_admin(client, manager_user, customer, other_customer, store):
    program = program_settings_get()
    program.point_value = Decimal("0.02")
    program.save()
    food_bank, shelter = make_cause("food-bank"), make_cause("shelter")
    meal = make_reward(
        "give-a-meal", kind=RewardKind.DONATION, points_cost=100, max_steps=10, cause=food_bank
    )
    bed = make_reward("give-a-bed", kind=RewardKind.DONATION, points_cost=300, cause=shelter)
    give_points(customer, 1000)
    give_points(other_customer, 1000)
    redeem(customer, meal, steps=2)
    redeem(other_customer, meal, steps=5)
    redeem(other_customer, bed)
    redemption_void(redemption=redeem(customer, bed), actor=create_staff(store=store))
    client.force_login(manager_user)

    response = client.get(reverse("admin:rewards_cause_changelist"))

    assert response.status_code == 200
    assert [
        (cause.slug, cause.donations, cause.points_given, cause.money_given)
        for cause in response.context["cl"].result_list
    ] == [
        ("food-bank", 2, 700, Decimal("14.00")),
        ("shelter", 1, 300, Decimal("6.00")),
    ]


@pytest.mark.django_db
def test_redemptions_are_read_only_in_the_admin(client, manager_user, customer):
    give_points(customer, 100)
    redemption = redeem(customer, make_reward(points_cost=100))
    client.force_login(manager_user)

    listing = client.get(reverse("admin:rewards_redemption_changelist"))
    change = client.post(
        reverse("admin:rewards_redemption_change", args=[redemption.pk]), {"points": "1"}
    )

    assert listing.status_code == 200
    assert redemption.code[:5] + "-" + redemption.code[5:] in listing.content.decode()
    assert client.get(reverse("admin:rewards_redemption_add")).status_code == 403
    assert change.status_code == 403
    assert Redemption.objects.get().points == 100
    assert state(customer)[0] == 0
