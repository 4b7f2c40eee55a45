"""The Apple Wallet pass: its contents, its manifest, its signature, and who may have it."""

import hashlib
import io
import json
import zipfile

import pytest
from django.urls import reverse
from PIL import Image

from loyalty.services import points_credit
from members.models import WalletKind, WalletPass
from members.wallet.apple import pass_images
from tests.wallet import PASS_TYPE_ID, TEAM_ID, WEB_SERVICE_URL, signature_verified

PKPASS_FILES = {
    "pass.json",
    "manifest.json",
    "signature",
    "icon.png",
    "icon@2x.png",
    "icon@3x.png",
    "logo.png",
    "logo@2x.png",
    "logo@3x.png",
}


def _download(client, member):
    client.force_login(member.user)
    return client.get(reverse("members:wallet_apple"))


@pytest.mark.django_db
def test_the_pass_holds_the_members_card_points_and_tier(client, customer, apple_wallet):
    points_credit(account=customer.points_account, points=1250, note="Welcome")

    response = _download(client, customer)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.apple.pkpass"
    assert response["Content-Disposition"] == 'attachment; filename="member-card.pkpass"'
    wallet_pass = WalletPass.objects.get(member=customer)
    assert wallet_pass.kind == WalletKind.APPLE
    assert wallet_pass.shown_balance == 1250
    assert wallet_pass.shown_tier is None
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    assert set(archive.namelist()) == PKPASS_FILES
    number = customer.card_number
    shown_number = f"{number[:4]} {number[4:8]} {number[8:]}"
    barcode = {
        "format": "PKBarcodeFormatQR",
        "message": number,
        "messageEncoding": "iso-8859-1",
        "altText": shown_number,
    }
    assert json.loads(archive.read("pass.json")) == {
        "formatVersion": 1,
        "passTypeIdentifier": PASS_TYPE_ID,
        "teamIdentifier": TEAM_ID,
        "serialNumber": wallet_pass.serial_number,
        "organizationName": "Loyalty",
        "description": "Loyalty member card",
        "logoText": "Loyalty",
        "foregroundColor": "rgb(255, 255, 255)",
        "backgroundColor": "rgb(11, 93, 75)",
        "labelColor": "rgb(255, 209, 102)",
        "barcodes": [barcode],
        "storeCard": {
            "primaryFields": [{"key": "points", "label": "Points", "value": 1250}],
            "secondaryFields": [
                {"key": "member", "label": "Member", "value": "Alice Andersen"},
                {"key": "tier", "label": "Tier", "value": "None yet"},
            ],
            "backFields": [{"key": "card", "label": "Card number", "value": shown_number}],
        },
        "webServiceURL": WEB_SERVICE_URL.rstrip("/"),
        "authenticationToken": wallet_pass.authentication_token,
    }
    assert len(wallet_pass.authentication_token) >= 32
    assert len(wallet_pass.serial_number) == 32


@pytest.mark.django_db
def test_every_file_is_in_the_manifest_with_its_sha1(client, customer, apple_wallet):
    archive = zipfile.ZipFile(io.BytesIO(_download(client, customer).content))

    manifest = json.loads(archive.read("manifest.json"))

    assert set(manifest) == PKPASS_FILES - {"manifest.json", "signature"}
    for name, digest in manifest.items():
        assert hashlib.sha1(archive.read(name)).hexdigest() == digest  # noqa: S324
    assert archive.read("icon.png") == pass_images()["icon.png"]


@pytest.mark.django_db
def test_the_images_have_apples_sizes(client, customer, apple_wallet):
    archive = zipfile.ZipFile(io.BytesIO(_download(client, customer).content))

    sizes = {
        name: Image.open(io.BytesIO(archive.read(name))).size
        for name in PKPASS_FILES
        if name.endswith(".png")
    }
    assert sizes == {
        "icon.png": (29, 29),
        "icon@2x.png": (58, 58),
        "icon@3x.png": (87, 87),
        "logo.png": (50, 50),
        "logo@2x.png": (100, 100),
        "logo@3x.png": (150, 150),
    }


