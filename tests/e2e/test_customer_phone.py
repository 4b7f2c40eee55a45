"""Journey: a customer adds a phone number on a 390 px wide phone, types the texted code and
is then found by it at the till."""

import re

from playwright.sync_api import expect

from loyalty.platform import sms
from members.selectors import member_get_by_phone
from tests.e2e.steps import assert_accessible, log_in
from tests.factories import create_customer

NARROW = {"width": 390, "height": 844}


def _fits(page) -> None:
    """Nothing sticks out sideways at this width (no horizontal scrolling)."""
    assert page.evaluate("document.documentElement.scrollWidth") <= NARROW["width"]


def test_customer_confirms_a_phone_number_with_the_texted_code(journey):
    pia = create_customer(email="pia@example.com", first_name="Pia", last_name="Park")
    page = journey.new_page(phone=True)
    page.set_viewport_size(NARROW)
    log_in(page, "pia@example.com")

    page.goto("/me/profile/")
    page.get_by_label("Phone").fill("(555) 010-0002")
    page.get_by_role("button", name="Save").click()

    expect(page).to_have_url(journey.url("/me/profile/phone/"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Confirm your phone number")
    expect(page.get_by_text("+1 555-010-0002")).to_be_visible()
    assert member_get_by_phone(phone="+15550100002") is None
    _fits(page)
    assert_accessible(page, "confirm phone")
    journey.shot(page, "confirm-phone")

    code = re.search(r"\b(\d{6})\b", sms.outbox[-1].body).group(1)
    page.get_by_label("Code from the text message").fill(code)
    page.get_by_role("button", name="Confirm").click()

    expect(page).to_have_url(journey.url("/me/profile/"))
    expect(page.get_by_text("Your phone number is confirmed.")).to_be_visible()
    expect(page.get_by_text("Staff can find you by +1 555-010-0002 at the till.")).to_be_visible()
    _fits(page)
    journey.shot(page, "profile-confirmed")
    assert member_get_by_phone(phone="5550100002").pk == pia.pk
    assert [message.to for message in sms.outbox] == ["+15550100002"]
    journey.assert_stayed_on_site_without_errors()
