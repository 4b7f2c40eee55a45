"""The customer's reward pages: catalogue, redeeming, the member's vouchers, the causes."""

import datetime
import re
import uuid
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from loyalty.services import program_settings_get
from rewards.codes import voucher_code_format
from rewards.models import (
    Cause,
    Redemption,
    RedemptionChannel,
    RedemptionStatus,
    Reward,
    RewardKind,
)
from rewards.services import redemption_void, reward_redeem, voucher_use, vouchers_expire_due
from tests.factories import create_staff
from tests.loyalty.points import state
from tests.qr import decode_svg_in
from tests.rewards.catalogue import give_points, make_cause, make_reward

DAY = datetime.timedelta(days=1)


def redeem(member, reward, **kwargs):
    return reward_redeem(member=member, reward=reward, channel=RedemptionChannel.ONLINE, **kwargs)


def stock_of(reward) -> int | None:
    return Reward.objects.get(pk=reward.pk).stock


def snapshot(member, reward):
    """Everything a refused redemption must leave alone."""
    return state(member), stock_of(reward), Redemption.objects.count()


def detail_url(reward) -> str:
    return reverse("rewards:detail", args=[reward.slug])


def request_key_on(html: str) -> str:
    return re.search(r'name="request_key" value="([^"]+)"', html).group(1)


def confirm(client, reward, *, steps: int = 1, request_key: str | None = None):
    """Open the reward page, then press "Confirm and redeem" with the key the page carries."""
    if request_key is None:
        request_key = request_key_on(client.get(detail_url(reward)).content.decode())
    return client.post(detail_url(reward), {"steps": steps, "request_key": request_key})


def catalogue_rows(response) -> list[tuple[str, str | None, int]]:
    return [
        (item.reward.slug, item.problem, item.points_missing) for item in response.context["items"]
    ]


def program(**fields):
    settings = program_settings_get()
    for name, value in fields.items():
        setattr(settings, name, value)
    settings.save()
    return settings


@pytest.fixture
def shelf(db):
    """A catalogue with one of each state a reward can be in."""
    now = timezone.now()
    return {
        "coffee": make_reward("coffee", points_cost=100),
        "tote": make_reward("tote", points_cost=250, stock=2),
        "mug": make_reward("mug", points_cost=400),
        "sold-out": make_reward("sold-out", points_cost=50, stock=0),
        "coming": make_reward("coming", points_cost=60, available_from=now + 3 * DAY),
        "retired": make_reward("retired", points_cost=10, is_active=False),
        "ended": make_reward("ended", points_cost=10, available_until=now - DAY),
    }


# --- the catalogue -------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_visitor_sees_costs_and_availability_but_nothing_personal(client, shelf):
    response = client.get(reverse("rewards:list"))

    assert response.status_code == 200
    assert catalogue_rows(response) == [
        ("sold-out", "This reward is out of stock.", 0),
        ("coming", "This reward is not available yet.", 0),
        ("coffee", None, 0),
        ("tote", None, 0),
        ("mug", None, 0),
    ]
    html = response.content.decode()
    assert "100 points" in html
    assert "Only 2 left" in html
    assert "This reward is out of stock." in html
    coming = timezone.localtime(shelf["coming"].available_from)
    assert f"Available from {date_format(coming, 'DATE_FORMAT')}" in html
    assert "more points needed" not in html
    assert "You can afford this" not in html
    assert 'name="affordable"' not in html
    assert reverse("account_signup") in html


@pytest.mark.django_db
def test_the_affordable_filter_means_nothing_to_a_visitor(client, shelf):
    response = client.get(reverse("rewards:list"), {"affordable": "1"})

    assert [slug for slug, _problem, _missing in catalogue_rows(response)] == [
        "sold-out",
        "coming",
        "coffee",
        "tote",
        "mug",
    ]


@pytest.mark.django_db
def test_a_member_sees_what_they_can_afford_and_how_many_points_are_missing(
    client, customer, shelf
):
    give_points(customer, 120)
    client.force_login(customer.user)

    response = client.get(reverse("rewards:list"))

    assert catalogue_rows(response) == [
        ("sold-out", "This reward is out of stock.", 0),
        ("coming", "This reward is not available yet.", 0),
        ("coffee", None, 0),
        ("tote", None, 130),
        ("mug", None, 280),
    ]
    html = response.content.decode()
    assert "You have <strong>120</strong> points to spend." in html
    assert html.count("You can afford this") == 1
    assert "130 more points needed" in html
    assert "280 more points needed" in html


