"""What looks unusual on the manager's "To review" page: the same staff member and member
again and again, round totals, many voids, purchases just under a limit; each rule with the
rows it must find, and what it must leave out."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from engagement.services.checkout import (
    checkout_hold_approve,
    checkout_hold_reject,
    checkout_purchase,
    checkout_void,
)
from loyalty.backoffice.unusual import unusual_list
from loyalty.services import program_settings_get
from loyalty.services.api_keys import api_key_create
from rewards.models import RedemptionChannel
from rewards.services import redemption_void, reward_redeem
from tests.factories import create_customer, create_staff
from tests.loyalty.points import base_rule, buy, line
from tests.rewards.catalogue import give_points, make_reward

pytestmark = pytest.mark.django_db

REVIEW = reverse("review:index")
NOW = datetime.datetime(2026, 4, 10, 12, 0, tzinfo=datetime.UTC)


@pytest.fixture
def at_now(time_machine):
    time_machine.move_to(NOW, tick=False)
    base_rule("1")
    return time_machine


def _program(**fields):
    program = program_settings_get()
    for name, value in fields.items():
        setattr(program, name, value)
    program.save()


def _receipts(purchases) -> list[str]:
    return [str(purchase) for purchase in purchases]


# --- the same staff member and member -------------------------------------------------------


def test_three_purchases_for_one_member_by_one_staff_member_are_listed(
    at_now, customer, other_customer, store, staff_user
):
    other_staff = create_staff(email="sid@example.com", store=store)
    for number, amount in enumerate(["10.00", "11.00", "12.50"]):
        buy(customer, store, f"a-{number}", line(amount), actor=staff_user)
        at_now.shift(datetime.timedelta(hours=1))
    buy(other_customer, store, "b-1", line("5.00"), actor=staff_user)
    buy(other_customer, store, "b-2", line("5.00"), actor=staff_user)
    buy(customer, store, "c-1", line("5.00"), actor=other_staff)

    pairs = unusual_list().repeated_pairs

    assert [(pair.staff, pair.member, pair.purchases, pair.total) for pair in pairs] == [
        (staff_user, customer, 3, Decimal("33.50"))
    ]
    assert pairs[0].last_at == NOW + datetime.timedelta(hours=2)


def test_purchases_older_than_the_window_do_not_count(at_now, customer, store, staff_user):
    buy(customer, store, "old", line("10.00"), actor=staff_user)
    at_now.shift(datetime.timedelta(days=8))
    buy(customer, store, "new-1", line("10.00"), actor=staff_user)
    buy(customer, store, "new-2", line("10.00"), actor=staff_user)

    assert unusual_list().repeated_pairs == []
    # The window is a parameter: over 9 days the old one counts again.
    assert [pair.purchases for pair in unusual_list(days=9).repeated_pairs] == [3]


# --- round totals ---------------------------------------------------------------------------


def test_round_totals_from_100_are_listed(at_now, customer, store, staff_user, manager_user):
    api_key, _raw = api_key_create(store=store, name="Till 1")
    for number, amount in enumerate(["100.00", "99.00", "250.00", "300.00", "100.50", "50.00"]):
        buy(customer, store, f"r-{number}", line(amount), actor=staff_user)
        at_now.shift(datetime.timedelta(minutes=1))
    checkout_purchase(
        member=customer, store=store, external_id="t-1", lines=[line("1000.00")], api_key=api_key
    )
    # Recorded by nobody (seed data, a shell): no one to look at.
    buy(customer, store, "seed-1", line("200.00"))
    # Held (listed with the held purchases), rejected (decided), approved (still round).
    held = buy(customer, store, "held", line("6000.00"), actor=staff_user)
    rejected = buy(customer, store, "rejected", line("7000.00"), actor=staff_user)
    checkout_hold_reject(purchase=rejected, actor=manager_user, note="No")
    approved = buy(customer, store, "approved", line("8000.00"), actor=staff_user)
    checkout_hold_approve(purchase=approved, actor=manager_user, note="Real")
    assert held.is_held

    assert _receipts(unusual_list().round_totals) == [
        "downtown/approved",
        "downtown/t-1",
        "downtown/r-3",
        "downtown/r-0",
    ]


# --- many voids -----------------------------------------------------------------------------


def test_staff_with_three_voids_of_purchases_and_redemptions_are_listed(
    at_now, customer, store, staff_user, manager_user
):
    give_points(customer, 1000)
    coffee = make_reward("free-coffee", points_cost=10)
    careful = create_staff(email="cara@example.com", store=store)
    for number in range(3):
        purchase = buy(customer, store, f"v-{number}", line("5.00"), actor=staff_user)
        checkout_void(purchase=purchase, actor=staff_user, store=store)
    for number in range(2):
        purchase = buy(customer, store, f"w-{number}", line("5.00"), actor=careful)
        checkout_void(purchase=purchase, actor=careful, store=store)
    redemption = reward_redeem(
        member=customer,
        reward=coffee,
        channel=RedemptionChannel.COUNTER,
        actor=careful,
        store=store,
    )
    redemption_void(redemption=redemption, actor=careful, store=store, reason="Wrong one")
    # Two voids only, and a manager's three rejections of held purchases, are not counted.
    two = create_staff(email="two@example.com", store=store)
    for number in range(2):
        purchase = buy(customer, store, f"x-{number}", line("5.00"), actor=two)
        checkout_void(purchase=purchase, actor=two, store=store)
    for number in range(3):
        held = buy(customer, store, f"h-{number}", line("6000.00"), actor=staff_user)
        checkout_hold_reject(purchase=held, actor=manager_user, note="No such sale")

    rows = unusual_list().many_voids

    assert [(row.staff.email, row.purchase_voids, row.redemption_voids) for row in rows] == [
        ("cara@example.com", 2, 1),
        ("staff@example.com", 3, 0),
    ]


def test_voids_before_the_window_do_not_count(at_now, customer, store, staff_user):
    for number in range(3):
        purchase = buy(customer, store, f"v-{number}", line("5.00"), actor=staff_user)
        checkout_void(purchase=purchase, actor=staff_user, store=store)
        at_now.shift(datetime.timedelta(days=3))

    assert unusual_list().many_voids == []
    assert [row.purchase_voids for row in unusual_list(days=10).many_voids] == [3]


# --- just under a limit ---------------------------------------------------------------------


def test_desk_purchases_within_ten_percent_below_the_desks_total_limit_are_listed(
    at_now, customer, store, staff_user
):
    """The program's desk limit is 5,000.00: from 4,500.00 to 5,000.00 is just under it."""
    _program(desk_max_points=None)
    for number, amount in enumerate(["4500.00", "4499.99", "5000.00", "5000.01", "4800.00"]):
        buy(customer, store, f"n-{number}", line(amount), actor=staff_user)
        at_now.shift(datetime.timedelta(minutes=1))

    rows = unusual_list().near_limit

    assert [(str(row.purchase), row.total_limit, row.points_limit) for row in rows] == [
        ("downtown/n-4", Decimal("5000.00"), None),
        ("downtown/n-2", Decimal("5000.00"), None),
        ("downtown/n-0", Decimal("5000.00"), None),
    ]


