"""The profile's "Notifications on this phone": subscribing and unsubscribing a browser."""

import json
import re

import pytest
from django.urls import reverse

from loyalty.platform.webpush import vapid_key_pair_new
from members.models import PushSubscription
from tests.push_service import Subscriber, b64url
from tests.two_factor import TwoStepClient

ENDPOINT = "https://push.example.net/send/abc123"
SUBSCRIBE = reverse("members:push_subscribe")
UNSUBSCRIBE = reverse("members:push_unsubscribe")


@pytest.fixture
def vapid(settings):
    public, private = vapid_key_pair_new()
    settings.LOYALTY_VAPID_PUBLIC_KEY = public
    settings.LOYALTY_VAPID_PRIVATE_KEY = private
    return public


@pytest.fixture
def member_client(client, customer):
    client.force_login(customer.user)
    return client


def _post(client, url, data, **extra):
    return client.post(url, json.dumps(data), content_type="application/json", **extra)


def _rows() -> list[tuple]:
    return list(
        PushSubscription.objects.order_by("pk").values_list(
            "member_id", "endpoint", "p256dh", "auth"
        )
    )


@pytest.mark.django_db
def test_a_member_subscribes_a_browser_and_sending_it_again_replaces_its_keys(
    vapid, member_client, customer
):
    browser = Subscriber(ENDPOINT)

    response = _post(member_client, SUBSCRIBE, browser.as_json())

    assert response.status_code == 201
    assert response.json() == {"subscribed": True}
    assert _rows() == [(customer.pk, ENDPOINT, browser.p256dh, browser.auth)]
    subscription = PushSubscription.objects.get()
    assert subscription.last_success_at is None
    assert subscription.last_failure_at is None

    renewed = Subscriber(ENDPOINT)
    response = _post(member_client, SUBSCRIBE, renewed.as_json())

    assert response.status_code == 200
    assert _rows() == [(customer.pk, ENDPOINT, renewed.p256dh, renewed.auth)]


def _with(**changes) -> dict:
    data = Subscriber(ENDPOINT).as_json()
    keys = {**data["keys"], **changes.pop("keys", {})}
    return {**data, "keys": keys, **changes}


OFF_CURVE = b64url(b"\x04" + b"\x01" * 64)
HTTPS_ONLY = "The endpoint must be an https address."
BAD_P256DH = "The p256dh key must be a P-256 public key in base64url (65 bytes)."
BAD_AUTH = "The auth secret must be 16 bytes in base64url."


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("data", "message"),
    [
        (_with(endpoint="http://push.example.net/send/abc"), HTTPS_ONLY),
        (_with(endpoint="ftp://push.example.net/x"), HTTPS_ONLY),
        (_with(endpoint="not an address"), HTTPS_ONLY),
        (_with(endpoint="https://" + "a" * 1000 + ".example/"), "The endpoint is too long."),
        (_with(endpoint=""), "The subscription has no endpoint."),
        (_with(endpoint=42), "The subscription has no endpoint."),
        ({"endpoint": ENDPOINT}, "The subscription has no keys."),
        ({"endpoint": ENDPOINT, "keys": "p256dh"}, "The subscription has no keys."),
        (_with(keys={"p256dh": b64url(b"\x04" + b"\x01" * 10)}), BAD_P256DH),
        (_with(keys={"p256dh": OFF_CURVE}), BAD_P256DH),
        (_with(keys={"p256dh": "not*base64url"}), BAD_P256DH),
        (_with(keys={"p256dh": None}), BAD_P256DH),
        (_with(keys={"auth": b64url(b"x" * 15)}), BAD_AUTH),
        (_with(keys={"auth": b64url(b"x" * 16) + "=="}), BAD_AUTH),
        (_with(keys={"auth": ""}), BAD_AUTH),
        (["not", "an", "object"], "This is not a push subscription."),
    ],
)
def test_a_bad_subscription_is_refused_with_its_reason_and_nothing_is_kept(
    vapid, member_client, data, message
):
    response = _post(member_client, SUBSCRIBE, data)

    assert response.status_code == 400
    assert response.json() == {"error": message}
    assert _rows() == []


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        ("{not json", "application/json"),
        ("endpoint=https://push.example.net/x", "application/x-www-form-urlencoded"),
        (json.dumps({"endpoint": ENDPOINT, "padding": "x" * 5000}), "application/json"),
    ],
)
def test_a_body_that_is_not_json_of_a_sensible_size_is_refused(
    vapid, member_client, body, content_type
):
    response = member_client.post(SUBSCRIBE, body, content_type=content_type)

    assert response.status_code == 400
    assert response.json() == {"error": "Send the subscription as JSON."}
    assert _rows() == []


