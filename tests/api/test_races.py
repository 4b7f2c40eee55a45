"""Concurrent duplicate API requests, on PostgreSQL: tills retry, and retries race.

N clients (one per thread, each with its own connection) behind a barrier; exact totals after.
"""

from collections import Counter

import pytest
from django.db import connection

from loyalty.models import IdempotentRequest, Purchase
from rewards.models import Redemption
from tests.api.conftest import KeyClient, purchase_body, url
from tests.concurrency import run_together
from tests.loyalty.points import state
from tests.rewards.catalogue import give_points, make_reward

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL"),
]

THREADS = 12


def test_concurrent_duplicate_purchases_record_one(own_key, customer, earning):
    body = purchase_body(customer)

    responses = run_together(
        THREADS,
        lambda _index: KeyClient(own_key[1]).post(url("purchase-create"), body, format="json"),
    )

    assert Counter(response.status_code for response in responses) == Counter(
        {201: 1, 200: THREADS - 1}
    )
    bodies = [response.json() for response in responses]
    assert all(body == bodies[0] for body in bodies)
    assert Purchase.objects.count() == 1
    assert state(customer) == (32, 0, 0, 1)


def test_concurrent_duplicate_purchases_with_one_idempotency_key_record_one(
    own_key, customer, earning
):
    body = purchase_body(customer)

    responses = run_together(
        THREADS,
        lambda _index: KeyClient(own_key[1]).post(
            url("purchase-create"), body, format="json", HTTP_IDEMPOTENCY_KEY="till-1-retry"
        ),
    )

    statuses = Counter(response.status_code for response in responses)
    assert statuses[201] >= 1
    assert set(statuses) <= {201, 409}
    conflicts = [response.json()["code"] for response in responses if response.status_code == 409]
    assert set(conflicts) <= {"request_in_progress"}
    created = [response.json() for response in responses if response.status_code == 201]
    assert all(body == created[0] for body in created)
    assert Purchase.objects.count() == 1
    assert state(customer) == (32, 0, 0, 1)
    assert IdempotentRequest.objects.get().status_code == 201


def test_concurrent_redemptions_with_one_idempotency_key_spend_once(own_key, customer):
    give_points(customer, 1000)
    reward = make_reward(points_cost=100, stock=50)
    body = {"member": customer.card_number, "reward": reward.pk}

    responses = run_together(
        THREADS,
        lambda _index: KeyClient(own_key[1]).post(
            url("redemption-create"), body, format="json", HTTP_IDEMPOTENCY_KEY="redeem-1"
        ),
    )

    statuses = Counter(response.status_code for response in responses)
    assert statuses[201] >= 1
    assert set(statuses) <= {201, 409}
    assert Redemption.objects.count() == 1
    assert state(customer) == (900, 0, 0, 2)
    reward.refresh_from_db()
    assert reward.stock == 49


def test_concurrent_uses_of_one_voucher_from_two_stores_succeed_once(own_key, other_key, customer):
    give_points(customer, 100)
    reward = make_reward(points_cost=100)
    code = (
        KeyClient(own_key[1])
        .post(url("redemption-create"), {"member": customer.card_number, "reward": reward.pk})
        .json()["code"]
    )
    keys = [own_key[1], other_key[1]]

    responses = run_together(
        THREADS,
        lambda index: KeyClient(keys[index % 2]).post(url("voucher-use", code=code)),
    )

    assert Counter(response.status_code for response in responses) == Counter(
        {200: 1, 409: THREADS - 1}
    )
    assert {response.json()["code"] for response in responses if response.status_code == 409} == {
        "voucher_used"
    }