def test_the_limit_is_the_programs_setting_of_the_day(at_now, customer, store, staff_user):
    _program(desk_max_total=Decimal("1000.00"), desk_max_points=None)
    buy(customer, store, "n-1", line("950.00"), actor=staff_user)
    buy(customer, store, "n-2", line("4600.00"), actor=staff_user)  # held now: above the limit

    assert [str(row.purchase) for row in unusual_list().near_limit] == ["downtown/n-1"]

    _program(desk_max_total=None, desk_max_points=None)
    assert unusual_list().near_limit == []


def test_points_just_under_the_points_limit_are_listed(at_now, customer, store, staff_user):
    _program(desk_max_total=None, desk_max_points=1000)
    buy(customer, store, "p-1", line("950.00"), actor=staff_user)
    at_now.shift(datetime.timedelta(minutes=1))
    buy(customer, store, "p-2", line("899.00"), actor=staff_user)

    rows = unusual_list().near_limit

    assert [(str(row.purchase), row.total_limit, row.points_limit) for row in rows] == [
        ("downtown/p-1", None, 1000)
    ]


def test_a_keys_purchases_are_held_against_its_own_limit(at_now, customer, store, staff_user):
    _program(desk_max_points=None)
    api_key, _raw = api_key_create(store=store, name="Till 1")
    api_key.max_total = Decimal("200.00")
    api_key.save()
    default_key, _raw = api_key_create(store=store, name="Web shop")
    for number, (key, amount) in enumerate(
        [(api_key, "190.00"), (api_key, "170.00"), (default_key, "190.00"), (default_key, "4900")]
    ):
        checkout_purchase(
            member=customer,
            store=store,
            external_id=f"k-{number}",
            lines=[line(amount)],
            api_key=key,
        )
        at_now.shift(datetime.timedelta(minutes=1))
    buy(customer, store, "desk-1", line("190.00"), actor=staff_user)

    rows = unusual_list().near_limit

    assert [(str(row.purchase), row.total_limit) for row in rows] == [
        ("downtown/k-3", Decimal("5000.00")),  # the program's default for keys
        ("downtown/k-0", Decimal("200.00")),
    ]


