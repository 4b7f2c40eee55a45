"""Journey: on the phone, the member adds the card to Apple Wallet from the card page."""

import json
import zipfile

from playwright.sync_api import expect

from loyalty.services import points_credit
from tests.e2e.steps import assert_accessible, log_in
from tests.factories import create_customer
from tests.wallet import PASS_TYPE_ID


def test_the_member_downloads_the_pass_from_the_card_page(journey, apple_wallet, tmp_path):
    alice = create_customer(email="alice@example.com", first_name="Alice", last_name="Andersen")
    points_credit(account=alice.points_account, points=265, note="Welcome")
    page = journey.new_page(phone=True)
    log_in(page, "alice@example.com")
    page.goto("/me/card/")
    link = page.get_by_role("link", name="Add to Apple Wallet")
    expect(link).to_be_visible()
    journey.shot(page, "card-with-wallet-button")
    assert_accessible(page, "card-with-wallet-button")

    with page.expect_download() as download_info:
        link.click()

    download = download_info.value
    assert download.suggested_filename == "member-card.pkpass"
    path = tmp_path / "member-card.pkpass"
    download.save_as(path)
    with zipfile.ZipFile(path) as archive:
        pass_json = json.loads(archive.read("pass.json"))
    assert pass_json["passTypeIdentifier"] == PASS_TYPE_ID
    assert pass_json["barcodes"][0]["message"] == alice.card_number
    assert pass_json["storeCard"]["primaryFields"][0]["value"] == 265
    assert pass_json["storeCard"]["secondaryFields"][0]["value"] == "Alice Andersen"
    journey.assert_stayed_on_site_without_errors()
