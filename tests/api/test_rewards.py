"""GET rewards/, POST redemptions/ and redemptions/{id}/void/, GET vouchers/{code}/ and POST
vouchers/{code}/use/ through the API."""

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.utils import timezone

from loyalty.models import OutboxEmail
from rewards.codes import voucher_code_format
from rewards.models import (
    LimitPeriod,
    Redemption,
    RedemptionChannel,
    RedemptionStatus,
    Reward,
    RewardKind,
)
from rewards.services import redemption_void, reward_redeem, voucher_use
from tests.api.conftest import url
from tests.loyalty.points import state
from tests.rewards.catalogue import give_points, make_cause, make_reward

pytestmark = pytest.mark.django_db


def redeem(client, member, reward, **extra):
    body = {"member": member.card_number, "reward": reward.pk, **extra}
    return client.post(url("redemption-create"), body, format="json")


def unchanged(member, reward, balance: int, stock) -> bool:
    return (
        state(member)[0] == balance
        and Reward.objects.get(pk=reward.pk).stock == stock
        and Redemption.objects.count() == 0
        and OutboxEmail.objects.count() == 0
    )


# --- catalogue --------------------------------------------------------------------------------


def test_the_catalogue_lists_rewards_and_whether_they_can_be_redeemed(till):
    coffee = make_reward("free-coffee", points_cost=100, display_order=1)
    gone = make_reward("mug", points_cost=300, stock=0, display_order=2)
    make_reward("retired", is_active=False)

    response = till.get(url("reward-list"))

    assert response.status_code == 200
    rewards = response.json()
    assert [reward["slug"] for reward in rewards] == ["free-coffee", "mug"]
    assert rewards[0]["id"] == coffee.pk
    assert rewards[0]["points_cost"] == 100
    assert (rewards[0]["available"], rewards[0]["unavailable_reason"]) == (True, None)
    assert rewards[1]["id"] == gone.pk
    assert rewards[1]["available"] is False
    assert rewards[1]["unavailable_reason"] == "This reward is out of stock."


# --- redeeming --------------------------------------------------------------------------------


def test_redeeming_spends_points_and_issues_a_voucher(till, own_key, customer, store):
    give_points(customer, 250)
    reward = make_reward(points_cost=100, stock=3, voucher_valid_days=30)

    response = redeem(till, customer, reward)

    assert response.status_code == 201
    body = response.json()
    redemption = Redemption.objects.get()
    assert body["id"] == redemption.pk
    assert body["code"] == voucher_code_format(redemption.code)
    assert body["status"] == "issued"
    assert body["channel"] == "api"
    assert body["member"] == customer.card_number
    assert body["reward"] == {
        "id": reward.pk,
        "slug": "free-coffee",
        "name": "Free Coffee",
        "kind": "free_product",
    }
    assert (body["points"], body["steps"], body["store"]) == (100, 1, "downtown")
    assert body["used_at"] is None
    assert redemption.store == store
    assert (redemption.api_key, redemption.issued_by) == (own_key[0], None)
    assert state(customer) == (150, 0, 0, 2)
    assert Reward.objects.get(pk=reward.pk).stock == 2
    assert OutboxEmail.objects.get().key == f"voucher-issued:{redemption.pk}"


def test_store_credit_in_steps(till, customer):
    give_points(customer, 500)
    reward = make_reward(
        "credit", points_cost=100, kind=RewardKind.STORE_CREDIT, max_steps=5, value=None
    )

    body = redeem(till, customer, reward, steps=3).json()

    assert (body["steps"], body["points"], body["value"]) == (3, 300, "3.00")


def test_a_donation_is_given_at_once(till, customer):
    give_points(customer, 100)
    reward = make_reward("give", kind=RewardKind.DONATION, cause=make_cause())

    body = redeem(till, customer, reward).json()

    assert body["status"] == "fulfilled"
    assert body["used_store"] == "downtown"


@pytest.mark.parametrize(
    ("setup", "status", "code"),
    [
        ({"balance": 99}, 422, "insufficient_points"),
        ({"stock": 0}, 409, "out_of_stock"),
        ({"is_active": False}, 422, "reward_unavailable"),
        ({"steps": 2}, 422, "reward_unavailable"),
        ({"limit": True}, 422, "limit_reached"),
        ({"reward": 10**9}, 422, "reward_not_found"),
        ({"reward": 2**70}, 400, "invalid"),
        ({"member": "412345678905"}, 422, "member_not_found"),
        ({"steps": 0}, 400, "invalid"),
    ],
)
def test_a_refused_redemption_spends_nothing(setup, status, code, till, customer, store):
    give_points(customer, setup.get("balance", 500))
    reward = make_reward(
        points_cost=100,
        stock=setup.get("stock", 5),
        is_active=setup.get("is_active", True),
        per_member_limit=1 if setup.get("limit") else None,
        limit_period=LimitPeriod.EVER,
    )
    balance = setup.get("balance", 500)
    if setup.get("limit"):
        reward_redeem(member=customer, reward=reward, channel=RedemptionChannel.ONLINE)
    before_redemptions = Redemption.objects.count()
    before = (state(customer), Reward.objects.get(pk=reward.pk).stock, OutboxEmail.objects.count())
    body = {"member": setup.get("member", customer.card_number), "reward": reward.pk}
    if "reward" in setup:
        body["reward"] = setup["reward"]
    if "steps" in setup:
        body["steps"] = setup["steps"]

    response = till.post(url("redemption-create"), body, format="json")

    assert response.status_code == status, response.content
    assert response.json()["code"] == code
    after = (state(customer), Reward.objects.get(pk=reward.pk).stock, OutboxEmail.objects.count())
    assert after == before
    assert Redemption.objects.count() == before_redemptions
    assert state(customer)[0] == (balance if not setup.get("limit") else balance - 100)


