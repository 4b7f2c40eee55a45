"""`Idempotency-Key` on every POST: same key and body → the first answer again, nothing changed;
same key and another body → 409 `duplicate_request`; a failed request lets go of its key."""

import datetime

import pytest
from django.utils import timezone

from loyalty.api.idempotency import idempotent_requests_prune
from loyalty.api.tasks import prune_idempotency_keys
from loyalty.models import IdempotentRequest, OutboxEmail, Purchase
from rewards.models import Redemption, RedemptionStatus
from tests.api.conftest import KeyClient, purchase_body, url
from tests.loyalty.points import state
from tests.rewards.catalogue import give_points, make_reward

pytestmark = pytest.mark.django_db

KEY = "6f1c1f9e-9a55-4a0e-8d2b-1d1b8f3f4a10"


def post(client, path, body=None, key=KEY):
    return client.post(path, body, format="json", HTTP_IDEMPOTENCY_KEY=key)


def test_a_purchase_replayed_by_key_answers_the_first_response(till, customer, earning):
    first = post(till, url("purchase-create"), purchase_body(customer))

    again = post(till, url("purchase-create"), purchase_body(customer))

    assert (first.status_code, again.status_code) == (201, 201)
    assert again.json() == first.json()
    assert again.headers["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first.headers
    assert Purchase.objects.count() == 1
    assert state(customer) == (32, 0, 0, 1)


def test_the_same_key_with_another_body_is_refused(till, customer, earning):
    post(till, url("purchase-create"), purchase_body(customer))

    response = post(till, url("purchase-create"), purchase_body(customer, external_id="other"))

    assert response.status_code == 409
    assert response.json()["code"] == "duplicate_request"
    assert Purchase.objects.count() == 1
    assert state(customer) == (32, 0, 0, 1)


def test_the_same_key_on_another_endpoint_is_refused(till, customer, earning):
    body = purchase_body(customer)
    post(till, url("purchase-create"), body)

    response = post(till, url("purchase-preview"), body)

    assert response.status_code == 409
    assert response.json()["code"] == "duplicate_request"


def test_keys_are_per_api_key(till, other_till, customer, earning):
    post(till, url("purchase-create"), purchase_body(customer))

    response = post(other_till, url("purchase-create"), purchase_body(customer))

    assert response.status_code == 201
    assert response.json()["store"] == "uptown"


def test_a_failed_request_lets_go_of_its_key(till, customer):
    reward = make_reward(points_cost=100)
    body = {"member": customer.card_number, "reward": reward.pk}
    refused = post(till, url("redemption-create"), body)
    give_points(customer, 100)

    response = post(till, url("redemption-create"), body)

    assert refused.status_code == 422
    assert refused.json()["code"] == "insufficient_points"
    assert response.status_code == 201
    assert "Idempotent-Replayed" not in response.headers
    assert IdempotentRequest.objects.get().status_code == 201


def test_a_redemption_replayed_by_key_spends_once(till, customer):
    give_points(customer, 250)
    reward = make_reward(points_cost=100, stock=5)
    body = {"member": customer.card_number, "reward": reward.pk}

    first = post(till, url("redemption-create"), body)
    again = post(till, url("redemption-create"), body)

    assert (first.status_code, again.status_code) == (201, 201)
    assert again.json() == first.json()
    assert Redemption.objects.count() == 1
    assert state(customer) == (150, 0, 0, 2)
    reward.refresh_from_db()
    assert reward.stock == 4
    assert OutboxEmail.objects.count() == 1


def test_the_service_key_guards_a_redemption_whose_replay_row_was_lost(till, customer):
    give_points(customer, 250)
    reward = make_reward(points_cost=100)
    body = {"member": customer.card_number, "reward": reward.pk}
    first = post(till, url("redemption-create"), body)
    IdempotentRequest.objects.all().delete()

    again = post(till, url("redemption-create"), body)

    assert again.json()["id"] == first.json()["id"]
    assert Redemption.objects.count() == 1
    assert state(customer) == (150, 0, 0, 2)


def test_without_a_key_each_redemption_is_a_new_one(till, customer):
    give_points(customer, 250)
    reward = make_reward(points_cost=100)
    body = {"member": customer.card_number, "reward": reward.pk}

    till.post(url("redemption-create"), body, format="json")
    till.post(url("redemption-create"), body, format="json")

    assert Redemption.objects.count() == 2
    assert state(customer) == (50, 0, 0, 3)


def test_a_voucher_use_replayed_by_key_answers_200_again(till, customer):
    give_points(customer, 100)
    reward = make_reward(points_cost=100)
    code = post(
        till, url("redemption-create"), {"member": customer.card_number, "reward": reward.pk}
    ).json()["code"]

    first = post(till, url("voucher-use", code=code), key="use-1")
    again = post(till, url("voucher-use", code=code), key="use-1")
    other = post(till, url("voucher-use", code=code), key="use-2")

    assert (first.status_code, again.status_code) == (200, 200)
    assert again.json() == first.json()
    assert other.status_code == 409
    assert other.json()["code"] == "voucher_used"
    assert Redemption.objects.get().status == RedemptionStatus.FULFILLED


def test_a_request_still_running_with_the_key_is_409(till, own_key, customer, earning):
    post(till, url("purchase-create"), purchase_body(customer))
    IdempotentRequest.objects.update(status_code=None, response_body=None)

    response = post(till, url("purchase-create"), purchase_body(customer))

    assert response.status_code == 409
    assert response.json()["code"] == "request_in_progress"
    assert response.headers["Retry-After"] == "1"


def test_an_abandoned_claim_is_taken_over(till, customer, earning):
    post(till, url("purchase-create"), purchase_body(customer))
    long_ago = timezone.now() - datetime.timedelta(minutes=6)
    IdempotentRequest.objects.update(status_code=None, response_body=None, created_at=long_ago)

    response = post(till, url("purchase-create"), purchase_body(customer))

    # The purchase itself is idempotent on its receipt id: the first one, nothing credited.
    assert response.status_code == 200
    assert Purchase.objects.count() == 1
    assert state(customer) == (32, 0, 0, 1)


@pytest.mark.parametrize("key", ["", "   ", "a" * 201, "two words", "caf\u00e9"])
def test_a_malformed_key_is_invalid(key, own_key, customer, earning):
    till = KeyClient(own_key[1])

    response = till.post(
        url("purchase-create"),
        purchase_body(customer),
        format="json",
        headers={"Idempotency-Key": key},
    )

    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert "Idempotency-Key" in response.json()["fields"]
    assert Purchase.objects.count() == 0


@pytest.mark.django_db
def test_stored_answers_are_forgotten_after_a_week(own_key):
    api_key, _raw = own_key
    now = timezone.now()
    old = IdempotentRequest.objects.create(
        api_key=api_key, key="old", fingerprint="f", status_code=201
    )
    fresh = IdempotentRequest.objects.create(
        api_key=api_key, key="fresh", fingerprint="f", status_code=201
    )
    IdempotentRequest.objects.filter(pk=old.pk).update(created_at=now - datetime.timedelta(days=8))
    IdempotentRequest.objects.filter(pk=fresh.pk).update(
        created_at=now - datetime.timedelta(days=6)
    )

    assert idempotent_requests_prune(now=now) == 1
    assert list(IdempotentRequest.objects.values_list("key", flat=True)) == ["fresh"]
    assert prune_idempotency_keys.apply().get() == 0
