"""API fixtures: store keys (own, other store's, revoked), clients that send them, members."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from loyalty.services.api_keys import api_key_create, api_key_revoke
from tests.factories import create_store
from tests.loyalty.points import base_rule, category


class KeyClient(APIClient):
    """An API client that sends `Authorization: Api-Key <key>` with every request."""

    def __init__(self, raw_key: str | None = None, **kwargs):
        super().__init__(**kwargs)
        self.raw_key = raw_key
        if raw_key:
            self.credentials(HTTP_AUTHORIZATION=f"Api-Key {raw_key}")


def url(name: str, **kwargs) -> str:
    return reverse(f"api:{name}", kwargs=kwargs or None)


@pytest.fixture
def own_key(store):
    """(ApiKey, raw key) of the `store` fixture's till."""
    return api_key_create(store=store, name="Till 1")


@pytest.fixture
def other_store(db):
    return create_store(code="uptown", name="Uptown")


@pytest.fixture
def other_key(other_store):
    return api_key_create(store=other_store, name="Uptown till")


@pytest.fixture
def revoked_key(store):
    api_key, raw_key = api_key_create(store=store, name="Old till")
    api_key_revoke(api_key=api_key)
    return api_key, raw_key


@pytest.fixture
def till(own_key) -> KeyClient:
    return KeyClient(own_key[1])


@pytest.fixture
def other_till(other_key) -> KeyClient:
    return KeyClient(other_key[1])


@pytest.fixture
def member_session(customer) -> APIClient:
    client = APIClient()
    client.force_login(customer.user)
    return client


@pytest.fixture
def earning(db):
    """1 point per currency unit; the `coffee` category exists."""
    category("coffee")
    return base_rule("1")


def yesterday() -> datetime.datetime:
    """Yesterday at 14:05 UTC: in the past, and the same all day long."""
    now = timezone.now()
    return (now - datetime.timedelta(days=1)).replace(hour=14, minute=5, second=0, microsecond=0)


def purchase_body(member, external_id: str = "till-1-0001", **overrides) -> dict:
    """A coffee purchase of 25.00 (2 x 12.50) and a bagel of 7.99: 32 points at 1 per unit."""
    body = {
        "member": member.card_number,
        "external_id": external_id,
        "occurred_at": yesterday().isoformat(),
        "currency": "USD",
        "total": "32.99",
        "lines": [
            {
                "sku": "COF-250",
                "description": "Coffee beans",
                "category": "coffee",
                "quantity": 2,
                "amount": "25.00",
            },
            {"sku": "BAG-1", "description": "Bagel", "quantity": 1, "amount": "7.99"},
        ],
    }
    body.update(overrides)
    return body