# --- voiding ----------------------------------------------------------------------------------


@pytest.fixture
def issued(till, customer):
    """An unused voucher Downtown issued to Alice, who has 50 points left."""
    give_points(customer, 150)
    reward = make_reward(points_cost=100, stock=3)
    response = redeem(till, customer, reward)
    assert response.status_code == 201
    return Redemption.objects.get(pk=response.json()["id"])


def test_voiding_gives_the_points_and_the_stock_back(till, own_key, customer, issued):
    response = till.post(
        url("redemption-void", pk=issued.pk), {"reason": "Customer changed mind"}, format="json"
    )

    assert response.status_code == 200
    assert response.json()["status"] == "void"
    assert response.json()["voided_at"] is not None
    issued.refresh_from_db()
    assert issued.void_reason == "Customer changed mind"
    assert (issued.voided_api_key, issued.voided_by) == (own_key[0], None)
    assert state(customer)[0] == 150
    assert Reward.objects.get(pk=issued.reward_id).stock == 3


def test_voiding_twice_is_a_conflict(till, customer, issued):
    till.post(url("redemption-void", pk=issued.pk), format="json")

    response = till.post(url("redemption-void", pk=issued.pk), format="json")

    assert response.status_code == 409
    assert response.json()["code"] == "voucher_void"
    assert state(customer)[0] == 150


def test_a_used_voucher_cannot_be_voided(till, customer, issued, store):
    voucher_use(code=issued.code, actor=None, store=store)

    response = till.post(url("redemption-void", pk=issued.pk), format="json")

    assert response.status_code == 409
    assert response.json()["code"] == "void_not_allowed"
    assert state(customer)[0] == 50


@pytest.mark.parametrize("pk", ["other-store", 10**9, 2**64])
def test_a_redemption_of_another_store_or_none_is_not_found(pk, till, other_till, customer):
    give_points(customer, 100)
    reward = make_reward(points_cost=100)
    other = redeem(other_till, customer, reward).json()["id"]

    response = till.post(
        url("redemption-void", pk=other if pk == "other-store" else pk), format="json"
    )

    assert response.status_code == 404
    assert response.json()["code"] == "redemption_not_found"
    assert Redemption.objects.get().status == RedemptionStatus.ISSUED


def test_an_online_redemption_is_not_any_stores_to_void(till, customer):
    give_points(customer, 100)
    online = reward_redeem(member=customer, reward=make_reward(), channel=RedemptionChannel.ONLINE)

    response = till.post(url("redemption-void", pk=online.pk), format="json")

    assert response.status_code == 404


# --- vouchers ---------------------------------------------------------------------------------


def test_checking_a_voucher(till, customer, issued):
    response = till.get(url("voucher-detail", code=voucher_code_format(issued.code).lower()))

    assert response.status_code == 200
    body = response.json()
    assert body["id"] == issued.pk
    assert (body["usable"], body["problem"]) == (True, None)


def test_another_stores_voucher_can_be_checked_and_used(other_till, customer, issued):
    assert other_till.get(url("voucher-detail", code=issued.code)).status_code == 200

    response = other_till.post(url("voucher-use", code=issued.code))

    assert response.status_code == 200
    assert response.json()["used_store"] == "uptown"


def test_using_a_voucher_marks_it_used_at_the_keys_store(till, own_key, customer, issued):
    response = till.post(url("voucher-use", code=issued.code))

    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "fulfilled"
    assert body["used_store"] == "downtown"
    assert body["used_at"] is not None
    issued.refresh_from_db()
    assert (issued.fulfilled_api_key, issued.fulfilled_by) == (own_key[0], None)
    checked = till.get(url("voucher-detail", code=issued.code)).json()
    assert checked["usable"] is False
    assert checked["problem"]["code"] == "voucher_used"


def test_a_voucher_is_used_once(till, customer, issued):
    till.post(url("voucher-use", code=issued.code))

    response = till.post(url("voucher-use", code=issued.code))

    assert response.status_code == 409
    assert response.json()["code"] == "voucher_used"


def test_a_void_voucher_cannot_be_used(till, customer, issued):
    redemption_void(redemption=issued, actor=None)

    response = till.post(url("voucher-use", code=issued.code))

    assert response.status_code == 409
    assert response.json()["code"] == "voucher_void"
    assert state(customer)[0] == 150


def test_an_expired_voucher_cannot_be_used(till, customer, issued):
    with time_machine.travel(issued.expires_at + datetime.timedelta(minutes=1)):
        checked = till.get(url("voucher-detail", code=issued.code)).json()
        response = till.post(url("voucher-use", code=issued.code))

    assert checked["problem"]["code"] == "voucher_expired"
    assert response.status_code == 409
    assert response.json()["code"] == "voucher_expired"
    assert Redemption.objects.get().status == RedemptionStatus.ISSUED


@pytest.mark.parametrize("code", ["NOPE", "23456-7899X", "2345678922", "x" * 300, "%00"])
def test_unknown_or_mistyped_voucher_codes_are_404(code, till, issued):
    checked = till.get(url("voucher-detail", code=code))
    used = till.post(url("voucher-use", code=code))

    assert (checked.status_code, used.status_code) == (404, 404)
    assert checked.json()["code"] == used.json()["code"] == "invalid_voucher"
    assert Redemption.objects.get().status == RedemptionStatus.ISSUED


def test_value_of_a_fixed_discount(till, customer):
    give_points(customer, 100)
    reward = make_reward(kind=RewardKind.FIXED_DISCOUNT, value=Decimal("5.00"))

    body = redeem(till, customer, reward).json()

    assert body["value"] == "5.00"
    assert datetime.datetime.fromisoformat(body["expires_at"]) > timezone.now()