@pytest.mark.django_db
def test_the_manifest_is_signed_by_the_pass_certificate(client, customer, apple_wallet, tmp_path):
    archive = zipfile.ZipFile(io.BytesIO(_download(client, customer).content))
    manifest = archive.read("manifest.json")
    signature = archive.read("signature")

    assert signature_verified(
        folder=tmp_path, manifest=manifest, signature=signature, ca_pem=apple_wallet.ca_pem
    )
    # A changed manifest no longer matches the signature.
    assert not signature_verified(
        folder=tmp_path,
        manifest=manifest.replace(b"{", b"{ ", 1),
        signature=signature,
        ca_pem=apple_wallet.ca_pem,
    )


@pytest.mark.django_db
def test_a_second_download_is_the_same_pass(client, customer, apple_wallet):
    first = zipfile.ZipFile(io.BytesIO(_download(client, customer).content))
    second = zipfile.ZipFile(io.BytesIO(_download(client, customer).content))

    assert WalletPass.objects.filter(member=customer).count() == 1
    assert first.read("pass.json") == second.read("pass.json")


@pytest.mark.django_db
def test_each_member_downloads_only_their_own_pass(client, customer, other_customer, apple_wallet):
    mine = zipfile.ZipFile(io.BytesIO(_download(client, customer).content))
    client.logout()
    theirs = zipfile.ZipFile(io.BytesIO(_download(client, other_customer).content))

    assert json.loads(mine.read("pass.json"))["barcodes"][0]["message"] == customer.card_number
    assert (
        json.loads(theirs.read("pass.json"))["barcodes"][0]["message"] == other_customer.card_number
    )
    assert WalletPass.objects.get(member=customer).serial_number != (
        WalletPass.objects.get(member=other_customer).serial_number
    )


@pytest.mark.django_db
def test_anonymous_visitors_are_sent_to_log_in(client, apple_wallet):
    response = client.get(reverse("members:wallet_apple"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    assert WalletPass.objects.count() == 0


@pytest.mark.django_db
def test_staff_without_a_card_get_no_pass(client, staff_user, apple_wallet):
    client.force_login(staff_user)

    response = client.get(reverse("members:wallet_apple"))

    assert response.status_code == 404
    assert WalletPass.objects.count() == 0


@pytest.mark.django_db
def test_not_configured_no_button_and_404(client, customer):
    client.force_login(customer.user)

    card = client.get(reverse("members:card")).content.decode()
    response = client.get(reverse("members:wallet_apple"))

    assert 'data-testid="wallet-apple"' not in card
    assert 'data-testid="wallet-buttons"' not in card
    assert response.status_code == 404
    assert "Apple Wallet is not available" in response.content.decode()
    assert WalletPass.objects.count() == 0


@pytest.mark.django_db
def test_unreadable_certificate_is_not_configured_never_a_500(
    client, customer, apple_wallet, settings
):
    settings.LOYALTY_WALLET_APPLE_CERTIFICATE = "/nowhere/pass-certificate.pem"
    client.force_login(customer.user)

    card = client.get(reverse("members:card")).content.decode()
    response = client.get(reverse("members:wallet_apple"))

    assert 'data-testid="wallet-apple"' not in card
    assert response.status_code == 404
    assert WalletPass.objects.count() == 0


@pytest.mark.django_db
def test_configured_the_card_page_offers_the_pass(client, customer, apple_wallet):
    client.force_login(customer.user)

    card = client.get(reverse("members:card")).content.decode()

    assert (
        f'<a class="button" href="{reverse("members:wallet_apple")}" '
        'data-testid="wallet-apple">Add to Apple Wallet</a>'
    ) in card
    assert 'data-testid="wallet-google"' not in card
