"""Journey: the member finds "Notifications on this phone" on the profile.

Headless Chromium has no push service of its own to reach (and none may be reached: nothing
leaves the live server), so the journey stops short of subscribing: the control is there and
its script runs without an error where the browser can take push, and stays hidden where it
cannot. Subscribing itself is tests/members/test_push_subscriptions.py, sending
tests/loyalty/test_push.py.
"""

from playwright.sync_api import expect

from loyalty.platform.webpush import vapid_key_pair_new
from tests.e2e.steps import assert_accessible, log_in, wait_for_scripts
from tests.factories import create_customer

NARROW = {"width": 390, "height": 844}
WIDE = {"width": 1280, "height": 900}


def _vapid(settings) -> None:
    settings.LOYALTY_VAPID_PUBLIC_KEY, settings.LOYALTY_VAPID_PRIVATE_KEY = vapid_key_pair_new()


def test_the_profile_offers_notifications_on_this_phone(journey, settings):
    _vapid(settings)
    create_customer(email="alice@example.com", first_name="Alice", last_name="Andersen")
    page = journey.new_page(phone=True)
    page.set_viewport_size(NARROW)
    log_in(page, "alice@example.com")
    page.goto("/me/profile/")
    wait_for_scripts(page)

    panel = page.get_by_role("region", name="Notifications on this phone")
    expect(panel).to_be_visible()
    expect(panel.get_by_role("button", name="Turn on notifications")).to_be_visible()
    expect(panel.get_by_role("button", name="Turn off notifications")).to_be_hidden()
    assert page.evaluate("'PushManager' in window")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= NARROW["width"]
    panel.scroll_into_view_if_needed()
    journey.shot(page, "profile-phone", full_page=False)
    assert_accessible(page, "profile-phone")

    page.set_viewport_size(WIDE)
    journey.shot(page, "profile-desk")
    journey.assert_stayed_on_site_without_errors()


def test_a_browser_without_push_never_sees_the_control(journey, settings):
    _vapid(settings)
    create_customer(email="alice@example.com", first_name="Alice", last_name="Andersen")
    page = journey.new_page(phone=True)
    page.add_init_script("delete window.PushManager;")
    log_in(page, "alice@example.com")
    page.goto("/me/profile/")
    wait_for_scripts(page)

    assert page.locator("[data-push]").count() == 1
    expect(page.locator("[data-push]")).to_be_hidden()
    expect(page.get_by_role("button", name="Save")).to_be_visible()
    journey.assert_stayed_on_site_without_errors()