@pytest.mark.django_db
def test_i_can_afford_filter_keeps_only_what_can_be_redeemed_now(client, customer, shelf):
    give_points(customer, 250)
    client.force_login(customer.user)

    response = client.get(reverse("rewards:list"), {"affordable": "1"})

    assert catalogue_rows(response) == [("coffee", None, 0), ("tote", None, 0)]
    assert 'name="affordable" value="1" checked' in response.content.decode()


@pytest.mark.django_db
def test_the_filter_says_so_when_nothing_is_affordable_yet(client, customer, shelf):
    client.force_login(customer.user)

    response = client.get(reverse("rewards:list"), {"affordable": "1"})

    assert response.context["items"] == []
    assert "Nothing you can afford yet." in response.content.decode()


# --- redeeming -----------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_detail_page_asks_a_visitor_to_log_in(client, shelf):
    response = client.get(detail_url(shelf["coffee"]))

    html = response.content.decode()
    assert response.status_code == 200
    assert "Log in to redeem" in html
    assert f"{reverse('account_login')}?next={detail_url(shelf['coffee'])}" in html
    assert "Confirm and redeem" not in html


@pytest.mark.django_db
def test_the_detail_page_says_how_many_points_are_missing(client, customer, shelf):
    give_points(customer, 120)
    client.force_login(customer.user)

    response = client.get(detail_url(shelf["mug"]))

    html = response.content.decode()
    assert 'data-testid="points-missing">You need 280 more points for this reward.<' in html
    assert "Confirm and redeem" not in html


@pytest.mark.django_db
def test_confirming_redeems_and_shows_the_voucher(client, customer, shelf):
    give_points(customer, 300)
    tote = shelf["tote"]
    client.force_login(customer.user)

    page = client.get(detail_url(tote))
    assert "Confirm and redeem" in page.content.decode()
    response = confirm(client, tote)

    redemption = Redemption.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("member_rewards:detail", args=[redemption.pk])
    assert (redemption.member, redemption.reward, redemption.points, redemption.status) == (
        customer,
        tote,
        250,
        RedemptionStatus.ISSUED,
    )
    assert redemption.channel == RedemptionChannel.ONLINE
    assert state(customer) == (50, 0, 0, 2)
    assert stock_of(tote) == 1
    voucher = client.get(response["Location"]).content.decode()
    assert "Done! Show this voucher at the till." in voucher
    assert voucher_code_format(redemption.code) in voucher


@pytest.mark.django_db
def test_a_double_clicked_confirm_redeems_once(client, customer, shelf):
    give_points(customer, 600)
    tote = shelf["tote"]
    client.force_login(customer.user)
    key = request_key_on(client.get(detail_url(tote)).content.decode())

    first = confirm(client, tote, request_key=key)
    second = confirm(client, tote, request_key=key)

    assert Redemption.objects.count() == 1
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"]
    assert state(customer) == (350, 0, 0, 2)
    assert stock_of(tote) == 1


@pytest.mark.django_db
def test_each_opened_page_redeems_on_its_own(client, customer, shelf):
    give_points(customer, 600)
    tote = shelf["tote"]
    client.force_login(customer.user)

    confirm(client, tote)
    confirm(client, tote)

    assert Redemption.objects.count() == 2
    assert state(customer) == (100, 0, 0, 3)
    assert stock_of(tote) == 0


@pytest.mark.django_db
def test_a_key_used_for_one_member_redeems_nothing_for_another(
    client, customer, other_customer, shelf
):
    give_points(customer, 100)
    give_points(other_customer, 100)
    coffee = shelf["coffee"]
    key = str(uuid.uuid4())
    client.force_login(customer.user)
    confirm(client, coffee, request_key=key)
    client.force_login(other_customer.user)

    response = confirm(client, coffee, request_key=key)

    assert response.status_code == 302
    assert Redemption.objects.filter(member=other_customer).count() == 1
    assert state(customer)[0] == state(other_customer)[0] == 0


@pytest.mark.django_db
def test_store_credit_redeems_the_chosen_number_of_steps(client, customer):
    program(point_value=Decimal("0.01"))
    give_points(customer, 1000)
    credit = make_reward("credit", kind=RewardKind.STORE_CREDIT, points_cost=250, max_steps=4)
    client.force_login(customer.user)

    page = client.get(detail_url(credit)).content.decode()
    response = confirm(client, credit, steps=3)

    assert 'type="number" name="steps"' in page
    assert "250 points each, up to 4 at once." in page
    assert response.status_code == 302
    redemption = Redemption.objects.get()
    assert (redemption.steps, redemption.points, redemption.value) == (3, 750, Decimal("7.50"))
    assert state(customer) == (250, 0, 0, 2)


