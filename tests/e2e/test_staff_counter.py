"""Journey 3: a staff member at the counter, with a scanner that types and presses Enter."""

from decimal import Decimal

from playwright.sync_api import expect

from loyalty.models import PointsAccount, RuleKind, Tier
from tests.e2e.steps import assert_accessible, fill_basket_line, log_in, open_purchase_form, scan
from tests.factories import create_customer, create_staff, create_store
from tests.loyalty.points import base_rule, buy, category, line, rule
from tests.rewards.catalogue import give_points, make_reward

DESKTOP = {"width": 1280, "height": 900}


def test_staff_record_a_purchase_redeem_validate_a_voucher_and_void_a_mistake(journey):
    alice = create_customer(email="alice@example.com", first_name="Alice", last_name="Andersen")
    give_points(alice, 100)
    create_staff(email="sam@example.com", store=create_store(code="downtown", name="Downtown"))
    coffee, _bakery = category("coffee"), category("bakery")
    base_rule("1")
    rule(
        RuleKind.CATEGORY_MULTIPLIER,
        "Double points on coffee",
        multiplier=Decimal("2"),
        categories=[coffee],
    )
    make_reward("free-filter-coffee", name="Free filter coffee", points_cost=50)
    make_reward("free-pastry", name="Free pastry", points_cost=60)

    # Alice redeemed a coffee online before coming in: 100 - 50 = 50 points left.
    member = journey.new_page(phone=True)
    log_in(member, "alice@example.com")
    member.get_by_role("link", name="Rewards").first.click()
    member.get_by_role("link", name="Free filter coffee").click()
    member.get_by_role("button", name="Confirm and redeem").click()
    expect(member.get_by_text("Done! Show this voucher at the till.")).to_be_visible()
    voucher_code = member.get_by_test_id("voucher-code").inner_text()
    assert_accessible(member, "member-voucher")
    journey.shot(member, "member-voucher")

    # The staff member signs in at the counter tablet and scans Alice's card.
    staff = journey.new_page()
    staff.goto("/staff/")
    log_in(staff, "sam@example.com")
    expect(staff).to_have_url(journey.url("/staff/"))
    expect(staff.get_by_text("Working at Downtown")).to_be_visible()
    assert_accessible(staff, "desk")
    journey.shot(staff, "desk")
    search_box = staff.get_by_label("Card, voucher, phone, email or name")
    scan(staff, search_box, alice.card_number)
    expect(staff.get_by_role("heading", level=1)).to_have_text("Alice Andersen")
    expect(staff.get_by_test_id("balance")).to_have_text("50")
    assert_accessible(staff, "member-summary")
    journey.shot(staff, "member-summary")

    # A purchase with two lines: the live preview while typing, then the points credited.
    open_purchase_form(staff)
    fill_basket_line(
        staff, 1, description="Flat white", category="Coffee", quantity=2, amount="9.00"
    )
    fill_basket_line(staff, 2, description="Croissant", category="Bakery", amount="3.50")
    staff.get_by_label("Receipt number").fill("R-1001")
    preview = staff.get_by_test_id("preview")
    # 9 + 3 base points (whole points per dollar), 9 more for double points on coffee.
    expect(preview).to_contain_text("This purchase earns 21 points.")
    expect(preview.get_by_role("listitem")).to_have_text(["Base +12", "Double points on coffee +9"])
    assert_accessible(staff, "purchase-preview")
    journey.shot(staff, "purchase-preview")
    staff.get_by_role("button", name="Record purchase").click()
    expect(staff.get_by_text("Purchase recorded: 21 points credited.")).to_be_visible()
    expect(staff.get_by_test_id("balance")).to_have_text("71")
    purchases = staff.get_by_test_id("recent-purchases")
    expect(purchases.get_by_role("row").filter(has_text="R-1001")).to_contain_text("$12.50")
    assert_accessible(staff, "purchase-recorded")
    journey.shot(staff, "purchase-recorded")

    # A reward redeemed for Alice at the counter.
    staff.get_by_role("link", name="Redeem a reward").click()
    expect(staff.get_by_test_id("redeem-balance")).to_have_text(
        "Alice Andersen has 71 points available. At Downtown."
    )
    assert_accessible(staff, "counter-rewards")
    journey.shot(staff, "counter-rewards")
    expect(staff.get_by_role("heading", name="Can redeem now")).to_be_visible()
    expect(staff.get_by_test_id("redeemable").get_by_role("heading")).to_have_text(
        ["Free filter coffee", "Free pastry"]
    )
    staff.get_by_role("button", name="Redeem Free pastry").click()
    # The confirmation step: nothing is spent until its own button.
    expect(staff.get_by_role("heading", level=1)).to_have_text("Redeem this reward?")
    expect(staff.get_by_test_id("confirm-points")).to_have_text("60")
    expect(staff.get_by_test_id("confirm-balance")).to_have_text("71 now, 11 after")
    assert_accessible(staff, "redeem-confirm")
    journey.shot(staff, "redeem-confirm")
    staff.set_viewport_size({"width": 390, "height": 844})
    assert staff.evaluate("document.documentElement.scrollWidth") <= 390
    assert_accessible(staff, "redeem-confirm-phone")
    journey.shot(staff, "redeem-confirm-phone")
    staff.set_viewport_size(DESKTOP)
    staff.get_by_role("button", name="Redeem Free pastry for 60 points").click()
    expect(
        staff.get_by_text("Redeemed Free pastry for 60 points. Hand over: Free pastry.")
    ).to_be_visible()
    expect(staff.get_by_test_id("balance")).to_have_text("11")

    # The voucher Alice shows on her phone: scanned, checked, used.
    staff.get_by_role("link", name="Validate a voucher").click()
    expect(staff.get_by_label("Voucher code")).to_be_focused()
    assert_accessible(staff, "voucher-check")
    journey.shot(staff, "voucher-check")
    scan(staff, staff.get_by_label("Voucher code"), voucher_code)
    voucher = staff.get_by_test_id("voucher")
    expect(voucher.get_by_role("heading")).to_have_text("Free filter coffee")
    expect(voucher.get_by_test_id("voucher-status")).to_have_text("Ready to use")
    expect(voucher.get_by_test_id("hand-over")).to_have_text("Hand over: Free filter coffee.")
    assert_accessible(staff, "voucher-valid")
    journey.shot(staff, "voucher-valid")
    voucher.get_by_role("button", name="Mark used").click()
    expect(
        staff.get_by_text(
            f"Voucher {voucher_code} used for Alice Andersen. Hand over: Free filter coffee."
        )
    ).to_be_visible()
    scan(staff, staff.get_by_label("Voucher code"), voucher_code)
    expect(voucher.get_by_test_id("voucher-status")).to_have_text("Used")
    expect(voucher.get_by_role("button", name="Mark used")).to_have_count(0)
    assert_accessible(staff, "voucher-used")
    journey.shot(staff, "voucher-used")

    member.get_by_role("link", name="My vouchers").first.click()
    expect(member.get_by_text("No vouchers to use right now.")).to_be_visible()
    expect(member.get_by_test_id("past-vouchers")).to_contain_text("Free filter coffee")
    expect(member.get_by_test_id("past-vouchers")).to_contain_text("Used on")

    # A mistyped amount, voided at once.
    staff.get_by_role("link", name="Back to the staff desk").click()
    scan(staff, staff.get_by_label("Card, voucher, phone, email or name"), alice.card_number)
    open_purchase_form(staff)
    fill_basket_line(staff, 1, description="Flat white", amount="150.00")
    staff.get_by_label("Receipt number").fill("R-1002")
    expect(staff.get_by_test_id("preview")).to_contain_text("This purchase earns 150 points.")
    staff.get_by_role("button", name="Record purchase").click()
    expect(staff.get_by_text("Purchase recorded: 150 points credited.")).to_be_visible()
    expect(staff.get_by_test_id("balance")).to_have_text("161")
    # A void refused without confirmation: the confirmation page, then "Keep the purchase".
    staff.get_by_role("link", name="Void R-1002").click()
    expect(staff.get_by_role("heading", level=1)).to_have_text("Void this purchase?")
    expect(staff.get_by_test_id("confirm-summary")).to_have_text(
        "Voiding R-1002 takes 150 points back from Alice Andersen. It cannot be undone."
    )
    expect(staff.get_by_test_id("confirm-balance")).to_have_text("161 now, 11 after")
    assert_accessible(staff, "void-confirm")
    journey.shot(staff, "void-confirm")
    staff.set_viewport_size({"width": 390, "height": 844})
    assert staff.evaluate("document.documentElement.scrollWidth") <= 390
    assert_accessible(staff, "void-confirm-phone")
    journey.shot(staff, "void-confirm-phone")
    staff.set_viewport_size(DESKTOP)
    staff.get_by_role("link", name="Keep the purchase").click()
    expect(staff.get_by_test_id("balance")).to_have_text("161")
    expect(purchases.get_by_role("row").filter(has_text="R-1002")).not_to_contain_text("Voided")
    journey.shot(staff, "void-kept")
    # Then the void, confirmed.
    staff.get_by_role("link", name="Void R-1002").click()
    staff.get_by_role("button", name="Void purchase R-1002").click()
    expect(staff.get_by_text("Purchase voided: 150 points taken back.")).to_be_visible()
    expect(staff.get_by_test_id("balance")).to_have_text("11")
    mistake = purchases.get_by_role("row").filter(has_text="R-1002")
    expect(mistake).to_contain_text("Voided")
    expect(purchases.get_by_role("row").filter(has_text="R-1001")).not_to_contain_text("Voided")
    assert_accessible(staff, "purchase-voided")
    journey.shot(staff, "purchase-voided")

    # The pastry was the wrong reward: its void asks once more, with the points that come back.
    rewards = staff.get_by_test_id("recent-redemptions")
    rewards.get_by_role("row").filter(has_text="Free pastry").get_by_role("button").click()
    expect(staff.get_by_role("heading", level=1)).to_have_text("Void this voucher?")
    expect(staff.get_by_test_id("confirm-points")).to_have_text("60")
    expect(staff.get_by_test_id("confirm-balance")).to_have_text("11 now, 71 after")
    assert_accessible(staff, "redemption-void-confirm")
    journey.shot(staff, "redemption-void-confirm")
    staff.get_by_role("button", name="Void the voucher and give back 60 points").click()
    expect(
        staff.get_by_text("Free pastry voided: 60 points are back on Alice Andersen's balance.")
    ).to_be_visible()
    expect(staff.get_by_test_id("balance")).to_have_text("71")
    pastry_row = rewards.get_by_role("row").filter(has_text="Free pastry")
    expect(pastry_row.locator(".tag")).to_have_text("Void")
    expect(pastry_row.get_by_role("button")).to_have_count(0)
    journey.shot(staff, "redemption-voided")

    journey.assert_stayed_on_site_without_errors()


