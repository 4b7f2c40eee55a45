"""The catalogue on a phone and at a desk: pictures in the size the screen needs, the shelves
to filter by, and a tier-locked reward marked as such."""

import io
import re

import pytest
from django.core.files.base import ContentFile
from PIL import Image
from playwright.sync_api import expect

from loyalty.services import points_credit
from rewards.images import reward_image_renditions_make
from rewards.models import RewardCategory
from tests.e2e.steps import assert_accessible, log_in
from tests.factories import create_customer
from tests.rewards.catalogue import make_reward


def _pictured(slug: str, **fields):
    reward = make_reward(slug, **fields)
    output = io.BytesIO()
    Image.new("RGB", (1200, 900), "#cfe3dc").save(output, "JPEG")
    reward.image.save(f"{slug}.jpg", ContentFile(output.getvalue(), name=f"{slug}.jpg"))
    reward_image_renditions_make(reward=reward)
    return reward


@pytest.mark.parametrize(("phone", "dark"), [(True, False), (False, False), (True, True)])
def test_a_member_filters_the_catalogue_by_shelf_and_sees_each_picture_sized(
    journey, media_root, phone, dark
):
    dana = create_customer(email="dana@example.com", first_name="Dana", last_name="Diaz")
    points_credit(account=dana.points_account, points=120, note="Welcome bonus")
    drinks = RewardCategory.objects.create(slug="drinks", name="Drinks", display_order=0)
    days_out = RewardCategory.objects.create(slug="days-out", name="Days out", display_order=1)
    _pictured("free-latte", name="Free latte", points_cost=90, category=drinks)
    _pictured("free-smoothie", name="Free smoothie", points_cost=400, category=drinks)
    _pictured("tasting-evening", name="Tasting evening", points_cost=1500, category=days_out)

    page = journey.new_page(phone=phone, dark=dark)
    log_in(page, "dana@example.com")
    page.goto("/rewards/")
    shelves = page.get_by_role("navigation", name="Reward categories")
    expect(shelves.get_by_role("link")).to_have_text(["All rewards", "Drinks", "Days out"])
    expect(page.get_by_role("heading", level=2)).to_have_text(
        ["Free latte", "Free smoothie", "Tasting evening"]
    )

    shelves.get_by_role("link", name="Drinks").click()
    expect(page).to_have_url(journey.url("/rewards/?category=drinks"))
    expect(shelves.get_by_role("link", name="Drinks")).to_have_attribute("aria-current", "page")
    expect(page.get_by_role("heading", level=2)).to_have_text(["Free latte", "Free smoothie"])
    page.get_by_label("Only what I can afford now").check()
    page.get_by_role("button", name="Show").click()
    expect(page).to_have_url(journey.url("/rewards/?category=drinks&affordable=1"))
    expect(page.get_by_role("heading", level=2)).to_have_text(["Free latte"])
    card = page.get_by_test_id("reward-free-latte")
    expect(card.get_by_text("You can afford this")).to_be_visible()

    # The browser took one of the WebP copies for the card's width, not the 1200 px original.
    picture = card.locator("img")
    expect(picture).to_have_js_property("complete", True)
    chosen = picture.evaluate("img => img.currentSrc")
    assert re.fullmatch(
        re.escape(journey.url("/media/rewards/renditions/free-latte-"))
        + r"(320|480|640|960)w\.webp",
        chosen,
    ), chosen
    assert_accessible(page, "catalogue, one shelf")
    journey.shot(page, "drinks-i-can-afford", full_page=False)

    page.get_by_role("link", name="Free latte").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Free latte")
    expect(page.locator("img.reward-detail__image")).to_have_js_property("complete", True)
    assert_accessible(page, "reward page with its picture")
    journey.shot(page, "reward-page", full_page=False)
    journey.assert_stayed_on_site_without_errors()