@pytest.mark.django_db
@pytest.mark.parametrize("steps", [0, 5])
def test_steps_outside_the_allowed_range_spend_nothing(client, customer, steps):
    give_points(customer, 2000)
    credit = make_reward("credit", kind=RewardKind.STORE_CREDIT, points_cost=250, max_steps=4)
    client.force_login(customer.user)
    before = snapshot(customer, credit)

    response = confirm(client, credit, steps=steps)

    assert response.status_code == 200
    assert response.context["form"].errors["steps"]
    assert snapshot(customer, credit) == before


@pytest.mark.django_db
def test_a_reward_without_steps_refuses_more_than_one(client, customer, shelf):
    give_points(customer, 1000)
    coffee = shelf["coffee"]
    client.force_login(customer.user)
    before = snapshot(customer, coffee)

    response = confirm(client, coffee, steps=2)

    assert response.status_code == 200
    assert "Choose a number from 1 to 1." in response.content.decode()
    assert snapshot(customer, coffee) == before


@pytest.mark.django_db
@pytest.mark.parametrize("request_key", ["", "not-a-key"])
def test_a_confirm_without_a_valid_key_asks_again_with_a_fresh_key(
    client, customer, shelf, request_key
):
    give_points(customer, 100)
    coffee = shelf["coffee"]
    client.force_login(customer.user)
    before = snapshot(customer, coffee)

    response = confirm(client, coffee, request_key=request_key)

    html = response.content.decode()
    assert response.status_code == 200
    assert "This page has expired. Please confirm again." in html
    assert uuid.UUID(request_key_on(html))
    assert snapshot(customer, coffee) == before
    assert confirm(client, coffee, request_key=request_key_on(html)).status_code == 302
    assert state(customer)[0] == 0


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("points", "fields", "message"),
    [
        (99, {}, "This reward needs 100 points; 99 are available."),
        (500, {"stock": 0}, "This reward is out of stock."),
        (
            500,
            {"per_member_limit": 1},
            "This reward was already redeemed as often as one member may.",
        ),
    ],
    ids=["not-enough-points", "out-of-stock", "limit-reached"],
)
def test_a_refused_redemption_shows_why_and_changes_nothing(
    client, customer, points, fields, message
):
    give_points(customer, points)
    reward = make_reward("prize", points_cost=100, **fields)
    if reward.per_member_limit:
        redeem(customer, reward)
    client.force_login(customer.user)
    key = str(uuid.uuid4())
    before = snapshot(customer, reward)

    response = confirm(client, reward, request_key=key)

    html = response.content.decode()
    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [message]
    assert 'data-testid="redeem-errors"' in html
    assert html.count(message) == 1
    assert "Confirm and redeem" not in html
    assert snapshot(customer, reward) == before


@pytest.mark.django_db
def test_a_reward_sold_out_while_the_page_was_open_is_refused(client, customer, other_customer):
    give_points(customer, 100)
    give_points(other_customer, 100)
    last_one = make_reward("last-one", points_cost=100, stock=1)
    client.force_login(customer.user)
    key = request_key_on(client.get(detail_url(last_one)).content.decode())
    redeem(other_customer, last_one)
    before = snapshot(customer, last_one)

    response = confirm(client, last_one, request_key=key)

    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == ["This reward is out of stock."]
    assert snapshot(customer, last_one) == before
    assert state(customer)[0] == 100


@pytest.mark.django_db
@pytest.mark.parametrize("slug", ["retired", "ended", "no-such-reward"])
def test_rewards_not_on_offer_are_not_found(client, customer, shelf, slug):
    give_points(customer, 500)
    client.force_login(customer.user)
    before = (state(customer), Redemption.objects.count())
    url = reverse("rewards:detail", args=[slug])

    assert client.get(url).status_code == 404
    assert client.post(url, {"steps": 1, "request_key": str(uuid.uuid4())}).status_code == 404
    assert (state(customer), Redemption.objects.count()) == before


