"""Journey 4: a program manager edits the catalogue and the earning rules in the admin."""

from decimal import Decimal

from django.urls import Resolver404, resolve
from PIL import Image
from playwright.sync_api import expect

from loyalty.models import RuleKind
from tests.e2e.steps import (
    assert_accessible,
    fill_basket_line,
    log_in,
    open_purchase_form,
    scan,
    set_up_two_factor,
    wait_for_scripts,
)
from tests.factories import create_customer, create_manager, create_store
from tests.loyalty.points import rule

REPORTS = "/manage/reports/"


def _admin_model_row(page, name: str):
    """A model's row on the admin index, found by the name in its row header."""
    header = page.get_by_role("rowheader", name=name, exact=True)
    return page.get_by_role("row").filter(has=header)


def test_manager_adds_a_reward_changes_an_earning_rule_and_the_next_purchase_follows_it(
    journey, media_root, tmp_path
):
    create_manager(email="morgan@example.com", store=create_store(code="downtown", name="Downtown"))
    create_customer(email="bea@example.com", first_name="Bea", last_name="Berg")
    rule(RuleKind.BASE_RATE, "1 point per dollar", rate=Decimal("1"))
    picture = tmp_path / "picnic-blanket.png"
    Image.new("RGB", (120, 80), (200, 60, 40)).save(picture)

    page = journey.new_page()
    log_in(page, "morgan@example.com")
    # The desk is a work page: first an authenticator app, once per manager.
    set_up_two_factor(page)
    journey.shot(page, "recovery-codes")
    page.get_by_role("link", name="Continue").click()
    expect(page).to_have_url(journey.url("/staff/"))

    # A new reward, with a picture, in the admin.
    page.get_by_role("link", name="Admin").click()
    expect(page.get_by_role("heading", name="Today", exact=True)).to_be_visible()
    assert_accessible(page, "admin")
    journey.shot(page, "admin")
    _admin_model_row(page, "Rewards").get_by_role("link", name="Add").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Add reward")
    wait_for_scripts(page)
    # Typed key by key: the admin fills in the slug from the name as the manager types.
    page.get_by_label("Name [en]:", exact=True).press_sequentially("Picnic blanket")
    expect(page.get_by_label("Slug:")).to_have_value("picnic-blanket")
    page.get_by_label("Kind:").select_option(label="Free product")
    page.get_by_label("Description [en]:").fill("Red and warm, for summer in the park.")
    page.get_by_label("Image:").set_input_files(picture)
    page.get_by_label("Points:", exact=True).fill("120")
    # Not checked with axe: Django's own admin/widgets/split_datetime.html renders the "Available
    # from/until" date and time boxes with bare "Date:"/"Time:" text and no <label>, which axe
    # reports as rule `label` (critical). That template is Django's, not ours.
    journey.shot(page, "reward-form")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_text("The reward “Picnic blanket” was added successfully.")).to_be_visible()
    assert [path.name for path in (media_root / "rewards").iterdir()] == [
        "picnic-blanket.jpg"
    ]  # re-encoded: an opaque image is stored as JPEG

    # It is in the catalogue, picture and all.
    page.get_by_role("link", name="View site").click()
    page.get_by_role("link", name="Rewards").first.click()
    card = page.get_by_test_id("reward-picnic-blanket")
    expect(card.get_by_role("heading")).to_have_text("Picnic blanket")
    expect(card).to_contain_text("120 points")
    image = card.locator("img")
    expect(image).to_have_attribute("src", "/media/rewards/picnic-blanket.jpg")
    expect(image).to_have_js_property("complete", True)
    assert image.evaluate("image => [image.naturalWidth, image.naturalHeight]") == [120, 80]
    assert_accessible(page, "catalogue")
    journey.shot(page, "catalogue")

    # Before the change: 10 dollars earn 10 points.
    page.get_by_role("link", name="Staff desk", exact=True).click()
    scan(page, page.get_by_label("Card, voucher, phone, email or name"), "bea@example.com")
    open_purchase_form(page)
    fill_basket_line(page, 1, description="Picnic basket", amount="10.00")
    expect(page.get_by_test_id("preview")).to_contain_text("This purchase earns 10 points.")
    page.get_by_role("link", name="Cancel").click()

    # Double points per dollar from now on.
    page.get_by_role("link", name="Admin").click()
    _admin_model_row(page, "Earning rules").get_by_role("link", name="Earning rules").click()
    page.get_by_role("link", name="1 point per dollar").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Change earning rule")
    wait_for_scripts(page)
    page.get_by_label("Name [en]:", exact=True).fill("2 points per dollar")
    page.get_by_label("Points per currency unit:").fill("2")
    # Not checked with axe, for Django's admin templates: split_datetime.html again (rule
    # `label`, "Starts/Ends at"), and SelectFilter2.js's filter_horizontal help icons, a <span>
    # with aria-label and no role (rule `aria-prohibited-attr`).
    journey.shot(page, "rule-form")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(
        page.get_by_text("The earning rule “2 points per dollar” was changed successfully.")
    ).to_be_visible()

    # The next purchase earns under the new rule.
    page.get_by_role("link", name="View site").click()
    page.get_by_role("link", name="Staff desk", exact=True).click()
    scan(page, page.get_by_label("Card, voucher, phone, email or name"), "bea@example.com")
    open_purchase_form(page)
    fill_basket_line(page, 1, description="Picnic basket", amount="10.00")
    preview = page.get_by_test_id("preview")
    expect(preview).to_contain_text("This purchase earns 20 points.")
    expect(preview.get_by_role("listitem")).to_have_text(["2 points per dollar +20"])
    assert_accessible(page, "purchase-preview")
    journey.shot(page, "purchase-preview")
    page.get_by_role("button", name="Record purchase").click()
    expect(page.get_by_text("Purchase recorded: 20 points credited.")).to_be_visible()
    expect(page.get_by_test_id("balance")).to_have_text("20")
    assert_accessible(page, "purchase-recorded")
    journey.shot(page, "purchase-recorded")

    # The reports page (/manage/reports/ in DESIGN.md) is another issue's work. While no such
    # URL exists this journey asserts nothing about it; once it does, the manager opens it here.
    try:
        resolve(REPORTS)
    except Resolver404:
        pass
    else:
        response = page.goto(REPORTS)
        assert response is not None
        assert response.ok
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        assert_accessible(page, "reports")
        journey.shot(page, "reports")

    journey.assert_stayed_on_site_without_errors()
