"""Journeys in each of the site's languages (settings.LANGUAGES): a member joins on a phone whose
browser asks for the language, a cashier records a purchase at the desk, and the footer's
switcher changes the language of the pages and of a member's profile.

Every text expected on a page is read from the catalogue the site renders with
(`translation.override` and gettext), never written here in Chinese or Turkish: the journeys
check that each page comes back in the reader's language, the catalogues say what it reads."""

import pytest
from django.conf import settings
from django.utils import translation
from playwright.sync_api import Page, expect

from loyalty.models import Purchase
from loyalty.services import program_settings_get
from members.models import Member
from tests.e2e.steps import assert_accessible, confirmation_link, wait_for_scripts
from tests.factories import PASSWORD, create_customer, create_staff, create_store
from tests.loyalty.points import base_rule

# What a browser set to each language sends in Accept-Language (LocaleMiddleware reads zh-CN as
# Simplified Chinese, zh-hans).
BROWSER_LOCALES = {"en": "en-US", "zh-hans": "zh-CN", "tr": "tr-TR"}
LANGUAGES = [code for code, _name in settings.LANGUAGES]
assert sorted(LANGUAGES) == sorted(BROWSER_LOCALES)


def in_language(language: str, message: str, **values) -> str:
    """`message` as the site writes it in `language`, its placeholders filled in."""
    with translation.override(language):
        text = translation.gettext(message)
    return text % values if values else text


def in_language_counted(language: str, singular: str, plural: str, count: int, **values) -> str:
    with translation.override(language):
        text = translation.ngettext(singular, plural, count)
    return text % {"points": count, **values}


def label_text(language: str, message: str) -> str:
    """A form field's label as `label_tag` writes it, with the language's colon."""
    return in_language(language, message) + in_language(language, ":")


def expect_language(page: Page, language: str) -> None:
    expect(page.locator("html")).to_have_attribute("lang", language)


def log_in_as(page: Page, language: str, email: str) -> None:
    """On the sign-in page, in `language` (steps.log_in reads the English page)."""
    if "/accounts/login/" not in page.url:
        page.goto("/accounts/login/")
    log_in_words = in_language(language, "Log in")
    expect(page.get_by_role("heading", name=log_in_words, exact=True)).to_be_visible()
    page.get_by_label(label_text(language, "Email"), exact=True).fill(email)
    page.get_by_label(label_text(language, "Password"), exact=True).fill(PASSWORD)
    page.get_by_role("button", name=log_in_words, exact=True).click()


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_new_member_joins_and_reads_the_dashboard_in_their_browsers_language(journey, language):
    program_name = program_settings_get().program_name
    page = journey.new_page(phone=True, locale=BROWSER_LOCALES[language])

    page.goto("/")
    expect_language(page, language)
    expect(page.get_by_role("heading", level=1)).to_have_text(
        in_language(
            language,
            "Earn points every time you shop at %(program_name)s",
            program_name=program_name,
        )
    )
    assert_accessible(page, f"landing in {language}")
    journey.shot(page, "landing")
    page.get_by_role("link", name=in_language(language, "Join for free"), exact=True).click()

    expect_language(page, language)
    expect(page.get_by_role("heading", level=1)).to_have_text(
        in_language(language, "Join %(program_name)s", program_name=program_name)
    )
    page.get_by_label(label_text(language, "First name"), exact=True).fill("Nora")
    page.get_by_label(label_text(language, "Last name"), exact=True).fill("Nilsen")
    page.get_by_label(label_text(language, "Email"), exact=True).fill("nora@example.com")
    page.get_by_label(label_text(language, "Password"), exact=True).fill("a-long-enough-secret")
    page.get_by_label(label_text(language, "Password (again)"), exact=True).fill(
        "a-long-enough-secret"
    )
    assert_accessible(page, f"sign-up form in {language}")
    journey.shot(page, "signup-form")
    page.get_by_role("button", name=in_language(language, "Join"), exact=True).click()

    expect(page.get_by_role("heading", level=1)).to_have_text(
        in_language(language, "Check your email")
    )
    expect_language(page, language)
    assert_accessible(page, f"check your email in {language}")
    journey.shot(page, "check-your-email")

    page.goto(confirmation_link("nora@example.com", base_url=journey.base_url))
    expect(page.get_by_role("heading", level=1)).to_have_text(
        in_language(language, "Confirm your email address")
    )
    assert_accessible(page, f"confirm email in {language}")
    journey.shot(page, "confirm-email")
    page.get_by_role("button", name=in_language(language, "Confirm"), exact=True).click()

    expect(page).to_have_url(journey.url("/me/"))
    expect_language(page, language)
    expect(page.get_by_role("heading", level=1)).to_have_text(
        in_language(language, "Hello, %(name)s", name="Nora")
    )
    expect(page.get_by_test_id("show-card")).to_have_text(in_language(language, "Show card"))
    expect(page.get_by_test_id("balance")).to_have_text("0")
    assert_accessible(page, f"dashboard in {language}")
    journey.shot(page, "dashboard")
    # The language they joined in is the one their emails are written in.
    assert Member.objects.get(user__email="nora@example.com").language == language
    journey.assert_stayed_on_site_without_errors()


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_cashier_records_a_purchase_in_their_browsers_language(journey, language):
    base_rule("1")
    create_staff(email="sam@example.com", store=create_store(code="downtown", name="Downtown"))
    alice = create_customer(email="alice@example.com", first_name="Alice", last_name="Andersen")

    staff = journey.new_page(locale=BROWSER_LOCALES[language])
    staff.goto("/staff/")
    log_in_as(staff, language, "sam@example.com")
    expect(staff).to_have_url(journey.url("/staff/"))
    expect_language(staff, language)
    staff.get_by_label(in_language(language, "Card, voucher, phone, email or name")).fill(
        alice.card_number
    )
    staff.get_by_role("button", name=in_language(language, "Find"), exact=True).click()
    expect(staff.get_by_role("heading", level=1)).to_have_text("Alice Andersen")

    staff.get_by_role("link", name=in_language(language, "Record purchase"), exact=True).click()
    expect(staff.get_by_role("heading", level=1)).to_have_text(
        in_language(language, "Record a purchase")
    )
    expect_language(staff, language)
    wait_for_scripts(staff)
    staff.get_by_label(in_language(language, "Receipt number")).fill("R-3001")
    line = staff.get_by_role(
        "group", name=in_language(language, "Line %(number)s", number=1), exact=True
    )
    line.get_by_label(in_language(language, "Description")).fill("Flat white")
    line.get_by_label(in_language(language, "Line total")).fill("12.50")
    # One point a whole dollar: 12 points.
    expect(staff.get_by_test_id("preview")).to_contain_text(
        in_language_counted(
            language,
            "This purchase earns %(points)s point.",
            "This purchase earns %(points)s points.",
            12,
        )
    )
    assert_accessible(staff, f"purchase form in {language}")
    journey.shot(staff, "purchase-form")
    staff.get_by_role("button", name=in_language(language, "Record purchase"), exact=True).click()

    expect(
        staff.get_by_text(
            in_language_counted(
                language,
                "Purchase recorded: %(points)s point credited.",
                "Purchase recorded: %(points)s points credited.",
                12,
            )
        )
    ).to_be_visible()
    expect(staff.get_by_test_id("balance")).to_have_text("12")
    expect_language(staff, language)
    assert_accessible(staff, f"purchase recorded in {language}")
    journey.shot(staff, "purchase-recorded")
    purchase = Purchase.objects.get()
    assert (purchase.external_id, purchase.points) == ("R-3001", 12)
    alice.points_account.refresh_from_db()
    assert alice.points_account.balance == 12
    journey.assert_stayed_on_site_without_errors()