@pytest.mark.django_db
def test_a_reward_not_yet_available_shows_its_date_and_cannot_be_redeemed(client, customer, shelf):
    give_points(customer, 500)
    coming = shelf["coming"]
    client.force_login(customer.user)
    before = snapshot(customer, coming)

    page = client.get(detail_url(coming)).content.decode()
    response = confirm(client, coming, request_key=str(uuid.uuid4()))

    assert "Available from" in page
    assert "Confirm and redeem" not in page
    assert response.context["form"].non_field_errors() == ["This reward is not available yet."]
    assert snapshot(customer, coming) == before


@pytest.mark.django_db
def test_an_anonymous_confirm_goes_to_log_in_and_spends_nothing(client, customer, shelf):
    give_points(customer, 500)
    tote = shelf["tote"]
    before = snapshot(customer, tote)

    response = client.post(detail_url(tote), {"steps": 1, "request_key": str(uuid.uuid4())})

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('account_login')}?next={detail_url(tote)}"
    assert snapshot(customer, tote) == before


@pytest.mark.django_db
def test_a_work_account_cannot_redeem(client, staff_user, customer, shelf):
    tote = shelf["tote"]
    client.force_login(staff_user)
    before = snapshot(customer, tote)

    page = client.get(detail_url(tote))
    response = client.post(detail_url(tote), {"steps": 1, "request_key": str(uuid.uuid4())})

    assert "This account has no member card" in page.content.decode()
    assert response.status_code == 404
    assert snapshot(customer, tote) == before


# --- my vouchers ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_my_vouchers_lists_active_ones_and_the_rest_with_what_each_cost(
    client, customer, other_customer, store
):
    program(voucher_expiry_returns_points=True)
    staff = create_staff(store=store)
    give_points(customer, 1000)
    give_points(other_customer, 500)
    redeem(other_customer, make_reward("bobs-pastry", points_cost=80))
    expiring = redeem(customer, make_reward("short", points_cost=60, voucher_valid_days=2))
    lasting = redeem(customer, make_reward("coffee", points_cost=100, voucher_valid_days=30))
    soon = redeem(customer, make_reward("pastry", points_cost=80, voucher_valid_days=10))
    used = redeem(customer, make_reward("tote", points_cost=250))
    voucher_use(code=used.code, actor=staff, store=store)
    voided = redeem(customer, make_reward("mug", points_cost=300))
    redemption_void(redemption=voided, actor=staff)
    vouchers_expire_due(now=timezone.now() + 3 * DAY)
    client.force_login(customer.user)

    response = client.get(reverse("member_rewards:list"))

    assert response.status_code == 200
    assert [r.pk for r in response.context["active"]] == [soon.pk, lasting.pk]
    assert [
        (r.reward.slug, r.status, r.points, bool(getattr(r.spend_entry, "reversed_by", None)))
        for r in response.context["past"]
    ] == [
        ("mug", RedemptionStatus.VOID, 300, True),
        ("tote", RedemptionStatus.FULFILLED, 250, False),
        ("short", RedemptionStatus.EXPIRED, 60, True),
    ]
    html = response.content.decode()
    assert html.count(reverse("member_rewards:detail", args=[soon.pk])) == 2
    for text in ["Used on", "Cancelled on", "Expired on", "cost 80 points", "cost 100 points"]:
        assert text in html
    assert "Bobs Pastry" not in html
    assert expiring.pk not in [r.pk for r in response.context["active"]]
    assert state(customer)[0] == 1000 - 100 - 80 - 250


@pytest.mark.django_db
def test_a_voucher_past_its_date_is_not_active_before_the_worker_runs(client, customer):
    give_points(customer, 100)
    redemption = redeem(customer, make_reward(points_cost=100, voucher_valid_days=1))
    client.force_login(customer.user)

    with time_machine.travel(timezone.now() + 2 * DAY):
        listing = client.get(reverse("member_rewards:list"))
        voucher = client.get(reverse("member_rewards:detail", args=[redemption.pk]))

    assert listing.context["active"] == []
    assert [r.pk for r in listing.context["past"]] == [redemption.pk]
    assert voucher.context["usable"] is False
    assert "<svg" not in voucher.content.decode()
    assert "Expired on" in voucher.content.decode()


@pytest.mark.django_db
def test_the_voucher_page_qr_decodes_to_the_code(client, customer):
    give_points(customer, 100)
    redemption = redeem(customer, make_reward(points_cost=100))
    client.force_login(customer.user)

    response = client.get(reverse("member_rewards:detail", args=[redemption.pk]))

    html = response.content.decode()
    assert response.status_code == 200
    assert decode_svg_in(html) == [redemption.code]
    assert f'data-testid="voucher-code">{voucher_code_format(redemption.code)}<' in html
    assert "Cost 100 points" in html