def test_staff_confirm_a_return_and_see_which_rewards_a_silver_member_can_have(journey):
    alice = create_customer(email="alice@example.com", first_name="Alice", last_name="Andersen")
    sam = create_staff(
        email="sam@example.com", store=create_store(code="downtown", name="Downtown")
    )
    base_rule("1")
    silver = Tier.objects.create(name="Silver", rank=1, threshold=Decimal("500"))
    gold = Tier.objects.create(name="Gold", rank=2, threshold=Decimal("1000"))
    PointsAccount.objects.filter(member=alice).update(tier=silver)
    buy(
        alice,
        sam.store,
        "R-2001",
        line("20.00", description="Scarf"),
        line("5.00", description="Socks"),
        actor=sam,
    )
    make_reward("free-filter-coffee", name="Free filter coffee", points_cost=20)
    make_reward("tote", name="Tote bag", points_cost=40)
    make_reward("lounge", name="Lounge pass", points_cost=10, minimum_tier=gold)

    staff = journey.new_page()
    staff.goto("/staff/")
    log_in(staff, "sam@example.com")
    scan(staff, staff.get_by_label("Card, voucher, phone, email or name"), alice.card_number)
    expect(staff.get_by_test_id("balance")).to_have_text("25")

    # A return asks once more, with the points it takes back, before anything is recorded.
    staff.get_by_role("link", name="Return R-2001").click()
    staff.get_by_label("How many of Scarf come back").fill("1")
    staff.get_by_role("button", name="Continue").click()
    expect(staff.get_by_role("heading", level=1)).to_have_text("Record this return?")
    expect(staff.get_by_test_id("confirm-points")).to_have_text("20")
    expect(staff.get_by_test_id("confirm-lines")).to_have_text("1 × Scarf")
    assert_accessible(staff, "return-confirm")
    journey.shot(staff, "return-confirm")
    staff.set_viewport_size({"width": 390, "height": 844})
    assert staff.evaluate("document.documentElement.scrollWidth") <= 390
    journey.shot(staff, "return-confirm-phone")
    staff.set_viewport_size(DESKTOP)
    staff.get_by_role("button", name="Record the return on R-2001").click()
    expect(staff.get_by_text("Return recorded: 20 points taken back.")).to_be_visible()
    expect(staff.get_by_test_id("balance")).to_have_text("5")

    # The counter list: nothing now, then what she is close to, then "Gold members only".
    staff.get_by_role("link", name="Redeem a reward").click()
    expect(staff.get_by_test_id("nothing-redeemable")).to_be_visible()
    expect(staff.get_by_test_id("close").get_by_role("listitem")).to_have_text(
        [
            "Free filter coffee 20 points · Needs 15 more points.",
            "Tote bag 40 points · Needs 35 more points.",
        ]
    )
    expect(staff.get_by_test_id("unavailable").get_by_role("listitem")).to_have_text(
        ["Lounge pass 10 points · Gold members only"]
    )
    expect(staff.get_by_role("button", name="Redeem Lounge pass")).to_have_count(0)
    assert_accessible(staff, "counter-rewards-groups")
    journey.shot(staff, "counter-rewards-groups")
    staff.set_viewport_size({"width": 390, "height": 844})
    assert staff.evaluate("document.documentElement.scrollWidth") <= 390
    assert_accessible(staff, "counter-rewards-groups-phone")
    journey.shot(staff, "counter-rewards-groups-phone")

    journey.assert_stayed_on_site_without_errors()