def choose_language(page: Page, *, reading: str, language: str) -> None:
    """The footer's switcher, on a page in `reading`: pick `language` by its own name."""
    switcher = page.locator("form.language-switcher")
    choice = switcher.get_by_label(in_language(reading, "Language"), exact=True)
    # Each language named in itself, whatever the page's language, so a reader finds theirs.
    expect(choice.get_by_role("option")).to_have_text([name for _code, name in settings.LANGUAGES])
    choice.select_option(label=dict(settings.LANGUAGES)[language])
    switcher.get_by_role("button", name=in_language(reading, "Change language")).click()


def test_a_visitor_switches_from_english_to_turkish_and_the_next_page_stays_turkish(journey):
    page = journey.new_page(phone=True)
    page.goto("/")
    expect_language(page, "en")
    journey.shot(page, "english")

    choose_language(page, reading="en", language="tr")
    expect(page).to_have_url(journey.url("/"))
    expect_language(page, "tr")
    expect(page.get_by_role("button", name=in_language("tr", "Change language"))).to_be_visible()
    expect(page.get_by_label(in_language("tr", "Language"), exact=True)).to_have_value("tr")
    assert_accessible(page, "landing after switching to Turkish")
    journey.shot(page, "turkish")

    page.get_by_role("link", name=in_language("tr", "Join for free"), exact=True).click()
    expect(page).to_have_url(journey.url("/accounts/signup/"))
    expect_language(page, "tr")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        in_language("tr", "Join %(program_name)s", program_name=program_settings_get().program_name)
    )
    journey.shot(page, "turkish-next-page")
    journey.assert_stayed_on_site_without_errors()


@pytest.mark.parametrize(
    ("reading", "language"), [("tr", "en"), ("en", "zh-hans"), ("zh-hans", "tr")]
)
def test_a_member_who_switches_language_has_it_saved_on_their_profile(journey, reading, language):
    maya = create_customer(email="maya@example.com", first_name="Maya", last_name="Moreno")
    page = journey.new_page(locale=BROWSER_LOCALES[reading])
    log_in_as(page, reading, "maya@example.com")
    expect(page).to_have_url(journey.url("/me/"))
    expect_language(page, reading)

    choose_language(page, reading=reading, language=language)
    expect(page).to_have_url(journey.url("/me/"))
    expect_language(page, language)
    expect(page.get_by_role("heading", level=1)).to_have_text(
        in_language(language, "Hello, %(name)s", name="Maya")
    )
    assert_accessible(page, f"dashboard after switching to {language}")
    journey.shot(page, "switched")
    maya.refresh_from_db()
    assert maya.language == language
    journey.assert_stayed_on_site_without_errors()
