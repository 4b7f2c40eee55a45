"""The "Save to Google Wallet" link: a JWT signed with the service account's key."""

import pytest
import time_machine
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric import rsa
from django.urls import reverse

from loyalty.services import points_credit
from members.models import WalletKind, WalletPass
from tests.wallet import GOOGLE_CLIENT_EMAIL, GOOGLE_ISSUER_ID, jwt_decode

SAVE_URL = "https://pay.google.com/gp/v/save/"


def _save(client, member):
    client.force_login(member.user)
    return client.get(reverse("members:wallet_google"))


@pytest.mark.django_db
def test_the_link_carries_the_class_and_the_members_object(client, customer, google_wallet):
    points_credit(account=customer.points_account, points=340, note="Welcome")

    with time_machine.travel(1_796_000_000, tick=False):
        response = _save(client, customer)

    assert response.status_code == 302
    location = response["Location"]
    assert location.startswith(SAVE_URL)
    header, claims = jwt_decode(location.removeprefix(SAVE_URL), google_wallet)
    wallet_pass = WalletPass.objects.get(member=customer, kind=WalletKind.GOOGLE)
    number = customer.card_number
    assert header == {"alg": "RS256", "typ": "JWT", "kid": "test-key-1"}
    assert claims == {
        "iss": GOOGLE_CLIENT_EMAIL,
        "aud": "google",
        "typ": "savetowallet",
        "iat": 1_796_000_000,
        "origins": ["http://testserver"],
        "payload": {
            "loyaltyClasses": [
                {
                    "id": f"{GOOGLE_ISSUER_ID}.member-card",
                    "issuerName": "Loyalty",
                    "programName": "Loyalty",
                    "programLogo": {
                        "sourceUri": {"uri": "http://testserver/static/img/app-icon-512.png"}
                    },
                    "hexBackgroundColor": "#0b5d4b",
                    "reviewStatus": "UNDER_REVIEW",
                }
            ],
            "loyaltyObjects": [
                {
                    "id": f"{GOOGLE_ISSUER_ID}.{wallet_pass.serial_number}",
                    "classId": f"{GOOGLE_ISSUER_ID}.member-card",
                    "state": "ACTIVE",
                    "accountId": number,
                    "accountName": "Alice Andersen",
                    "barcode": {
                        "type": "QR_CODE",
                        "value": number,
                        "alternateText": f"{number[:4]} {number[4:8]} {number[8:]}",
                    },
                    "loyaltyPoints": {"label": "Points", "balance": {"int": 340}},
                    "textModulesData": [{"id": "tier", "header": "Tier", "body": "None yet"}],
                    "hexBackgroundColor": "#0b5d4b",
                }
            ],
        },
    }


@pytest.mark.django_db
def test_the_object_id_is_stable_and_each_members_own(
    client, customer, other_customer, google_wallet
):
    first = jwt_decode(_save(client, customer)["Location"].removeprefix(SAVE_URL), google_wallet)
    again = jwt_decode(_save(client, customer)["Location"].removeprefix(SAVE_URL), google_wallet)
    client.logout()
    theirs = jwt_decode(
        _save(client, other_customer)["Location"].removeprefix(SAVE_URL), google_wallet
    )

    def object_of(decoded):
        return decoded[1]["payload"]["loyaltyObjects"][0]

    assert object_of(first)["id"] == object_of(again)["id"]
    assert object_of(theirs)["id"] != object_of(first)["id"]
    assert object_of(theirs)["accountId"] == other_customer.card_number
    assert WalletPass.objects.filter(kind=WalletKind.GOOGLE).count() == 2


@pytest.mark.django_db
def test_a_link_signed_by_another_key_does_not_verify(client, customer, google_wallet):
    token = _save(client, customer)["Location"].removeprefix(SAVE_URL)
    stranger = rsa.generate_private_key(public_exponent=65537, key_size=2048).public_key()

    with pytest.raises(InvalidSignature):
        jwt_decode(token, stranger)


@pytest.mark.django_db
def test_not_configured_no_button_and_404(client, customer):
    client.force_login(customer.user)

    card = client.get(reverse("members:card")).content.decode()
    response = client.get(reverse("members:wallet_google"))

    assert 'data-testid="wallet-google"' not in card
    assert response.status_code == 404
    assert "Google Wallet is not available" in response.content.decode()
    assert WalletPass.objects.count() == 0


@pytest.mark.django_db
def test_a_broken_service_account_is_not_configured(client, customer, google_wallet, settings):
    settings.LOYALTY_WALLET_GOOGLE_SERVICE_ACCOUNT = '{"client_email": "x@example.com"}'
    client.force_login(customer.user)

    assert client.get(reverse("members:wallet_google")).status_code == 404
    assert WalletPass.objects.count() == 0


@pytest.mark.django_db
def test_configured_the_card_page_offers_the_link(client, customer, google_wallet):
    client.force_login(customer.user)

    card = client.get(reverse("members:card")).content.decode()

    assert (
        f'<a class="button" href="{reverse("members:wallet_google")}" '
        'data-testid="wallet-google">Save to Google Wallet</a>'
    ) in card
