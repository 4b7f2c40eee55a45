"""Journey 5: a customer spends points on a reward online, shows the voucher, and sees the spend
in their history."""

from playwright.sync_api import expect

from loyalty.services import points_credit
from rewards.models import Redemption
from tests.e2e.steps import assert_accessible, digits, log_in, qr_texts
from tests.factories import create_customer
from tests.rewards.catalogue import make_reward


def test_customer_redeems_a_reward_online_and_shows_the_voucher(journey):
    carla = create_customer(email="carla@example.com", first_name="Carla", last_name="Costa")
    points_credit(account=carla.points_account, points=250, note="Welcome bonus")
    make_reward("free-cinnamon-bun", name="Free cinnamon bun", points_cost=80)

    page = journey.new_page(phone=True)
    log_in(page, "carla@example.com")
    expect(page).to_have_url(journey.url("/me/"))
    expect(page.get_by_test_id("balance")).to_have_text("250")

    # The catalogue, then the reward's page with its confirmation step.
    page.get_by_role("link", name="Rewards").first.click()
    expect(page).to_have_url(journey.url("/rewards/"))
    assert_accessible(page, "rewards catalogue")
    journey.shot(page, "catalogue")
    page.get_by_role("link", name="Free cinnamon bun").click()
    expect(page).to_have_url(journey.url("/rewards/free-cinnamon-bun/"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Free cinnamon bun")
    expect(page.get_by_text("You have 250 points.")).to_be_visible()
    expect(page.get_by_text("This spends 80 points.")).to_be_visible()
    assert_accessible(page, "reward page")
    journey.shot(page, "reward-confirm")
    page.get_by_role("button", name="Confirm and redeem").click()
    expect(page.get_by_text("Done! Show this voucher at the till.")).to_be_visible()

    # The voucher, found again under "My vouchers": its QR is the code shown, without the dash.
    page.get_by_role("link", name="My vouchers").first.click()
    expect(page).to_have_url(journey.url("/me/rewards/"))
    active = page.get_by_test_id("active-vouchers")
    expect(active.get_by_role("listitem")).to_have_count(1)
    expect(active).to_contain_text("Free cinnamon bun")
    expect(active).to_contain_text("cost 80 points")
    assert_accessible(page, "my vouchers")
    journey.shot(page, "my-vouchers")
    active.get_by_role("link", name="Free cinnamon bun", exact=True).click()
    redemption = Redemption.objects.get(member=carla)
    expect(page).to_have_url(journey.url(f"/me/rewards/{redemption.pk}/"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Free cinnamon bun")
    shown_code = page.get_by_test_id("voucher-code")
    expect(shown_code).to_contain_text("-")
    assert_accessible(page, "voucher")
    voucher = journey.shot(page, "voucher")
    assert qr_texts(voucher) == [shown_code.inner_text().strip().replace("-", "")]
    assert qr_texts(voucher) == [redemption.code]

    # The spend in the history: 250 - 80 = 170 left.
    page.goto("/me/history/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Points history")
    expect(page.get_by_test_id("balance")).to_have_text("170 points available")
    spent = page.get_by_test_id("entry").filter(has_text="Spent")
    expect(spent).to_have_count(1)
    expect(spent).to_contain_text("Free cinnamon bun")
    expect(spent.get_by_test_id("points")).to_have_text("\u221280")  # a real minus sign
    assert digits(spent.get_by_test_id("points").inner_text()) == "80"
    assert_accessible(page, "points history")
    journey.shot(page, "history")

    journey.assert_stayed_on_site_without_errors()
