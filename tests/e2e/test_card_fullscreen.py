"""Journey: at the till the member fills the phone's screen with the card, then goes back."""

from playwright.sync_api import expect

from tests.e2e.steps import assert_accessible, log_in, qr_texts, wait_for_scripts
from tests.factories import create_customer


def test_the_card_fills_the_screen_and_a_tap_brings_the_page_back(journey):
    alice = create_customer(email="alice@example.com", first_name="Alice", last_name="Andersen")
    page = journey.new_page(phone=True)
    log_in(page, "alice@example.com")
    page.goto("/me/card/")
    wait_for_scripts(page)
    button = page.get_by_role("button", name="Fill the screen")

    button.click()

    page.wait_for_function("document.fullscreenElement !== null")
    assert page.evaluate("document.fullscreenElement.getAttribute('aria-labelledby')") == (
        "card-heading"
    )
    expect(button).to_be_hidden()
    expect(page.get_by_text("Tap the card to go back.")).to_be_visible()
    picture = journey.shot(page, "card-full-screen", full_page=False)
    assert qr_texts(picture) == [alice.card_number]
    assert_accessible(page, "card-full-screen")

    page.get_by_test_id("card-number").click()
    page.wait_for_function("document.fullscreenElement === null")
    expect(button).to_be_visible()
    expect(page.get_by_text("Tap the card to go back.")).to_be_hidden()
    journey.assert_stayed_on_site_without_errors()
