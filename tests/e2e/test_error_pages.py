"""Journey: a member follows a bad link on a 390 px wide phone, gets the site's own "not found"
page (axe, nothing sticking out sideways) and finds the way back to their points."""

from playwright.sync_api import expect

from tests.e2e.steps import assert_accessible, log_in
from tests.factories import create_customer

NARROW = {"width": 390, "height": 844}


def test_a_bad_link_shows_the_sites_page_with_a_way_back(journey):
    create_customer(email="pia@example.com", first_name="Pia", last_name="Park")
    page = journey.new_page(phone=True)
    page.set_viewport_size(NARROW)

    response = page.goto("/rewards/no-such-reward/")

    assert response.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("We can't find that page")
    ways_back = page.get_by_role("navigation", name="Ways back")
    expect(ways_back.get_by_role("link")).to_have_text(["Home", "Log in"])
    assert page.evaluate("document.documentElement.scrollWidth") <= NARROW["width"]
    assert_accessible(page, "not found, visitor")
    journey.shot(page, "not-found-visitor")

    ways_back.get_by_role("link", name="Log in").click()
    log_in(page, "pia@example.com")
    page.goto("/me/no-such-page/")
    expect(page.get_by_role("heading", level=1)).to_have_text("We can't find that page")
    assert_accessible(page, "not found, member")
    journey.shot(page, "not-found-member")

    page.get_by_role("navigation", name="Ways back").get_by_role("link", name="My points").click()

    expect(page).to_have_url(journey.url("/me/"))
    # The browser reports each 404 it was given in the console; those are the only problems.
    assert journey.problems == [
        f"console error on {journey.url(path)}: Failed to load resource: the server responded "
        "with a status of 404 (Not Found)"
        for path in ("/rewards/no-such-reward/", "/me/no-such-page/")
    ]
    assert [url for url in journey.requested if not journey.on_site(url)] == []
