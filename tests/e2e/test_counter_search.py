"""Journey: the desk's one search box at the counter takes whatever the customer hands over:
a voucher on their phone, a phone number said aloud three ways, or only a name."""

from playwright.sync_api import expect

from rewards.codes import voucher_code_format
from rewards.models import RedemptionChannel
from rewards.services import reward_redeem
from tests.e2e.steps import assert_accessible, log_in, scan
from tests.factories import create_customer, create_staff, create_store
from tests.rewards.catalogue import give_points, make_reward

NARROW = {"width": 390, "height": 844}
SEARCH = "Card, voucher, phone, email or name"


def _fits(page, width: int) -> None:
    """Nothing sticks out sideways at this width (no horizontal scrolling)."""
    assert page.evaluate("document.documentElement.scrollWidth") <= width


def _back_to_desk(page) -> None:
    page.goto("/staff/")
    expect(page.get_by_label(SEARCH)).to_be_focused()


def _search_at_both_sizes(journey, page, step: str) -> None:
    """Screenshots of this step at desk size and at 390 x 844, each checked by axe."""
    assert_accessible(page, step)
    journey.shot(page, f"{step}-desktop")
    page.set_viewport_size(NARROW)
    _fits(page, NARROW["width"])
    assert_accessible(page, f"{step}-phone")
    journey.shot(page, f"{step}-phone")
    page.set_viewport_size({"width": 1280, "height": 900})


def test_staff_find_by_voucher_phone_and_name_in_the_one_box(journey):
    alice = create_customer(
        email="alice@example.com",
        first_name="Alice",
        last_name="Andersen",
        phone="+15550100002",
        phone_verified=True,
    )
    anders = create_customer(email="anders@example.org", first_name="Anders", last_name="Andersen")
    give_points(alice, 80)
    voucher = reward_redeem(
        member=alice,
        reward=make_reward("free-filter-coffee", name="Free filter coffee", points_cost=50),
        channel=RedemptionChannel.ONLINE,
    )
    code = voucher_code_format(voucher.code)
    create_staff(email="sam@example.com", store=create_store(code="downtown", name="Downtown"))

    staff = journey.new_page()
    staff.goto("/staff/")
    log_in(staff, "sam@example.com")
    expect(staff).to_have_url(journey.url("/staff/"))

    # The voucher on Alice's phone, scanned into the member box: the voucher page, filled in.
    scan(staff, staff.get_by_label(SEARCH), code)
    expect(staff).to_have_url(journey.url(f"/staff/vouchers/?code={code}"))
    expect(staff.get_by_label("Voucher code")).to_have_value(code)
    voucher_panel = staff.get_by_test_id("voucher")
    expect(voucher_panel.get_by_role("heading")).to_have_text("Free filter coffee")
    expect(voucher_panel.get_by_test_id("voucher-status")).to_have_text("Ready to use")
    _search_at_both_sizes(journey, staff, "voucher-from-search")

    # Her phone number, typed three ways: each opens her page.
    for typed in ["(555) 010-0002", "5550100002", "+1 555 010 0002"]:
        _back_to_desk(staff)
        scan(staff, staff.get_by_label(SEARCH), typed)
        expect(staff.get_by_role("heading", level=1)).to_have_text("Alice Andersen")
        expect(staff.get_by_test_id("balance")).to_have_text("30")
    journey.shot(staff, "phone-found")

    # Only the family name: two members, told apart by masked details, then one picked.
    _back_to_desk(staff)
    scan(staff, staff.get_by_label(SEARCH), "andersen")
    matches = staff.get_by_test_id("desk-matches")
    expect(matches.get_by_role("heading")).to_have_text("2 members match")
    rows = matches.get_by_test_id("desk-match")
    expect(rows).to_have_count(2)
    expect(rows.nth(0)).to_contain_text("Alice Andersen")
    expect(rows.nth(0)).to_contain_text("a***@example.com")
    expect(rows.nth(0)).to_contain_text("Phone ••• 02")
    expect(rows.nth(0)).to_contain_text(f"Card •••• {alice.card_number[-4:]}")
    expect(rows.nth(1)).to_contain_text("Anders Andersen")
    expect(rows.nth(1)).to_contain_text("a***@example.org")
    expect(rows.nth(1)).not_to_contain_text("Phone")
    html = staff.content()
    assert "alice@example.com" not in html
    assert "anders@example.org" not in html
    assert "5550100002" not in html
    staff.wait_for_load_state("load")  # the style sheet applied before anything is measured
    for index in range(2):
        box = rows.nth(index).bounding_box()
        assert box is not None
        assert box["height"] >= 44
    _search_at_both_sizes(journey, staff, "name-two-matches")
    staff.set_viewport_size(NARROW)
    rows.nth(1).click()
    expect(staff.get_by_role("heading", level=1)).to_have_text("Anders Andersen")
    assert staff.url == journey.url(f"/staff/members/{anders.card_number}/")

    # Two letters are not a search.
    _back_to_desk(staff)
    scan(staff, staff.get_by_label(SEARCH), "an")
    expect(staff.get_by_text("Type at least 3 letters of the member's name.")).to_be_visible()
    expect(staff.get_by_test_id("desk-matches")).to_have_count(0)
    _search_at_both_sizes(journey, staff, "two-letters-refused")

    journey.assert_stayed_on_site_without_errors()
