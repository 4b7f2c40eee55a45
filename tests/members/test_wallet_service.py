"""Apple's PassKit web service: registrations, updated serials, the latest pass, the log."""

import datetime
import io
import json
import zipfile

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils.http import http_date

from loyalty.platform.ratelimit import WALLET_SERVICE
from members.models import WalletKind, WalletPass, WalletRegistration
from members.wallet.services import wallet_pass_for_member
from tests.wallet import PASS_TYPE_ID

DEVICE = "a1b2c3d4e5f60718293a4b5c6d7e8f90"
PUSH_TOKEN = "f" * 64
NOW = datetime.datetime(2026, 12, 7, 12, 0, tzinfo=datetime.UTC)


@pytest.fixture
def apple_pass(customer, apple_wallet):
    with time_machine.travel(NOW, tick=False):
        return wallet_pass_for_member(member=customer, kind=WalletKind.APPLE)


def _registration_url(wallet_pass, *, device=DEVICE, pass_type=PASS_TYPE_ID):
    return reverse(
        "wallet:registration",
        kwargs={
            "device": device,
            "pass_type": pass_type,
            "serial_number": wallet_pass.serial_number,
        },
    )


def _auth(wallet_pass, token=None):
    return {"HTTP_AUTHORIZATION": f"ApplePass {token or wallet_pass.authentication_token}"}


def _register(client, wallet_pass, *, token=None, body=None, **kwargs):
    return client.post(
        _registration_url(wallet_pass, **kwargs),
        data=json.dumps(body if body is not None else {"pushToken": PUSH_TOKEN}),
        content_type="application/json",
        **_auth(wallet_pass, token),
    )


@pytest.mark.django_db
def test_register_then_register_again(client, apple_pass):
    first = _register(client, apple_pass)
    second = _register(client, apple_pass, body={"pushToken": "e" * 64})

    assert (first.status_code, second.status_code) == (201, 200)
    registration = WalletRegistration.objects.get()
    assert registration.wallet_pass == apple_pass
    assert registration.device_library_identifier == DEVICE
    assert registration.push_token == "e" * 64


@pytest.mark.django_db
def test_register_with_a_wrong_token_is_401_and_registers_nothing(client, apple_pass):
    response = _register(client, apple_pass, token="not-the-token")
    no_header = client.post(
        _registration_url(apple_pass),
        data=json.dumps({"pushToken": PUSH_TOKEN}),
        content_type="application/json",
    )

    assert response.status_code == 401
    assert no_header.status_code == 401
    assert WalletRegistration.objects.count() == 0


@pytest.mark.django_db
def test_unknown_serial_or_pass_type_is_404(client, apple_pass):
    unknown = WalletPass(serial_number="0" * 32, authentication_token="x")

    assert _register(client, unknown).status_code == 404
    assert _register(client, apple_pass, pass_type="pass.org.example.other").status_code == 404
    assert WalletRegistration.objects.count() == 0


@pytest.mark.django_db
def test_a_bad_body_is_400(client, apple_pass):
    assert _register(client, apple_pass, body={"token": PUSH_TOKEN}).status_code == 400
    assert _register(client, apple_pass, body={"pushToken": ""}).status_code == 400
    assert _register(client, apple_pass, body=["x"]).status_code == 400
    assert WalletRegistration.objects.count() == 0


@pytest.mark.django_db
def test_unregister(client, apple_pass):
    _register(client, apple_pass)

    wrong = client.delete(_registration_url(apple_pass), **_auth(apple_pass, "wrong"))
    assert wrong.status_code == 401
    assert WalletRegistration.objects.count() == 1
    # Apple's reference answers 200 for an unregistration.
    response = client.delete(_registration_url(apple_pass), **_auth(apple_pass))

    assert response.status_code == 200
    assert WalletRegistration.objects.count() == 0


@pytest.mark.django_db
def test_serials_updated_since_a_tag(client, apple_pass):
    _register(client, apple_pass)
    url = reverse("wallet:serials_updated", kwargs={"device": DEVICE, "pass_type": PASS_TYPE_ID})
    tag = apple_pass.update_tag

    everything = client.get(url)
    since_before = client.get(url, {"passesUpdatedSince": str(tag - 1)})
    since_now = client.get(url, {"passesUpdatedSince": str(tag)})

    expected = {"serialNumbers": [apple_pass.serial_number], "lastUpdated": str(tag)}
    assert everything.status_code == 200
    assert everything.json() == expected
    assert since_before.json() == expected
    assert since_now.status_code == 204
    assert client.get(url, {"passesUpdatedSince": "yesterday"}).status_code == 400
    unknown_device = reverse(
        "wallet:serials_updated", kwargs={"device": "other", "pass_type": PASS_TYPE_ID}
    )
    assert client.get(unknown_device).status_code == 404


