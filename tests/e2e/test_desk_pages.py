"""Every page of the staff desk at a phone's width and at a desk PC's: axe finds no serious or
critical violation, nothing scrolls sideways, no table cell cuts its text (a voucher code read
out at the till), and every button is at least 44 px tall. The confirmation pages a POST opens
are reached by their buttons."""

from playwright.sync_api import expect

from engagement.services.checkout import checkout_purchase
from rewards.codes import voucher_code_format
from rewards.models import RedemptionChannel
from rewards.services import reward_redeem
from tests.e2e.steps import assert_accessible, log_in, set_up_two_factor
from tests.factories import LONG_AGO, create_customer, create_manager, create_staff, create_store
from tests.loyalty.points import base_rule, line
from tests.rewards.catalogue import give_points, make_reward

SIZES = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1280, "height": 900}}


def _problems(page, width: int) -> list[str]:
    """What a person at this width would trip over: a page wider than the screen, or a button
    too small to tap."""
    found = []
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    if scroll_width > width:
        found.append(f"{page.url} is {scroll_width} px wide at {width} px")
    small = page.evaluate(
        """() => [...document.querySelectorAll('main .button, main button')]
            .filter((element) => element.offsetParent !== null)
            .filter((element) => element.getBoundingClientRect().height < 44)
            .map((element) => element.textContent.trim())"""
    )
    found += [f"{page.url}: button '{text}' under 44 px" for text in small]
    cut = page.evaluate(
        """() => [...document.querySelectorAll('main tbody > tr > *, main tfoot > tr > *, main dd')]
            .filter((cell) => cell.offsetParent !== null && cell.clientWidth > 1)
            .filter((cell) => cell.scrollWidth > cell.clientWidth + 1)
            .map((cell) => cell.textContent.trim())"""
    )
    found += [f"{page.url}: '{text}' is cut" for text in cut]
    return found


def _check(journey, page, pages: dict[str, str], size: str) -> list[str]:
    problems = []
    page.set_viewport_size(SIZES[size])
    for name, path in pages.items():
        page.goto(path)
        page.wait_for_load_state("load")
        assert_accessible(page, f"{name} at {size} size")
        problems += _problems(page, SIZES[size]["width"])
        journey.shot(page, f"{name}-{size}")
    return problems


def _check_void_confirmations(journey, page, card: str, code: str, size: str) -> list[str]:
    """The two void confirmations, opened from the member page and the voucher page; each is
    left by its safe button, so the voucher stays ready for the next size."""
    problems = []
    page.set_viewport_size(SIZES[size])
    page.goto(f"/staff/members/{card}/")
    page.get_by_test_id("recent-redemptions").get_by_role("button", name="Void").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Void this voucher?")
    assert_accessible(page, f"redemption void confirmation at {size} size")
    problems += _problems(page, SIZES[size]["width"])
    journey.shot(page, f"redemption-void-confirm-{size}")
    page.get_by_role("link", name="Keep the voucher").click()
    expect(page.get_by_test_id("balance")).to_have_text("432")

    page.goto(f"/staff/vouchers/?code={code}")
    page.get_by_text("Void this voucher").click()
    page.get_by_label("Reason (optional)").fill("Asked to cancel: the member chose another reward")
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Void this voucher?")
    expect(page.get_by_test_id("confirm-code")).to_have_text(voucher_code_format(code))
    assert_accessible(page, f"voucher void confirmation at {size} size")
    problems += _problems(page, SIZES[size]["width"])
    journey.shot(page, f"voucher-void-confirm-{size}")
    page.get_by_role("link", name="Keep the voucher").click()
    expect(page.get_by_test_id("voucher-status")).to_have_text("Ready to use")
    return problems


def test_every_desk_page_is_accessible_and_fits_a_phone_and_a_desk_pc(journey):
    downtown = create_store(code="downtown", name="Downtown")
    create_staff(email="sam@example.com", store=downtown)
    create_manager(email="morgan@example.com", store=downtown)
    alice = create_customer(
        email="alice@example.com", first_name="Alice", last_name="Andersen", joined_at=LONG_AGO
    )
    base_rule("1")
    give_points(alice, 500)
    pastry = make_reward("free-pastry", points_cost=80)
    voucher = reward_redeem(
        member=alice, reward=pastry, channel=RedemptionChannel.ONLINE, idempotency_key="desk-1"
    )
    purchase = checkout_purchase(
        member=alice, store=downtown, external_id="R-1", lines=[line("12.50")]
    ).purchase
    card = alice.card_number
    staff_pages = {
        "desk": "/staff/",
        "member": f"/staff/members/{card}/",
        "purchase": f"/staff/members/{card}/purchases/new/",
        "return": f"/staff/members/{card}/purchases/{purchase.pk}/return/",
        "rewards": f"/staff/members/{card}/rewards/",
        "voucher": f"/staff/vouchers/?code={voucher.code}",
        "shift": "/staff/shift/",
    }

    staff = journey.new_page()
    staff.goto("/staff/")
    log_in(staff, "sam@example.com")
    expect(staff.get_by_role("heading", level=1)).to_be_visible()
    problems = []
    for size in SIZES:
        problems += _check(journey, staff, staff_pages, size)
        problems += _check_void_confirmations(journey, staff, card, voucher.code, size)

    # Adjusting points is the manager's, after their second step.
    manager = journey.new_page()
    manager.goto("/staff/")
    log_in(manager, "morgan@example.com")
    set_up_two_factor(manager)
    manager.get_by_role("link", name="Continue").click()
    for size in SIZES:
        problems += _check(journey, manager, {"adjust": f"/staff/members/{card}/adjust/"}, size)

    assert problems == [], "\n".join(problems)
    journey.assert_stayed_on_site_without_errors()
