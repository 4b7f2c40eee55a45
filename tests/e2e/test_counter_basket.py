"""Journey: the basket at the counter. "Scan card, three lines, record" with a scanner and a
keyboard only, keys counted; then the same form on a phone, by touch, with a mistake shown on
its line while the total and the points stay in view."""

from decimal import Decimal

from playwright.sync_api import Page, expect

from loyalty.models import Purchase, RuleKind
from tests.e2e.steps import assert_accessible, log_in, open_purchase_form, wait_for_scripts
from tests.factories import create_customer, create_staff, create_store
from tests.loyalty.points import base_rule, category, rule

SEARCH = "Card, voucher, phone, email or name"
NARROW = {"width": 390, "height": 844}


class Keyboard:
    """The till's keyboard and scanner. Every key pressed is counted, a chord (Ctrl+Enter) as
    one; `moves` counts the keys that only move on (Enter, Tab). A scan is the scanner typing
    the code and pressing Enter by itself, counted apart."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.keys = 0
        self.moves = 0
        self.scans = 0

    def type(self, text: str) -> None:
        self.page.keyboard.type(text)
        self.keys += len(text)

    def press(self, key: str) -> None:
        self.page.keyboard.press(key)
        self.keys += 1
        self.moves += 1

    def scan(self, code: str) -> None:
        self.page.keyboard.type(code)
        self.page.keyboard.press("Enter")
        self.scans += 1


def _line(page: Page, number: int):
    return page.get_by_role("group", name=f"Line {number}", exact=True)


def _program():
    base_rule("1")
    bakery = category("bakery")
    rule(
        RuleKind.CATEGORY_MULTIPLIER,
        "Double points on bakery",
        multiplier=Decimal("2"),
        categories=[bakery],
    )
    category("coffee")
    create_staff(email="sam@example.com", store=create_store(code="downtown", name="Downtown"))


def test_scan_card_three_lines_record_with_the_keyboard_only(journey):
    _program()
    alice = create_customer(email="alice@example.com", first_name="Alice", last_name="Andersen")
    staff = journey.new_page()
    staff.goto("/staff/")
    log_in(staff, "sam@example.com")
    expect(staff.get_by_label(SEARCH)).to_be_focused()
    wait_for_scripts(staff)
    keyboard = Keyboard(staff)

    # The card: its page opens with the search box ready; two Tabs reach "Record purchase".
    keyboard.scan(alice.card_number)
    expect(staff.get_by_role("heading", level=1)).to_have_text("Alice Andersen")
    wait_for_scripts(staff)
    expect(staff.get_by_label(SEARCH)).to_be_focused()
    keyboard.press("Tab")
    keyboard.press("Tab")
    expect(staff.get_by_role("link", name="Record purchase")).to_be_focused()
    keyboard.press("Enter")
    expect(staff.get_by_role("heading", level=1)).to_have_text("Record a purchase")
    wait_for_scripts(staff)

    # The receipt's barcode, then three lines. Enter after a description goes to its total,
    # Enter after a total opens the next line.
    expect(staff.get_by_label("Receipt number")).to_be_focused()
    keyboard.scan("R-2001")
    expect(_line(staff, 1).get_by_label("Description")).to_be_focused()
    keyboard.type("Flat white")
    keyboard.press("Enter")
    expect(_line(staff, 1).get_by_label("Line total")).to_be_focused()
    keyboard.type("4.50")
    keyboard.press("Enter")
    # Line 2 in the bakery: Tab to the category, "b" picks Bakery, Enter to the total.
    expect(_line(staff, 2).get_by_label("Description")).to_be_focused()
    keyboard.type("Croissant")
    keyboard.press("Tab")
    keyboard.type("b")
    expect(_line(staff, 2).get_by_label("Category")).to_have_value(str(category("bakery").pk))
    keyboard.press("Enter")
    keyboard.type("3.20")
    keyboard.press("Enter")
    # Line 3, two bags: Tab, Tab to the quantity.
    keyboard.type("Beans")
    keyboard.press("Tab")
    keyboard.press("Tab")
    expect(_line(staff, 3).get_by_label("Quantity")).to_be_focused()
    keyboard.type("2")
    keyboard.press("Enter")
    keyboard.type("12.00")
    keyboard.press("Enter")
    expect(_line(staff, 4).get_by_label("Description")).to_be_focused()
    expect(staff.get_by_test_id("basket")).to_have_text("4 items · $19.70")
    preview = staff.get_by_test_id("preview")
    # 4 + 3 + 12 base points, 3 more for the croissant's double points.
    expect(preview).to_contain_text("This purchase earns 22 points.")
    expect(preview.get_by_role("listitem")).to_have_text(["Base +19", "Double points on bakery +3"])
    assert_accessible(staff, "basket-typed")
    journey.shot(staff, "basket-typed")
    keyboard.press("Control+Enter")

    expect(staff.get_by_text("Purchase recorded: 22 points credited.")).to_be_visible()
    expect(staff.get_by_test_id("balance")).to_have_text("22")
    journey.shot(staff, "basket-recorded")
    purchase = Purchase.objects.get()
    assert purchase.external_id == "R-2001"
    assert [
        (line.description, line.category and line.category.code, line.quantity, line.amount)
        for line in purchase.lines.select_related("category").order_by("pk")
    ] == [
        ("Flat white", None, 1, Decimal("4.50")),
        ("Croissant", "bakery", 1, Decimal("3.20")),
        ("Beans", None, 2, Decimal("12.00")),
    ]
    # The figure in the README's desk section: 2 scans and 52 keys, 13 of which only move on
    # (Tab, Tab, Enter to open the form; 10 Enter and Tab between the boxes; Ctrl+Enter).
    assert (keyboard.scans, keyboard.keys, keyboard.moves) == (2, 52, 13)


def test_on_a_phone_a_mistake_stays_on_its_line_and_the_total_stays_in_view(journey):
    _program()
    alice = create_customer(email="alice@example.com", first_name="Alice", last_name="Andersen")
    staff = journey.new_page(phone=True)
    staff.goto("/staff/")
    log_in(staff, "sam@example.com")
    staff.get_by_label(SEARCH).fill(alice.card_number)
    staff.get_by_role("button", name="Find").click()
    open_purchase_form(staff)
    bar = staff.locator("[data-purchase-bar]")
    expect(staff.get_by_test_id("basket")).to_have_text("No items yet.")
    # A phone has no use for the keyboard's help; the lines get the room.
    expect(staff.locator("[data-keyboard-help]")).to_have_count(1)
    expect(staff.locator("[data-keyboard-help]")).to_be_hidden()
    expect(_line(staff, 2)).to_have_count(0)
    assert_accessible(staff, "basket-phone-empty")
    journey.shot(staff, "basket-phone-empty", full_page=False)

    # A croissant: the quick category under the line, one tap.
    first = _line(staff, 1)
    first.get_by_label("Description").fill("Croissant")
    staff.get_by_role("button", name="Bakery").click()
    expect(staff.get_by_role("button", name="Bakery")).to_have_attribute("aria-pressed", "true")
    expect(first.get_by_label("Category")).to_have_value(str(category("bakery").pk))
    expect(first.get_by_label("Line total")).to_be_focused()
    first.get_by_label("Line total").fill("3.20")
    staff.get_by_role("button", name="Add a line").click()

    # A mistyped total on line 2: said on the line, the points of line 1 still shown.
    second = _line(staff, 2)
    expect(second.get_by_label("Description")).to_be_focused()
    second.get_by_label("Line total").fill("12.999")
    second.get_by_label("Description").focus()
    expect(second.get_by_text("Enter at most two decimals.")).to_be_visible()
    expect(second.get_by_label("Line total")).to_have_attribute("aria-invalid", "true")
    expect(staff.get_by_test_id("preview")).to_contain_text(
        "Fix the marked line. The lines that are ready earn 6 points."
    )
    expect(staff.get_by_test_id("basket")).to_have_text("1 item · $3.20")
    # The bar is on the screen, below the box being typed in, not over it.
    viewport = staff.viewport_size
    bar_box = bar.bounding_box()
    field_box = second.get_by_label("Line total").bounding_box()
    assert bar_box["y"] + bar_box["height"] <= viewport["height"] + 1
    assert field_box["y"] + field_box["height"] <= bar_box["y"]
    assert staff.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
    assert_accessible(staff, "basket-phone-mistake")
    journey.shot(staff, "basket-phone-mistake", full_page=False)

    # Line 2 taken off: the preview is whole again, and the purchase is recorded.
    second.get_by_role("button", name="Remove Line 2").click()
    expect(_line(staff, 2)).to_have_count(0)
    expect(staff.get_by_test_id("preview")).to_contain_text("This purchase earns 6 points.")
    expect(first.get_by_role("button", name="Remove Line 1")).to_be_hidden()
    staff.get_by_role("button", name="Record purchase").click()
    expect(staff.get_by_text("Purchase recorded: 6 points credited.")).to_be_visible()
    assert Purchase.objects.get().points == 6
