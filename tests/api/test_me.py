"""GET me/, me/entries/ and me/vouchers/ for the signed-in member, through the session."""

import pytest
from rest_framework.test import APIClient

from rewards.models import RedemptionChannel
from rewards.services import reward_redeem, voucher_use
from tests.api.conftest import url
from tests.rewards.catalogue import give_points, make_reward

pytestmark = pytest.mark.django_db


def test_my_points(member_session, customer):
    give_points(customer, 40)

    response = member_session.get(url("me"))

    assert response.status_code == 200
    body = response.json()
    assert body["card_number"] == customer.card_number
    assert body["email"] == "alice@example.com"
    assert (body["available"], body["pending"], body["debt"]) == (40, 0, 0)


def test_my_entries_are_mine_only(member_session, customer, other_customer):
    give_points(customer, 40)
    give_points(other_customer, 70)

    response = member_session.get(url("me-entries"))

    assert [entry["points"] for entry in response.json()["results"]] == [40]


def test_my_vouchers_newest_first_with_whether_they_can_be_used(
    member_session, customer, other_customer, store
):
    give_points(customer, 300)
    give_points(other_customer, 300)
    first = reward_redeem(
        member=customer, reward=make_reward("a"), channel=RedemptionChannel.ONLINE
    )
    second = reward_redeem(
        member=customer, reward=make_reward("b"), channel=RedemptionChannel.ONLINE
    )
    reward_redeem(member=other_customer, reward=make_reward("c"), channel=RedemptionChannel.ONLINE)
    voucher_use(code=first.code, actor=None, store=store)

    response = member_session.get(url("me-vouchers"))

    results = response.json()["results"]
    assert [voucher["id"] for voucher in results] == [second.pk, first.pk]
    assert [voucher["usable"] for voucher in results] == [True, False]
    assert results[1]["problem"]["code"] == "voucher_used"


def test_a_staff_member_without_a_member_profile_is_refused(staff_user):
    client = APIClient()
    client.force_login(staff_user)

    response = client.get(url("me"))

    assert response.status_code == 403
    assert response.json()["code"] == "member_required"


def test_unsafe_methods_need_the_csrf_token(customer):
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(customer.user)

    response = client.post(url("me"), {}, format="json")

    assert response.status_code == 403
    assert response.json()["code"] == "csrf_failed"


def test_with_the_csrf_token_a_post_is_just_not_allowed(customer):
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(customer.user)
    token = "a" * 32  # a CSRF secret, as the cookie holds it
    client.cookies["csrftoken"] = token

    response = client.post(url("me"), {}, format="json", HTTP_X_CSRFTOKEN=token)

    assert response.status_code == 405
    assert response.json()["code"] == "method_not_allowed"


def test_anonymous_gets_401_with_a_session_challenge():
    response = APIClient().get(url("me"))

    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == "Session"
    assert response.json()["code"] == "not_authenticated"