# --- the page -------------------------------------------------------------------------------


def test_the_review_page_shows_each_rule_with_links(
    client, at_now, customer, store, staff_user, manager_user
):
    """Three 4,500.00 sales for one member by one staff member (a pair, round, just under the
    desk's 5,000.00) and three voids."""
    big = [
        buy(customer, store, f"v-{number}", line("4500.00"), actor=staff_user)
        for number in range(3)
    ]
    for number in range(3):
        purchase = buy(customer, store, f"z-{number}", line("3.00"), actor=staff_user)
        checkout_void(purchase=purchase, actor=staff_user, store=store)
    client.force_login(manager_user)

    response = client.get(REVIEW)

    assert response.status_code == 200
    html = response.content.decode()
    member_link = reverse("staff:member", args=[customer.card_number])
    staff_log = f"{reverse('activity:index')}?staff={staff_user.pk}"
    for testid in ("unusual-pairs", "unusual-round", "unusual-voids", "unusual-near-limit"):
        assert f'data-testid="{testid}"' in html
    assert f'<a href="{staff_log}">Sam</a>' in html
    assert f'href="{member_link}"' in html
    for purchase in big:
        assert f'href="{reverse("admin:loyalty_purchase_change", args=[purchase.pk])}"' in html
    assert "Patterns of the last 7 days" in html
    assert 'name="days" value="7"' in html
    assert 'data-testid="nothing-unusual"' not in html


def test_the_review_page_says_when_nothing_looks_unusual(client, at_now, manager_user):
    client.force_login(manager_user)

    html = client.get(REVIEW).content.decode()

    assert 'data-testid="nothing-unusual"' in html
    assert "Nothing looks unusual." in html


@pytest.mark.parametrize("days", ["0", "91", "abc", "1e309", "-3", "99999999999999999999"])
def test_a_bad_number_of_days_is_named_and_the_page_uses_a_week(client, at_now, manager_user, days):
    client.force_login(manager_user)

    response = client.get(REVIEW, {"days": days})

    assert response.status_code == 200
    html = response.content.decode()
    assert "Patterns of the last 7 days" in html
    assert '<div class="field field--error">' in html


def test_the_window_can_be_widened_on_the_page(client, at_now, customer, store, manager_user):
    staff = create_staff(email="sid@example.com", store=store)
    for number in range(3):
        buy(customer, store, f"a-{number}", line("10.00"), actor=staff)
    at_now.shift(datetime.timedelta(days=20))
    client.force_login(manager_user)

    assert 'data-testid="unusual-pairs"' not in client.get(REVIEW).content.decode()
    wide = client.get(REVIEW, {"days": "30"}).content.decode()
    assert 'data-testid="unusual-pairs"' in wide
    assert "Patterns of the last 30 days" in wide


@pytest.mark.parametrize(
    ("who", "expected"),
    [("customer", 403), ("plain_user", 403), ("staff_user", 403), ("manager_user", 200)],
)
def test_only_managers_see_what_looks_unusual(client, request, who, expected):
    user = request.getfixturevalue(who)
    client.force_login(getattr(user, "user", user))

    response = client.get(REVIEW, {"days": "7"})

    assert response.status_code == expected
    assert ("Looks unusual" in response.content.decode()) is (expected == 200)


def test_a_member_is_shown_only_by_name_and_card(client, at_now, store, manager_user):
    """The section never shows more of a member than the held list does."""
    member = create_customer(email="zed@example.com", first_name="Zed", last_name="Zimmer")
    staff = create_staff(email="sid@example.com", store=store)
    for number in range(3):
        buy(member, store, f"a-{number}", line("10.00"), actor=staff)
    client.force_login(manager_user)

    html = client.get(REVIEW).content.decode()

    assert "zed@example.com" not in html
    assert member.card_number in html
