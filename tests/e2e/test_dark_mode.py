"""Dark mode: a device that asks for it (prefers-color-scheme: dark) gets the site in dark
colours on every role's main pages, at a phone's size and a desk PC's. On each page axe finds
no serious or critical violation (colour contrast is one of its rules), the page is dark, no
light box is left over, and the member card stays black on white so that a till scans it."""

from decimal import Decimal

from playwright.sync_api import expect

from engagement.services.checkout import checkout_purchase
from loyalty.models import Tier
from rewards.models import RedemptionChannel
from rewards.services import reward_redeem
from tests.e2e.steps import assert_accessible, log_in, qr_texts, set_up_two_factor
from tests.factories import LONG_AGO, create_customer, create_manager, create_staff, create_store
from tests.loyalty.points import base_rule, line
from tests.rewards.catalogue import give_points, make_reward

SIZES = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1280, "height": 900}}
WHITE = "rgb(255, 255, 255)"

# The relative luminance (WCAG) of an element's own background colour, or null where it has
# none (transparent). Chromium reports computed colours as rgb()/rgba() with 0-255 channels.
_LUMINANCE = """
const luminance = (colour) => {
  const [r, g, b, a = 1] = colour.match(/[\\d.]+/g).map(Number);
  if (a === 0) return null;
  const linear = (c) => (c /= 255) <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  return 0.2126 * linear(r) + 0.7152 * linear(g) + 0.0722 * linear(b);
};
"""

PAGE_LUMINANCE = (
    "() => {"
    + _LUMINANCE
    + "return luminance(getComputedStyle(document.documentElement).backgroundColor); }"
)

# Every element shown on the page, outside the member card, whose own background is light.
LIGHT_BOXES = (
    "() => {"
    + _LUMINANCE
    + """
  return [...document.querySelectorAll('body *')]
    .filter((element) => element.offsetParent !== null && !element.closest('.member-card'))
    .filter((element) => {
      const value = luminance(getComputedStyle(element).backgroundColor);
      return value !== null && value > 0.7;
    })
    .map((element) => `${element.tagName.toLowerCase()}.${element.className}`);
}"""
)


def _check(journey, page, pages: dict[str, str], size: str) -> list[str]:
    """Each page at this size: axe, the page's background, light boxes; a screenshot each."""
    problems = []
    page.set_viewport_size(SIZES[size])
    for name, path in pages.items():
        page.goto(path)
        page.wait_for_load_state("load")
        assert_accessible(page, f"{name} in dark mode at {size} size")
        page_luminance = page.evaluate(PAGE_LUMINANCE)
        if page_luminance >= 0.05:
            problems.append(f"{path} at {size}: the page is light ({page_luminance:.3f})")
        problems += [f"{path} at {size}: light box {box}" for box in page.evaluate(LIGHT_BOXES)]
        journey.shot(page, f"{name}-{size}")
    return problems


def test_every_role_sees_the_site_dark_on_a_dark_device_with_the_card_still_scannable(journey):
    downtown = create_store(code="downtown", name="Downtown")
    create_staff(email="sam@example.com", store=downtown)
    create_manager(email="morgan@example.com", store=downtown)
    # A near-black tier colour: its swatch still shows on the dark page, ringed.
    Tier.objects.create(name="Bronze", rank=1, threshold=Decimal("0"), colour="#8c5a2b")
    Tier.objects.create(
        name="Onyx", rank=2, threshold=Decimal("500"), colour="#111111", benefits="Free coffee"
    )
    alice = create_customer(
        email="alice@example.com", first_name="Alice", last_name="Andersen", joined_at=LONG_AGO
    )
    base_rule("1")
    give_points(alice, 230)
    pastry = make_reward("free-pastry", points_cost=80)
    make_reward("tote-bag", points_cost=400)
    voucher = reward_redeem(
        member=alice, reward=pastry, channel=RedemptionChannel.ONLINE, idempotency_key="dark-1"
    )
    checkout_purchase(member=alice, store=downtown, external_id="R-1", lines=[line("12.50")])
    card = alice.card_number

    problems = []
    member = journey.new_page(dark=True)
    for size in SIZES:
        problems += _check(journey, member, {"home": "/", "sign-in": "/accounts/login/"}, size)
    log_in(member, "alice@example.com")
    expect(member).to_have_url(journey.url("/me/"))
    member_pages = {
        "dashboard": "/me/",
        "card": "/me/card/",
        "rewards": "/rewards/",
        "history": "/me/history/",
        "vouchers": "/me/rewards/",
        "voucher": f"/me/rewards/{voucher.pk}/",
    }
    for size in SIZES:
        problems += _check(journey, member, member_pages, size)
        # The card and the voucher keep their white ground and black ink in dark mode, and
        # their QR codes still scan.
        scanned_pages = (
            ("card", "/me/card/", card),
            ("voucher", f"/me/rewards/{voucher.pk}/", voucher.code),
        )
        for name, path, scanned in scanned_pages:
            member.goto(path)
            member_card = member.locator(".member-card")
            expect(member_card).to_have_css("background-color", WHITE)
            expect(member_card).to_have_css("color", "rgb(0, 0, 0)")
            expect(member_card.locator(".muted").first).to_have_css("color", "rgb(77, 91, 87)")
            expect(member.locator(".member-card__qr svg")).to_be_visible()
            assert qr_texts(journey.shot(member, f"{name}-scanned-{size}")) == [scanned]

    staff = journey.new_page(dark=True)
    staff.goto("/staff/")
    log_in(staff, "sam@example.com")
    expect(staff.get_by_role("heading", level=1)).to_be_visible()
    staff_pages = {
        "desk": "/staff/",
        "member": f"/staff/members/{card}/",
        "purchase": f"/staff/members/{card}/purchases/new/",
        "shift": "/staff/shift/",
    }
    for size in SIZES:
        problems += _check(journey, staff, staff_pages, size)

    manager = journey.new_page(dark=True)
    manager.goto("/manage/reports/")
    log_in(manager, "morgan@example.com")
    set_up_two_factor(manager)
    manager.get_by_role("link", name="Continue").click()
    # The reports' wide tables scroll sideways on a phone, inside a labelled region a keyboard
    # can reach (tabindex=0), so axe checks them at both sizes.
    manager_pages = {"activity": "/manage/activity/", "reports": "/manage/reports/"}
    for size in SIZES:
        problems += _check(journey, manager, manager_pages, size)

    assert problems == [], "\n".join(problems)
    journey.assert_stayed_on_site_without_errors()


def test_a_light_device_keeps_the_light_colours(journey):
    page = journey.new_page(phone=True)
    page.goto("/accounts/login/")
    expect(page.locator("html")).to_have_css("background-color", "rgb(246, 247, 244)")
    expect(page.locator(".site-header")).to_have_css("background-color", "rgb(11, 93, 75)")
    expect(page.get_by_role("button", name="Log in", exact=True)).to_have_css("color", WHITE)
    assert_accessible(page, "sign-in in light mode")
    journey.shot(page, "sign-in-light")
    journey.assert_stayed_on_site_without_errors()