@pytest.mark.django_db
def test_subscribing_needs_the_csrf_token(vapid, customer):
    client = TwoStepClient(enforce_csrf_checks=True)
    client.force_login(customer.user)
    browser = Subscriber(ENDPOINT)

    refused = _post(client, SUBSCRIBE, browser.as_json())

    assert refused.status_code == 403
    assert _rows() == []

    page = client.get(reverse("members:profile")).content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    accepted = _post(client, SUBSCRIBE, browser.as_json(), HTTP_X_CSRFTOKEN=token)

    assert accepted.status_code == 201
    assert _rows() == [(customer.pk, ENDPOINT, browser.p256dh, browser.auth)]


@pytest.mark.django_db
def test_without_vapid_keys_both_endpoints_answer_404_and_the_profile_offers_nothing(
    settings, member_client, customer
):
    settings.LOYALTY_VAPID_PUBLIC_KEY = ""
    settings.LOYALTY_VAPID_PRIVATE_KEY = ""
    PushSubscription.objects.create(member=customer, endpoint=ENDPOINT, p256dh="x", auth="y")

    for url, data in (
        (SUBSCRIBE, Subscriber(ENDPOINT).as_json()),
        (UNSUBSCRIBE, {"endpoint": ENDPOINT}),
    ):
        response = _post(member_client, url, data)
        assert response.status_code == 404
        assert response.json() == {"error": "Notifications are not available on this site."}
    assert _rows() == [(customer.pk, ENDPOINT, "x", "y")]

    page = member_client.get(reverse("members:profile")).content.decode()
    assert "data-push" not in page
    assert "js/push.js" not in page


@pytest.mark.django_db
def test_the_profile_offers_notifications_with_the_public_key_and_no_inline_script(
    vapid, member_client
):
    page = member_client.get(reverse("members:profile")).content.decode()

    assert f'data-key="{vapid}"' in page
    assert f'data-subscribe-url="{SUBSCRIBE}"' in page
    assert f'data-unsubscribe-url="{UNSUBSCRIBE}"' in page
    assert "Notifications on this phone" in page
    assert '<script src="/static/js/push.js" defer></script>' in page
    assert re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", page) == []


@pytest.mark.django_db
def test_a_member_removes_their_own_subscription(vapid, member_client, customer):
    PushSubscription.objects.create(member=customer, endpoint=ENDPOINT, p256dh="x", auth="y")

    response = _post(member_client, UNSUBSCRIBE, {"endpoint": ENDPOINT})

    assert response.status_code == 200
    assert response.json() == {"subscribed": False}
    assert _rows() == []


@pytest.mark.django_db
@pytest.mark.parametrize("endpoint", [ENDPOINT, "https://push.example.net/send/unknown"])
def test_another_members_subscription_cannot_be_removed_and_reads_as_unknown(
    vapid, member_client, other_customer, endpoint
):
    PushSubscription.objects.create(member=other_customer, endpoint=ENDPOINT, p256dh="x", auth="y")

    response = _post(member_client, UNSUBSCRIBE, {"endpoint": endpoint})

    assert response.status_code == 404
    assert response.json() == {"error": "Notifications are not on for this browser."}
    assert _rows() == [(other_customer.pk, ENDPOINT, "x", "y")]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({}, "The subscription has no endpoint."),
        ({"endpoint": ""}, "The subscription has no endpoint."),
        ({"endpoint": ["x"]}, "The subscription has no endpoint."),
        (["x"], "Send the subscription as JSON."),
    ],
)
def test_unsubscribing_without_an_endpoint_is_refused(
    vapid, member_client, customer, data, message
):
    PushSubscription.objects.create(member=customer, endpoint=ENDPOINT, p256dh="x", auth="y")

    response = _post(member_client, UNSUBSCRIBE, data)

    assert response.status_code == 400
    assert response.json() == {"error": message}
    assert _rows() == [(customer.pk, ENDPOINT, "x", "y")]


@pytest.mark.django_db
def test_a_browser_subscribed_by_another_member_moves_to_the_one_who_sends_it(
    vapid, member_client, customer, other_customer
):
    """The endpoint and its keys are the browser's secret: a shared phone after a log-out."""
    PushSubscription.objects.create(member=other_customer, endpoint=ENDPOINT, p256dh="x", auth="y")
    browser = Subscriber(ENDPOINT)

    response = _post(member_client, SUBSCRIBE, browser.as_json())

    assert response.status_code == 200
    assert _rows() == [(customer.pk, ENDPOINT, browser.p256dh, browser.auth)]
