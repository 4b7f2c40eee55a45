"""Every endpoint against every kind of caller: no key, a revoked key, another store's key, a
member's session, a staff member's session, and the store's own key. A refused call changes
nothing."""

from dataclasses import dataclass

import pytest
from rest_framework.test import APIClient

from engagement.services.checkout import checkout_purchase
from loyalty.models import PointsEntry, Purchase, PurchaseReturn
from rewards.models import Redemption, RedemptionChannel, RedemptionStatus
from rewards.services import reward_redeem
from tests.api.conftest import KeyClient, purchase_body, url
from tests.loyalty.points import line
from tests.rewards.catalogue import give_points, make_reward

pytestmark = pytest.mark.django_db


@dataclass
class World:
    card: str
    reward_id: int
    redemption_id: int
    voucher_code: str


@pytest.fixture
def world(customer, store, earning):
    """Alice with 1000 points, a purchase 'r-1' and an API redemption at Downtown."""
    give_points(customer, 1000)
    checkout_purchase(
        member=customer,
        store=store,
        external_id="r-1",
        lines=[line("10.00", quantity=2)],
    )
    reward = make_reward(points_cost=100)
    redemption = reward_redeem(
        member=customer, reward=reward, channel=RedemptionChannel.API, store=store
    )
    return World(customer.card_number, reward.pk, redemption.pk, redemption.code)


# name: (method, path, body)
ENDPOINTS = {
    "member-detail": ("get", lambda w: url("member-detail", card_number=w.card), None),
    "member-lookup": ("get", lambda w: url("member-lookup") + "?email=alice@example.com", None),
    "member-entries": ("get", lambda w: url("member-entries", card_number=w.card), None),
    "purchase-create": ("post", lambda w: url("purchase-create"), "purchase"),
    "purchase-preview": ("post", lambda w: url("purchase-preview"), "preview"),
    "purchase-return": (
        "post",
        lambda w: url("purchase-return", external_id="r-1"),
        {"lines": [{"line": 1, "quantity": 1}]},
    ),
    "reward-list": ("get", lambda w: url("reward-list"), None),
    "redemption-create": ("post", lambda w: url("redemption-create"), "redemption"),
    "redemption-void": ("post", lambda w: url("redemption-void", pk=w.redemption_id), {}),
    "voucher-detail": ("get", lambda w: url("voucher-detail", code=w.voucher_code), None),
    "voucher-use": ("post", lambda w: url("voucher-use", code=w.voucher_code), None),
    "me": ("get", lambda w: url("me"), None),
    "me-entries": ("get", lambda w: url("me-entries"), None),
    "me-vouchers": ("get", lambda w: url("me-vouchers"), None),
}
SUCCESS = {
    "purchase-create": 201,
    "purchase-return": 201,
    "redemption-create": 201,
}
MEMBER_ENDPOINTS = {"me", "me-entries", "me-vouchers"}
STORE_ENDPOINTS = set(ENDPOINTS) - MEMBER_ENDPOINTS
# What another store's key cannot reach: this store's purchases and redemptions.
STORE_SCOPED = {
    "purchase-return": "purchase_not_found",
    "redemption-void": "redemption_not_found",
}
CALLERS = ["anonymous", "revoked_key", "other_store_key", "member", "staff", "own_key"]


def expected(endpoint: str, caller: str) -> tuple[int, str | None]:
    if caller == "anonymous":
        return 401, "not_authenticated"
    if caller == "revoked_key":
        return 401, "api_key_revoked"
    if endpoint in MEMBER_ENDPOINTS:
        return (200, None) if caller == "member" else (403, "member_required")
    if caller in {"member", "staff"}:
        return 403, "api_key_required"
    if caller == "other_store_key" and endpoint in STORE_SCOPED:
        return 404, STORE_SCOPED[endpoint]
    return SUCCESS.get(endpoint, 200), None


def _client(caller: str, request) -> APIClient:
    if caller == "anonymous":
        return APIClient()
    if caller in {"member", "staff"}:
        client = APIClient()
        who = request.getfixturevalue("customer" if caller == "member" else "staff_user")
        client.force_login(getattr(who, "user", who))
        return client
    fixture = {"revoked_key": "revoked_key", "other_store_key": "other_key", "own_key": "own_key"}
    return KeyClient(request.getfixturevalue(fixture[caller])[1])


def _body(body, world: World, customer):
    if body == "purchase":
        return purchase_body(customer, external_id="new-1")
    if body == "preview":
        return {"member": world.card, "lines": [{"amount": "9.99"}]}
    if body == "redemption":
        return {"member": world.card, "reward": world.reward_id}
    return body


def _counts() -> tuple[int, ...]:
    return (
        Purchase.objects.count(),
        PurchaseReturn.objects.count(),
        Redemption.objects.count(),
        Redemption.objects.filter(status=RedemptionStatus.ISSUED).count(),
        PointsEntry.objects.count(),
    )


@pytest.mark.parametrize("caller", CALLERS)
@pytest.mark.parametrize("endpoint", list(ENDPOINTS))
def test_authorization_matrix(endpoint, caller, world, customer, request):
    method, path, body = ENDPOINTS[endpoint]
    client = _client(caller, request)
    before = _counts()

    response = getattr(client, method)(path(world), _body(body, world, customer), format="json")

    status, code = expected(endpoint, caller)
    assert response.status_code == status, response.content
    if code is not None:
        assert response.json()["code"] == code
        assert set(response.json()) == {"code", "message", "fields"}
        assert _counts() == before
    if status == 401:
        assert response.headers["WWW-Authenticate"] in {"Api-Key", "Session"}


def test_every_api_route_is_in_the_matrix():
    from loyalty.api.urls import urlpatterns

    names = {pattern.name for pattern in urlpatterns} - {"schema", "docs", "not-found"}
    assert names == set(ENDPOINTS)


def test_a_member_session_cannot_post_without_the_csrf_token(customer, world):
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(customer.user)
    before = _counts()

    response = client.post(url("purchase-create"), purchase_body(customer), format="json")

    assert response.status_code == 403
    assert response.json()["code"] == "csrf_failed"
    assert _counts() == before


def test_a_key_needs_no_csrf_token(own_key, customer, earning):
    client = KeyClient(own_key[1], enforce_csrf_checks=True)

    response = client.post(url("purchase-create"), purchase_body(customer), format="json")

    assert response.status_code == 201


def test_a_key_of_a_closed_store_is_refused(own_key, store, customer):
    store.is_active = False
    store.save()

    response = KeyClient(own_key[1]).get(url("member-detail", card_number=customer.card_number))

    assert response.status_code == 403
    assert response.json()["code"] == "store_closed"


@pytest.mark.parametrize(
    ("header", "code"),
    [
        ("Api-Key", "invalid_api_key"),
        ("Api-Key not-a-key", "invalid_api_key"),
        ("Api-Key abcdefgh.wrong-secret", "invalid_api_key"),
        ("Api-Key two words", "invalid_api_key"),
    ],
)
def test_malformed_or_unknown_keys_are_401(header, code, own_key, customer):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=header)

    response = client.get(url("member-detail", card_number=customer.card_number))

    assert response.status_code == 401
    assert response.json()["code"] == code


def test_a_key_with_a_wrong_secret_but_a_real_prefix_is_401(own_key, customer):
    api_key, _raw_key = own_key
    client = KeyClient(f"{api_key.prefix}.{'x' * 43}")

    response = client.get(url("member-detail", card_number=customer.card_number))

    assert response.status_code == 401
    assert response.json()["code"] == "invalid_api_key"