@pytest.mark.django_db
def test_a_used_voucher_shows_no_qr(client, customer, store):
    give_points(customer, 100)
    redemption = redeem(customer, make_reward(points_cost=100))
    voucher_use(code=redemption.code, actor=create_staff(store=store), store=store)
    client.force_login(customer.user)

    response = client.get(reverse("member_rewards:detail", args=[redemption.pk]))

    html = response.content.decode()
    assert "<svg" not in html
    assert 'data-testid="voucher-status">' in html
    assert "Used on" in html


@pytest.mark.django_db
def test_another_members_voucher_is_not_found(client, customer, other_customer):
    give_points(other_customer, 100)
    theirs = redeem(other_customer, make_reward(points_cost=100))
    client.force_login(customer.user)

    response = client.get(reverse("member_rewards:detail", args=[theirs.pk]))

    assert response.status_code == 404
    assert theirs.code not in response.content.decode()
    assert voucher_code_format(theirs.code) not in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["member_rewards:list", "member_rewards:detail"])
def test_my_voucher_pages_ask_visitors_to_log_in(client, customer, name):
    give_points(customer, 100)
    redemption = redeem(customer, make_reward(points_cost=100))
    args = [redemption.pk] if name.endswith("detail") else []

    response = client.get(reverse(name, args=args))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login") + "?next=")


@pytest.mark.django_db
def test_a_work_account_has_no_vouchers(client, staff_user):
    client.force_login(staff_user)

    response = client.get(reverse("member_rewards:list"))

    assert response.status_code == 404
    assert "This account has no member card" in response.content.decode()


@pytest.mark.django_db
def test_a_donation_is_a_thank_you_not_a_voucher_to_show(client, customer):
    give_points(customer, 500)
    meal = make_reward(
        "give-a-meal",
        kind=RewardKind.DONATION,
        points_cost=100,
        max_steps=5,
        cause=make_cause("food-bank"),
    )
    client.force_login(customer.user)

    response = confirm(client, meal, steps=2)
    voucher = client.get(response["Location"])
    listing = client.get(reverse("member_rewards:list"))

    html = voucher.content.decode()
    assert "Thank you for giving your points!" in html
    assert "<svg" not in html
    assert "Show this at the till" not in html
    assert "Given to Food Bank on" in html
    assert listing.context["active"] == []
    assert [r.points for r in listing.context["past"]] == [200]
    assert "Given to Food Bank on" in listing.content.decode()
    assert state(customer) == (300, 0, 0, 2)


# --- causes --------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_causes_page_shows_exact_totals_per_cause(client, customer, other_customer, store):
    program(point_value=Decimal("0.01"))
    food_bank, shelter = make_cause("food-bank"), make_cause("shelter")
    Cause.objects.filter(pk=make_cause("closed").pk).update(is_active=False)
    meal = make_reward(
        "give-a-meal", kind=RewardKind.DONATION, points_cost=100, max_steps=20, cause=food_bank
    )
    bed = make_reward("give-a-bed", kind=RewardKind.DONATION, points_cost=500, cause=shelter)
    give_points(customer, 2000)
    give_points(other_customer, 2000)
    redeem(customer, meal, steps=3)
    redeem(other_customer, meal, steps=12)
    redemption_void(redemption=redeem(customer, bed), actor=create_staff(store=store))

    response = client.get(reverse("rewards:causes"))

    assert response.status_code == 200
    assert [
        (cause.slug, cause.donations, cause.points_given, cause.money_given)
        for cause in response.context["causes"]
    ] == [
        ("food-bank", 2, 1500, Decimal("15.00")),
        ("shelter", 0, 0, Decimal("0")),
    ]
    html = response.content.decode()
    assert "1,500" in html
    assert "15.00" in html
    assert "Closed" not in html
    assert customer.user.email not in html


# --- navigation ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_everyone_finds_the_rewards_and_members_find_their_vouchers(client, customer):
    visitor = client.get(reverse("home")).content.decode()
    client.force_login(customer.user)
    member = client.get(reverse("members:dashboard")).content.decode()

    assert f'href="{reverse("rewards:list")}"' in visitor
    assert reverse("member_rewards:list") not in visitor
    assert f'href="{reverse("member_rewards:list")}"' in member
    assert f'<a href="{reverse("rewards:list")}" data-testid="redeemable-now">' in member
