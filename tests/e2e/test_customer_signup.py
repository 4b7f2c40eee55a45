"""Journey 1: a new customer joins on a phone and shows a card that the till can scan."""

from playwright.sync_api import expect

from members.identifiers import card_number_format
from members.models import Member
from tests.e2e.steps import assert_accessible, confirm_email, digits, qr_texts, sign_up


def test_new_customer_signs_up_on_a_phone_and_shows_a_card_that_scans(journey):
    page = journey.new_page(phone=True)

    page.goto("/")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Earn points every time you shop at Loyalty"
    )
    assert_accessible(page, "landing")
    journey.shot(page, "landing")
    page.get_by_role("link", name="Join for free").click()

    expect(page.get_by_role("heading", name="Join Loyalty")).to_be_visible()
    sign_up(
        page,
        first_name="Nora",
        last_name="Nilsen",
        email="nora@example.com",
        password="a-long-enough-secret",
    )
    assert_accessible(page, "signup-form")
    journey.shot(page, "signup-form")
    page.get_by_role("button", name="Join").click()

    expect(page.get_by_role("heading", name="Check your email", exact=True)).to_be_visible()
    assert_accessible(page, "check-your-email")
    journey.shot(page, "check-your-email")

    confirm_email(page, "nora@example.com", base_url=journey.base_url)

    expect(page).to_have_url(journey.url("/me/"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Hello, Nora")
    expect(page.get_by_test_id("balance")).to_have_text("0")
    assert_accessible(page, "dashboard")
    journey.shot(page, "dashboard")

    page.get_by_role("link", name="Show card").click()
    expect(page).to_have_url(journey.url("/me/card/"))
    member = Member.objects.get(user__email="nora@example.com")
    shown_number = page.get_by_test_id("card-number")
    expect(shown_number).to_have_text(card_number_format(member.card_number))
    expect(page.get_by_text("Nora Nilsen")).to_be_visible()
    assert_accessible(page, "card")
    card = journey.shot(page, "card")

    # The QR code as the phone screen shows it, read back as a till scanner would.
    assert qr_texts(card) == [member.card_number]
    assert digits(shown_number.inner_text()) == member.card_number
    journey.assert_stayed_on_site_without_errors()