@pytest.mark.django_db
def test_latest_pass_with_last_modified_and_304(client, apple_pass, customer):
    url = reverse(
        "wallet:latest_pass",
        kwargs={"pass_type": PASS_TYPE_ID, "serial_number": apple_pass.serial_number},
    )

    response = client.get(url, **_auth(apple_pass))
    not_modified = client.get(
        url, HTTP_IF_MODIFIED_SINCE=http_date(NOW.timestamp()), **_auth(apple_pass)
    )
    older = client.get(
        url, HTTP_IF_MODIFIED_SINCE=http_date(NOW.timestamp() - 1), **_auth(apple_pass)
    )

    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.apple.pkpass"
    assert response["Last-Modified"] == "Mon, 07 Dec 2026 12:00:00 GMT"
    pass_json = json.loads(zipfile.ZipFile(io.BytesIO(response.content)).read("pass.json"))
    assert pass_json["serialNumber"] == apple_pass.serial_number
    assert pass_json["barcodes"][0]["message"] == customer.card_number
    assert not_modified.status_code == 304
    assert not_modified.content == b""
    assert older.status_code == 200


@pytest.mark.django_db
def test_latest_pass_needs_its_own_token(client, apple_pass, other_customer):
    theirs = wallet_pass_for_member(member=other_customer, kind=WalletKind.APPLE)
    url = reverse(
        "wallet:latest_pass",
        kwargs={"pass_type": PASS_TYPE_ID, "serial_number": theirs.serial_number},
    )

    with_my_token = client.get(url, **_auth(apple_pass))
    unknown = client.get(
        reverse("wallet:latest_pass", kwargs={"pass_type": PASS_TYPE_ID, "serial_number": "0"}),
        **_auth(apple_pass),
    )

    assert with_my_token.status_code == 401
    assert with_my_token["Content-Type"] == "application/json"
    assert unknown.status_code == 404


@pytest.mark.django_db
def test_google_rows_are_not_served_as_apple_passes(client, customer, apple_wallet, google_wallet):
    google_pass = wallet_pass_for_member(member=customer, kind=WalletKind.GOOGLE)
    url = reverse(
        "wallet:latest_pass",
        kwargs={"pass_type": PASS_TYPE_ID, "serial_number": google_pass.serial_number},
    )

    assert client.get(url, **_auth(google_pass)).status_code == 404


@pytest.mark.django_db
def test_log(client, apple_wallet, caplog):
    response = client.post(
        reverse("wallet:log"),
        data=json.dumps({"logs": ["Web service error: 500", "x" * 900]}),
        content_type="application/json",
    )

    assert response.status_code == 200
    lines = [r.getMessage() for r in caplog.records if r.name == "members.wallet.views"]
    assert lines == ["Wallet device log: Web service error: 500", "Wallet device log: " + "x" * 500]
    bad = client.post(reverse("wallet:log"), data="{", content_type="application/json")
    assert bad.status_code == 400


@pytest.mark.django_db
def test_not_configured_every_endpoint_is_404(client, customer):
    urls = [
        reverse(
            "wallet:registration",
            kwargs={"device": DEVICE, "pass_type": PASS_TYPE_ID, "serial_number": "0"},
        ),
        reverse("wallet:serials_updated", kwargs={"device": DEVICE, "pass_type": PASS_TYPE_ID}),
        reverse("wallet:latest_pass", kwargs={"pass_type": PASS_TYPE_ID, "serial_number": "0"}),
    ]

    assert [client.get(url).status_code for url in urls[1:]] == [404, 404]
    assert client.post(urls[0]).status_code == 404
    assert (
        client.post(reverse("wallet:log"), data="{}", content_type="application/json").status_code
        == 404
    )


@pytest.mark.django_db
def test_the_service_is_rate_limited_per_address(client, apple_pass):
    url = reverse(
        "wallet:latest_pass",
        kwargs={"pass_type": PASS_TYPE_ID, "serial_number": apple_pass.serial_number},
    )
    statuses = [
        client.get(url, **_auth(apple_pass)).status_code for _ in range(WALLET_SERVICE.count)
    ]

    refused = client.get(url, **_auth(apple_pass))

    assert statuses == [200] * WALLET_SERVICE.count
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) >= 1


@pytest.mark.django_db
def test_csrf_is_not_asked_of_devices(apple_pass):
    strict = Client(enforce_csrf_checks=True)

    assert _register(strict, apple_pass).status_code == 201
