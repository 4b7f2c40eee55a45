"""Journey: the end of a shift. A staff member opens the shift summary from the desk on a
390 px wide phone and sees what they recorded; a manager, at a desk PC, picks all stores."""

from django.utils import timezone
from playwright.sync_api import expect

from engagement.services.checkout import checkout_purchase, checkout_void
from loyalty.services.api_keys import api_key_create
from tests.e2e.steps import assert_accessible, log_in, set_up_two_factor
from tests.factories import create_customer, create_manager, create_staff, create_store
from tests.loyalty.points import base_rule, line

NARROW = {"width": 390, "height": 844}


def _fits(page, width: int) -> None:
    """Nothing sticks out sideways at this width (no horizontal scrolling), and no table
    sticks out of its panel."""
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    panels = page.evaluate(
        """() => [...document.querySelectorAll('.shift-store')]
            .map((panel) => [panel.scrollWidth, panel.clientWidth])"""
    )
    assert [inner for inner, outer in panels if inner > outer] == [], panels


def _touch_targets(page) -> list[str]:
    """Visible buttons and button-links of the page's content shorter than 44 px."""
    return page.evaluate(
        """() => [...document.querySelectorAll('main .button, main button')]
            .filter((element) => element.offsetParent !== null)
            .filter((element) => element.getBoundingClientRect().height < 44)
            .map((element) => element.textContent.trim())"""
    )


def test_staff_and_a_manager_read_the_shift_summary(journey):
    downtown = create_store(code="downtown", name="Downtown")
    uptown = create_store(code="uptown", name="Uptown")
    sam = create_staff(email="sam@example.com", store=downtown)
    uma = create_staff(email="uma@example.com", store=uptown)
    create_manager(email="morgan@example.com", store=downtown)
    alice = create_customer(email="alice@example.com", first_name="Alice", last_name="Andersen")
    base_rule("1")
    till, _raw_key = api_key_create(store=downtown, name="Till 1")
    for receipt, amount in (("R-1", "12.50"), ("R-2", "30.00")):
        checkout_purchase(
            member=alice, store=downtown, external_id=receipt, lines=[line(amount)], actor=sam
        )
    mistake = checkout_purchase(
        member=alice, store=downtown, external_id="R-3", lines=[line("8.00")], actor=sam
    ).purchase
    checkout_void(purchase=mistake, actor=sam, store=downtown)
    checkout_purchase(
        member=alice, store=downtown, external_id="W-1", lines=[line("20.00")], api_key=till
    )
    checkout_purchase(
        member=alice, store=uptown, external_id="U-1", lines=[line("5.00")], actor=uma
    )

    # Sam, on a phone at the end of the shift: the desk's link, then their own day only.
    staff = journey.new_page(phone=True)
    staff.set_viewport_size(NARROW)
    staff.goto("/staff/")
    log_in(staff, "sam@example.com")
    staff.get_by_role("link", name="Shift summary").click()
    expect(staff.get_by_role("heading", level=1)).to_have_text("Shift summary")
    row = staff.get_by_test_id("shift-row-staff")
    expect(row.get_by_test_id("purchases")).to_contain_text("3")
    expect(row.get_by_test_id("sales")).to_contain_text("$50.50")
    expect(row.get_by_test_id("points-issued")).to_contain_text("50")
    expect(row.get_by_test_id("voids")).to_contain_text("1")
    expect(row.get_by_test_id("points-taken-back")).to_contain_text("8")
    expect(staff.get_by_text("API / web shop")).to_have_count(0)
    expect(staff.get_by_text("Uptown")).to_have_count(0)
    # The print button is the static script's (the strict CSP allows no inline script).
    expect(staff.get_by_role("button", name="Print")).to_be_visible()
    _fits(staff, NARROW["width"])
    assert _touch_targets(staff) == []
    assert_accessible(staff, "shift summary, staff")
    journey.shot(staff, "staff-phone")
    # On paper: the figures, without the site's navigation and buttons.
    staff.emulate_media(media="print")
    expect(staff.locator(".site-header")).to_be_hidden()
    expect(staff.locator("[data-print-button]")).to_be_hidden()
    journey.shot(staff, "staff-print")
    staff.emulate_media(media="screen")

    # Morgan, the manager, at a desk PC: every store, per staff member and the API.
    manager = journey.new_page()
    manager.goto("/staff/shift/")
    log_in(manager, "morgan@example.com")
    set_up_two_factor(manager)
    manager.get_by_role("link", name="Continue").click()
    manager.goto("/staff/shift/")
    expect(manager.get_by_test_id("shift-scope")).to_contain_text("Downtown")
    manager.get_by_label("Store").select_option(label="All stores")
    manager.get_by_role("button", name="Show").click()
    expect(manager.get_by_test_id("shift-store-uptown")).to_be_visible()
    downtown_table = manager.get_by_test_id("shift-store-downtown")
    api_row = downtown_table.get_by_test_id("shift-row-api")
    expect(api_row).to_contain_text("API / web shop")
    expect(api_row.get_by_test_id("sales")).to_contain_text("$20.00")
    expect(manager.get_by_test_id("shift-all-stores").get_by_test_id("sales")).to_contain_text(
        "$75.50"
    )
    _fits(manager, 1280)
    assert_accessible(manager, "shift summary, manager")
    journey.shot(manager, "manager-all-stores")
    # The date box stops at today; a future day typed into the address is a message.
    assert manager.get_by_label("Day").get_attribute("max") == timezone.localdate().isoformat()
    manager.goto("/staff/shift/?day=2099-01-01&store=all")
    expect(manager.get_by_text("That day has not come yet")).to_be_visible()
    manager.set_viewport_size(NARROW)
    manager.get_by_label("Day").fill("")
    manager.get_by_role("button", name="Show").click()
    expect(manager.get_by_test_id("shift-store-uptown")).to_be_visible()
    manager.wait_for_load_state("load")
    _fits(manager, NARROW["width"])
    journey.shot(manager, "manager-phone")
    journey.assert_stayed_on_site_without_errors()


def test_without_javascript_the_page_says_how_to_print_and_shows_no_dead_button(
    browser, live_server
):
    create_staff(email="sam@example.com", store=create_store(code="downtown", name="Downtown"))
    context = browser.new_context(
        base_url=live_server.url, java_script_enabled=False, viewport=NARROW
    )
    try:
        page = context.new_page()
        page.goto("/staff/shift/")
        log_in(page, "sam@example.com")
        expect(page.get_by_role("heading", level=1)).to_have_text("Shift summary")
        expect(page.get_by_text("Nothing was recorded on this day.")).to_be_visible()
        expect(page.get_by_text("use your browser's Print command")).to_be_visible()
        expect(page.locator("[data-print-button]")).to_be_hidden()
        # The desk's camera button needs its script too: without it, no dead button either.
        page.goto("/staff/")
        expect(page.locator("[data-scan-button]")).to_be_hidden()
    finally:
        context.close()
