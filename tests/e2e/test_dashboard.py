"""The member's dashboard on a 390 x 844 phone: the four answers (points and their worth, the
next reward with its bar, the vouchers ready, the points about to expire) on the first screen,
the card one tap away, the menu on two lines with the current page marked; and at desk width.

The phone screenshot is the reference picture at docs/dashboard-phone.png: rewrite it with
E2E_UPDATE_REFERENCE=1 after a change of the page, and look at it before committing."""

import io
import os
from pathlib import Path

from PIL import Image
from playwright.sync_api import expect

from loyalty.models import ExpiryPolicy
from loyalty.services import points_credit, program_settings_get
from rewards.models import RedemptionChannel
from rewards.services import reward_redeem
from tests.e2e.steps import assert_accessible, log_in, wait_for_scripts
from tests.factories import create_customer
from tests.rewards.catalogue import make_reward

PHONE_SCREEN = {"width": 390, "height": 844}
REFERENCE = Path(__file__).resolve().parents[2] / "docs" / "dashboard-phone.png"
THE_FOUR_ANSWERS = [
    "balance",
    "cash-value",
    "next-reward-text",
    "next-reward-bar",
    "vouchers-ready",
    "expiring-first",
]


def _member_with_everything():
    """Maya: 85 points after two vouchers of 20, 10 of them expiring within 30 days."""
    program = program_settings_get()
    program.expiry_policy = ExpiryPolicy.DAYS
    program.expiry_days = 30
    program.save()
    maya = create_customer(email="maya@example.com", first_name="Maya", last_name="Moreno")
    points_credit(account=maya.points_account, points=50, note="Welcome bonus")
    program.expiry_days = 60
    program.save()
    points_credit(account=maya.points_account, points=75, note="Birthday treat")
    for slug, name, days in [("pastry", "Free pastry", 10), ("coffee", "Filter coffee", 20)]:
        reward = make_reward(slug, name=name, points_cost=20, voucher_valid_days=days)
        reward_redeem(member=maya, reward=reward, channel=RedemptionChannel.ONLINE)
    make_reward("tote-bag", name="Reusable tote bag", points_cost=120)
    make_reward("tasting", name="Coffee tasting evening", points_cost=1500)
    return maya


def test_the_dashboard_answers_four_questions_on_a_phones_first_screen(journey):
    _member_with_everything()

    page = journey.new_page(phone=True)
    page.set_viewport_size(PHONE_SCREEN)
    log_in(page, "maya@example.com")
    expect(page).to_have_url(journey.url("/me/"))

    expect(page.get_by_test_id("balance")).to_have_text("85")
    expect(page.get_by_test_id("cash-value")).to_have_text("Worth $0.85")
    expect(page.get_by_test_id("next-reward-text")).to_have_text(
        "Reusable tote bag: 35 points to go"
    )
    bar = page.get_by_role("progressbar", name="Reusable tote bag: 35 points to go")
    expect(bar).to_have_attribute("value", "85")
    expect(bar).to_have_attribute("max", "120")
    expect(page.get_by_test_id("redeemable-now")).to_have_text("2 rewards you can have now")
    expect(page.get_by_test_id("vouchers-ready")).to_contain_text("2 vouchers ready to use")
    expect(page.get_by_test_id("soonest-voucher")).to_contain_text("Free pastry, expires")
    expect(page.get_by_test_id("expiring-first")).to_contain_text("Use 10 points by")
    expect(page.get_by_test_id("expiring-first")).to_contain_text("or lose them")
    for testid in THE_FOUR_ANSWERS:
        box = page.get_by_test_id(testid).bounding_box()
        assert box is not None, testid
        assert box["width"] > 0, testid
        assert box["y"] >= 0, (testid, box)
        assert box["y"] + box["height"] <= PHONE_SCREEN["height"], (testid, box)

    # The card one tap away, at the top; the menu on two lines, the current page marked.
    show_card = page.get_by_role("link", name="Show card")
    assert show_card.bounding_box()["y"] < 200
    assert show_card.bounding_box()["height"] >= 44
    nav = page.get_by_role("navigation", name="Main")
    expect(nav.locator('[aria-current="page"]')).to_have_text("My points")
    assert _menu_lines(page) == 2
    assert_accessible(page, "dashboard on a phone")
    screen = journey.shot(page, "phone", full_page=False)
    journey.shot(page, "phone-whole")
    _compare_with_reference(screen)

    show_card.click()
    expect(page).to_have_url(journey.url("/me/card/"))
    expect(nav.locator('[aria-current="page"]')).to_have_text("Card")

    desk = journey.new_page()
    log_in(desk, "maya@example.com")
    expect(desk).to_have_url(journey.url("/me/"))
    # Measured once the page has loaded: right after the log-in (whose answer clears the site's
    # cache) the stylesheet may still be arriving, and boxes measured then are not the page's.
    wait_for_scripts(desk)
    for testid in THE_FOUR_ANSWERS:
        assert desk.get_by_test_id(testid).bounding_box()["y"] < 500, testid
    assert _menu_lines(desk) == 1
    assert_accessible(desk, "dashboard at desk width")
    journey.shot(desk, "desk", full_page=False)

    journey.assert_stayed_on_site_without_errors()


def _menu_lines(page) -> int:
    """How many lines the header's menu takes, the brand beside it rather than above it."""
    items = [item.bounding_box() for item in page.locator(".nav > li").all()]
    tops: list[float] = []
    for top in sorted(item["y"] for item in items):
        if not tops or top - tops[-1] > 8:
            tops.append(top)
    brand = page.locator(".brand").bounding_box()
    middle = brand["y"] + brand["height"] / 2
    bottom = max(item["y"] + item["height"] for item in items)
    assert tops[0] <= middle <= bottom, "the brand stands on a line of its own"
    return len(tops)


def _compare_with_reference(screen: bytes) -> None:
    """The committed picture is this screen: same size; rewritten on request."""
    if os.environ.get("E2E_UPDATE_REFERENCE") == "1":
        REFERENCE.write_bytes(screen)
    assert REFERENCE.exists(), f"{REFERENCE} is missing: run with E2E_UPDATE_REFERENCE=1"
    with Image.open(io.BytesIO(screen)) as taken, Image.open(REFERENCE) as reference:
        assert reference.size == taken.size
