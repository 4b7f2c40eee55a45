"""Journey 2: a member shares their invitation link; the friend joins with it and buys; both are
rewarded."""

from playwright.sync_api import expect

from referrals.services import referral_settings_get
from tests.e2e.steps import (
    assert_accessible,
    confirm_email,
    fill_basket_line,
    log_in,
    open_purchase_form,
    scan,
    sign_up,
)
from tests.factories import create_customer, create_staff, create_store
from tests.loyalty.points import base_rule


def test_a_friend_joins_with_the_shared_link_buys_and_both_see_their_reward(journey):
    create_customer(email="rita@example.com", first_name="Rita", last_name="Rossi")
    create_staff(email="sam@example.com", store=create_store(code="downtown", name="Downtown"))
    base_rule("1")  # 1 point per dollar; the referral pays 200 to Rita and 100 to the friend
    referral_settings = referral_settings_get()
    referral_settings.return_window_days = 0  # this journey pays at once, not after 14 days
    referral_settings.save()

    # Rita copies her link on her phone.
    rita = journey.new_page(phone=True, permissions=("clipboard-read", "clipboard-write"))
    log_in(rita, "rita@example.com")
    expect(rita).to_have_url(journey.url("/me/"))
    rita.get_by_role("link", name="Invite friends").click()
    expect(rita.get_by_role("heading", level=1)).to_have_text("Invite friends")
    code = rita.get_by_test_id("referral-code").inner_text()
    share_box = rita.get_by_label("Link to share")
    expect(share_box).to_have_value(journey.url(f"/r/{code}/"))
    copy_button = rita.get_by_role("button", name="Copy")
    copy_button.click()
    expect(rita.get_by_role("button", name="Copied!")).to_be_visible()
    link = rita.evaluate("navigator.clipboard.readText()")
    assert link == journey.url(f"/r/{code}/")
    expect(rita.get_by_text("No one has joined with your link yet.")).to_be_visible()
    assert_accessible(rita, "referrer-share")
    journey.shot(rita, "referrer-share")

    # The friend opens it in their own browser and joins: the code is filled in.
    friend = journey.new_page(phone=True)
    friend.goto(link)
    expect(friend.get_by_role("heading", level=1)).to_have_text("A friend invited you to Loyalty")
    assert_accessible(friend, "friend-landing")
    journey.shot(friend, "friend-landing")
    friend.get_by_role("link", name="Join now").click()
    expect(
        friend.get_by_text("A friend invited you: their code is filled in below.")
    ).to_be_visible()
    expect(friend.get_by_label("Referral code (optional)")).to_have_value(code)
    sign_up(
        friend,
        first_name="Nils",
        last_name="Norberg",
        email="nils@example.com",
        password="a-long-enough-secret",
    )
    assert_accessible(friend, "friend-signup")
    journey.shot(friend, "friend-signup")
    friend.get_by_role("button", name="Join").click()
    expect(friend.get_by_role("heading", name="Check your email", exact=True)).to_be_visible()
    confirm_email(friend, "nils@example.com", base_url=journey.base_url)
    expect(friend).to_have_url(journey.url("/me/"))
    expect(friend.get_by_test_id("balance")).to_have_text("0")

    # Rita sees the friend who joined, not rewarded yet.
    rita.reload()
    friends = rita.get_by_role("row", name="Nils N.")
    expect(friends).to_contain_text("Signed up")
    expect(rita.get_by_test_id("referral-points")).to_have_text("0")

    # At the till, staff record the friend's first purchase, above the qualifying 20 USD.
    staff = journey.new_page()
    staff.goto("/staff/")
    log_in(staff, "sam@example.com")
    expect(staff).to_have_url(journey.url("/staff/"))
    scan(staff, staff.get_by_label("Card, voucher, phone, email or name"), "nils@example.com")
    expect(staff.get_by_role("heading", level=1)).to_have_text("Nils Norberg")
    open_purchase_form(staff)
    fill_basket_line(staff, 1, description="Groceries", amount="30.00")
    expect(staff.get_by_test_id("preview")).to_contain_text("This purchase earns 30 points.")
    staff.get_by_role("button", name="Record purchase").click()
    expect(staff.get_by_text("Purchase recorded: 30 points credited.")).to_be_visible()
    expect(staff.get_by_test_id("balance")).to_have_text("130")
    assert_accessible(staff, "staff-qualifying-purchase")
    journey.shot(staff, "staff-qualifying-purchase")

    # Both see their reward.
    friend.reload()
    expect(friend.get_by_test_id("balance")).to_have_text("130")
    assert_accessible(friend, "friend-dashboard")
    journey.shot(friend, "friend-dashboard")
    friend.get_by_role("link", name="Points history").first.click()
    welcome = friend.get_by_test_id("entry").filter(
        has_text="Your first purchase with a friend's invitation"
    )
    expect(welcome).to_contain_text("Welcome reward from a friend's invitation")
    expect(welcome.get_by_test_id("points")).to_have_text("+100")
    assert_accessible(friend, "friend-history")
    journey.shot(friend, "friend-history")

    rita.reload()
    expect(friends).to_contain_text("Rewarded")
    expect(friends).to_contain_text("+200")
    expect(rita.get_by_test_id("referral-points")).to_have_text("200")
    assert_accessible(rita, "referrer-rewarded")
    journey.shot(rita, "referrer-rewarded")
    rita.get_by_role("link", name="My points").click()
    expect(rita.get_by_test_id("balance")).to_have_text("200")
    assert_accessible(rita, "referrer-dashboard")
    journey.shot(rita, "referrer-dashboard")

    journey.assert_stayed_on_site_without_errors()
