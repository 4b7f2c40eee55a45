"""A member's own pages, vouchers and `/api/v1/me/` are theirs alone: no shared cache may
keep a copy (a proxy, a shared computer's back button)."""

import pytest
from django.urls import reverse

from rewards.models import RedemptionChannel
from rewards.services import reward_redeem
from tests.rewards.catalogue import give_points, make_reward


@pytest.mark.django_db
def test_a_members_pages_and_api_are_sent_private_and_not_stored(client, customer):
    give_points(customer, 500)
    redemption = reward_redeem(
        member=customer,
        reward=make_reward(points_cost=100),
        channel=RedemptionChannel.ONLINE,
        actor=customer.user,
    )
    client.force_login(customer.user)
    urls = [
        reverse("members:dashboard"),
        reverse("members:history"),
        reverse("members:card"),
        reverse("members:card_png"),
        reverse("members:profile"),
        reverse("members:data_export"),
        reverse("member_rewards:list"),
        reverse("member_rewards:detail", args=[redemption.pk]),
        reverse("referrals:mine"),
        "/api/v1/me/",
        "/api/v1/me/entries/",
        "/api/v1/me/vouchers/",
    ]

    answers = {url: client.get(url) for url in urls}

    assert {url: response.status_code for url, response in answers.items()} == dict.fromkeys(
        urls, 200
    )
    for url, response in answers.items():
        directives = {part.strip() for part in response["Cache-Control"].split(",")}
        assert {"private", "no-store"} <= directives, url
