"""Journey: a member's card at a till without signal. The app keeps the card page and its
balance while online; with the network cut the kept copy shows, QR code and all, marked
"Offline — as of …"; after logging out nothing of the member is left to show offline."""

import time

import pytest
from playwright.sync_api import Error, expect

from loyalty.services import points_credit
from members.identifiers import card_number_format
from tests.e2e.steps import assert_accessible, log_in, qr_texts
from tests.factories import create_customer

# The worker is active and looks after this page (it claims the pages open when it starts).
CONTROLLED = (
    "() => navigator.serviceWorker.controller !== null"
    " && navigator.serviceWorker.controller.state === 'activated'"
)
READY = "async () => (await navigator.serviceWorker.ready).scope"
REGISTRATIONS = "async () => (await navigator.serviceWorker.getRegistrations()).length"


def test_member_card_shows_offline_and_is_forgotten_after_log_out(journey):
    dana = create_customer(email="dana@example.com", first_name="Dana", last_name="Dietrich")
    points_credit(account=dana.points_account, points=340, note="Welcome bonus")
    shown_number = card_number_format(dana.card_number)

    page = journey.new_page(phone=True)
    log_in(page, "dana@example.com")
    expect(page).to_have_url(journey.url("/me/"))
    page.goto("/me/card/")
    expect(page).to_have_url(journey.url("/me/card/"))
    assert page.evaluate(READY) == journey.url("/")
    page.wait_for_function(CONTROLLED)
    # Now through the worker, which keeps what it fetched: this very page.
    page.reload()
    expect(page.get_by_test_id("card-balance")).to_have_text("340 points available")
    expect(page.get_by_test_id("offline-notice")).to_be_hidden()
    # The copy the worker keeps is this page, stamped with the time it was drawn.
    kept_at = page.get_by_test_id("offline-notice").locator("time")
    stamped, shown_time = kept_at.get_attribute("datetime"), kept_at.text_content()
    journey.shot(page, "card-online")

    # The network cut: the kept copy, with its notice, the balance and a QR code that scans.
    page.context.set_offline(True)
    started = time.monotonic()
    page.reload()
    expect(page).to_have_url(journey.url("/me/card/"))
    notice = page.get_by_test_id("offline-notice")
    expect(notice).to_be_visible()
    # A cut network fails at once: the kept copy is not the one shown after a slow signal's
    # wait (service-worker.js, NETWORK_TIMEOUT_MS).
    assert time.monotonic() - started < 3
    expect(notice).to_have_text(f"Offline — your card and points as of {shown_time}")
    expect(notice.locator("time")).to_have_attribute("datetime", stamped)
    expect(page.get_by_test_id("card-number")).to_have_text(shown_number)
    expect(page.get_by_test_id("card-balance")).to_have_text("340 points available")
    assert_accessible(page, "card offline")
    assert qr_texts(journey.shot(page, "card-offline")) == [dana.card_number]

    # The app opens on /me/: offline, it falls back on the card.
    page.goto("/me/")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    expect(page.get_by_test_id("card-number")).to_have_text(shown_number)
    expect(page.get_by_test_id("offline-notice")).to_be_visible()
    journey.shot(page, "start-page-offline")

    # Back online, log out: the worker and everything it kept are gone.
    page.context.set_offline(False)
    page.goto("/me/card/")
    expect(page.get_by_test_id("offline-notice")).to_be_hidden()
    page.get_by_role("button", name="Log out").click()
    expect(page).to_have_url(journey.url("/"))
    assert page.evaluate("async () => await caches.keys()") == []
    assert page.evaluate(REGISTRATIONS) == 0

    page.context.set_offline(True)
    with pytest.raises(Error, match="ERR_INTERNET_DISCONNECTED"):
        page.goto("/me/card/")
    # The browser's own "no internet" page (waited for: it may still be drawing itself).
    body = page.locator("body")
    expect(body).to_contain_text("ERR_INTERNET_DISCONNECTED")
    expect(body).not_to_contain_text(shown_number)
    expect(body).not_to_contain_text("340 points")
    journey.shot(page, "card-offline-after-log-out")

    page.context.set_offline(False)
    journey.assert_stayed_on_site_without_errors()


def test_card_is_kept_for_offline_from_signing_in_without_opening_it(journey):
    """The worker starts on the first page after signing in and keeps the card at once: a
    member who never opened it online still has it at the till."""
    erik = create_customer(email="erik@example.com", first_name="Erik", last_name="Eriksen")
    points_credit(account=erik.points_account, points=5, note="Welcome bonus")

    page = journey.new_page(phone=True)
    log_in(page, "erik@example.com")
    expect(page).to_have_url(journey.url("/me/"))
    page.wait_for_function(CONTROLLED)
    page.wait_for_function(
        "async () => (await (await caches.open((await caches.keys())[0])).keys())"
        ".some((request) => request.url.endsWith('/me/card/'))"
    )

    page.context.set_offline(True)
    page.goto("/me/card/")
    expect(page.get_by_test_id("offline-notice")).to_be_visible()
    expect(page.get_by_test_id("card-number")).to_have_text(card_number_format(erik.card_number))
    expect(page.get_by_test_id("card-balance")).to_have_text("5 points available")
    journey.shot(page, "card-offline-never-opened")

    page.context.set_offline(False)
    journey.assert_stayed_on_site_without_errors()
