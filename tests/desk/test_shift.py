"""The shift summary: one day's figures per staff member and store, in the program's time zone.

The day is 10 March 2026 in New York; what happened at 23:50 there on the 9th (already the
10th in UTC) belongs to yesterday.
"""

import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from engagement.services.checkout import checkout_purchase, checkout_return, checkout_void
from loyalty.selectors.shift import ShiftFigures
from loyalty.services import ReturnRequest
from loyalty.services.api_keys import api_key_create
from rewards.models import RedemptionChannel
from rewards.services import redemption_void, reward_redeem, voucher_use
from tests.factories import create_staff, create_store
from tests.loyalty.points import base_rule, line
from tests.rewards.catalogue import give_points, make_reward

pytestmark = pytest.mark.django_db

NEW_YORK = ZoneInfo("America/New_York")
URL = reverse("staff:shift")


def at(day: int, hour: int, minute: int = 0) -> datetime.datetime:
    return datetime.datetime(2026, 3, day, hour, minute, tzinfo=NEW_YORK)


@pytest.fixture(autouse=True)
def _new_york(settings):
    settings.TIME_ZONE = "America/New_York"


@pytest.fixture
def uptown(db):
    return create_store(code="uptown", name="Uptown")


@pytest.fixture
def uptown_staff(uptown):
    return create_staff(email="uma@example.com", store=uptown)


def _buy(member, store, receipt, amount, *, actor=None, api_key=None, quantity=1):
    return checkout_purchase(
        member=member,
        store=store,
        external_id=receipt,
        lines=[line(amount, quantity=quantity)],
        actor=actor,
        api_key=api_key,
    ).purchase


@pytest.fixture
def day(customer, other_customer, store, uptown, staff_user, manager_user, uptown_staff):
    """Yesterday late, and a whole day at Downtown (Sam the staff member, Morgan the manager,
    a till's API key) and at Uptown (Uma)."""
    base_rule("1")
    give_points(customer, 200)
    give_points(other_customer, 100)
    coffee = make_reward("coffee", points_cost=50)
    till, _raw_key = api_key_create(store=store, name="Till 1")
    with time_machine.travel(at(9, 23, 50), tick=False):
        _buy(customer, store, "y-1", "5.00", actor=staff_user)
        _buy(customer, uptown, "y-2", "6.00", actor=uptown_staff)
        reward_redeem(
            member=customer,
            reward=coffee,
            channel=RedemptionChannel.COUNTER,
            actor=staff_user,
            store=store,
        )
    with time_machine.travel(at(10, 0, 10), tick=False):
        bobs_voucher = reward_redeem(
            member=other_customer, reward=coffee, channel=RedemptionChannel.ONLINE
        )
    with time_machine.travel(at(10, 10), tick=False):
        two_mugs = _buy(customer, store, "d-1", "40.00", actor=staff_user, quantity=2)
        mistake = _buy(customer, store, "d-2", "25.50", actor=staff_user)
        held = _buy(customer, store, "d-3", "9000.00", actor=staff_user)
        assert held.is_held
        checkout_void(purchase=mistake, actor=staff_user, store=store)
    with time_machine.travel(at(10, 12), tick=False):
        checkout_return(
            purchase=two_mugs,
            lines=[ReturnRequest(line_id=two_mugs.lines.get().pk, quantity=1)],
            actor=staff_user,
            store=store,
            external_id="ret-1",
        )
        reward_redeem(
            member=customer,
            reward=coffee,
            channel=RedemptionChannel.COUNTER,
            actor=staff_user,
            store=store,
        )
        voucher_use(code=bobs_voucher.code, actor=staff_user, store=store)
        wrong_reward = reward_redeem(
            member=customer,
            reward=coffee,
            channel=RedemptionChannel.COUNTER,
            actor=staff_user,
            store=store,
        )
        redemption_void(redemption=wrong_reward, actor=staff_user, store=store)
        _buy(customer, store, "d-4", "10.00", actor=manager_user)
        _buy(customer, store, "api-1", "30.00", api_key=till)
        reward_redeem(
            member=customer,
            reward=coffee,
            channel=RedemptionChannel.API,
            store=store,
            api_key=till,
        )
    with time_machine.travel(at(10, 23, 30), tick=False):
        _buy(customer, uptown, "u-1", "70.00", actor=uptown_staff)


SAM = ShiftFigures(
    purchases=3,
    sales=Decimal("9065.50"),
    points_issued=65,
    held=1,
    held_points=9000,
    returns=1,
    returned_points=20,
    voids=1,
    voided_points=25,
    redemptions=2,
    redeemed_points=100,
    vouchers_used=1,
    redemption_voids=1,
    redemption_voided_points=50,
)
MORGAN = ShiftFigures(purchases=1, sales=Decimal("10.00"), points_issued=10)
API = ShiftFigures(
    purchases=1, sales=Decimal("30.00"), points_issued=30, redemptions=1, redeemed_points=50
)
UMA = ShiftFigures(purchases=1, sales=Decimal("70.00"), points_issued=70)


def _rows(response) -> list[tuple[str, str, str, ShiftFigures]]:
    return [
        (shift.store.code, row.kind, row.name, row.figures)
        for shift in response.context["shifts"]
        for row in shift.rows
    ]


def _page(client, user, query=None, *, when=None):
    client.force_login(user)
    with time_machine.travel(when or at(10, 23, 45), tick=False):
        return client.get(URL, query or {})


def test_staff_see_their_own_figures_of_today_at_their_store(client, day, staff_user):
    response = _page(client, staff_user)

    assert response.status_code == 200
    assert _rows(response) == [("downtown", "staff", "Sam", SAM)]
    assert SAM.points_taken_back == 45
    html = response.content.decode()
    assert "Downtown · Tuesday 10 March 2026" in html
    assert "$9,065.50" in html
    assert "9,000 points" in html  # the held purchase's points
    assert "50 points given back" in html  # the voided redemption's
    assert "API / web shop" not in html
    assert "Uptown" not in html


def test_staff_never_see_another_store_nor_another_day_by_asking(
    client, day, staff_user, uptown_staff
):
    for query in (
        {"store": "uptown"},
        {"store": "all"},
        {"day": "2026-03-09"},
        {"store": "uptown", "day": "2026-03-09"},
    ):
        response = _page(client, staff_user, query)
        assert response.status_code == 200, query
        assert _rows(response) == [("downtown", "staff", "Sam", SAM)], query
        assert "Uptown" not in response.content.decode(), query

    response = _page(client, uptown_staff, {"store": "downtown"})
    assert _rows(response) == [("uptown", "staff", "Sam", UMA)]
    assert "Downtown" not in response.content.decode()


def test_managers_see_each_staff_member_the_api_and_the_total_of_their_store(
    client, day, manager_user
):
    response = _page(client, manager_user)

    assert _rows(response) == [
        ("downtown", "staff", "Morgan", MORGAN),
        ("downtown", "staff", "Sam", SAM),
        ("downtown", "api", "API / web shop", API),
    ]
    [downtown] = response.context["shifts"]
    assert downtown.total == ShiftFigures(
        purchases=5,
        sales=Decimal("9105.50"),
        points_issued=105,
        held=1,
        held_points=9000,
        returns=1,
        returned_points=20,
        voids=1,
        voided_points=25,
        redemptions=3,
        redeemed_points=150,
        vouchers_used=1,
        redemption_voids=1,
        redemption_voided_points=50,
    )
    html = response.content.decode()
    assert "API / web shop" in html
    assert "$9,105.50" in html


def test_managers_pick_all_stores_or_another_and_a_past_day(client, day, manager_user):
    everything = _page(client, manager_user, {"store": "all", "day": "2026-03-10"})
    assert _rows(everything) == [
        ("downtown", "staff", "Morgan", MORGAN),
        ("downtown", "staff", "Sam", SAM),
        ("downtown", "api", "API / web shop", API),
        ("uptown", "staff", "Sam", UMA),
    ]
    assert everything.context["grand_total"].purchases == 6
    assert everything.context["grand_total"].sales == Decimal("9175.50")
    assert 'data-testid="shift-all-stores"' in everything.content.decode()

    uptown = _page(client, manager_user, {"store": "uptown"})
    assert _rows(uptown) == [("uptown", "staff", "Sam", UMA)]

    # Yesterday in New York, although already the 10th in UTC.
    yesterday = _page(client, manager_user, {"store": "all", "day": "2026-03-09"})
    assert _rows(yesterday) == [
        (
            "downtown",
            "staff",
            "Sam",
            ShiftFigures(
                purchases=1,
                sales=Decimal("5.00"),
                points_issued=5,
                redemptions=1,
                redeemed_points=50,
            ),
        ),
        (
            "uptown",
            "staff",
            "Sam",
            ShiftFigures(purchases=1, sales=Decimal("6.00"), points_issued=6),
        ),
    ]

    empty = _page(client, manager_user, {"store": "all", "day": "2026-03-01"})
    assert _rows(empty) == []
    assert "Nothing was recorded on this day." in empty.content.decode()


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"day": "2026-03-11"}, "That day has not come yet: pick today or a day before."),
        ({"day": "yesterday"}, "Enter a date such as 2025-01-31."),
        ({"day": "2026-02-30"}, "Enter a date such as 2025-01-31."),
        ({"day": "1999-12-31"}, "Pick a day from 2000-01-01 on."),
        ({"store": "nowhere"}, "Pick a store from the list."),
        ({"store": "x" * 5000}, "Pick a store from the list."),
    ],
)
def test_a_bad_day_or_store_is_a_clear_message_and_shows_no_figures(
    client, day, manager_user, query, message
):
    response = _page(client, manager_user, query)

    assert response.status_code == 200
    assert message in response.content.decode()
    assert "shifts" not in response.context


def test_a_staff_member_without_a_store_is_told_so(client, day):
    nowhere = create_staff(email="nostore@example.com", store=None)

    response = _page(client, nowhere)

    assert response.status_code == 403
    assert "Your login is not linked to a store." in response.content.decode()
    assert response.templates[0].name == "desk/no_store.html"


def test_members_and_strangers_never_see_it(client, day, customer, plain_user):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    for user in (customer.user, plain_user):
        client.force_login(user)
        assert client.get(URL).status_code == 403


def test_the_desk_links_to_it(client, staff_user):
    client.force_login(staff_user)

    assert f'href="{URL}"' in client.get(reverse("staff:desk")).content.decode()


def test_the_figures_cost_the_same_queries_on_a_busy_day(
    client, day, customer, store, staff_user, manager_user
):
    def queries(user) -> int:
        client.force_login(user)
        with (
            time_machine.travel(at(10, 23, 45), tick=False),
            CaptureQueriesContext(connection) as captured,
        ):
            assert client.get(URL, {"store": "all"}).status_code == 200
        return len(captured)

    quiet = (queries(staff_user), queries(manager_user))
    with time_machine.travel(at(10, 15), tick=False):
        for number in range(8):
            helper = create_staff(email=f"helper{number}@example.com", store=store)
            _buy(customer, store, f"busy-{number}", "3.00", actor=helper)
            _buy(customer, create_store(code=f"s{number}"), f"far-{number}", "3.00")

    assert (queries(staff_user), queries(manager_user)) == quiet


def test_an_online_voucher_voided_at_the_desk_counts_at_the_store_that_voided_it(
    client, other_customer, store, staff_user, uptown_staff
):
    give_points(other_customer, 100)
    coffee = make_reward("coffee", points_cost=40)
    with time_machine.travel(at(10, 9), tick=False):
        voucher = reward_redeem(
            member=other_customer, reward=coffee, channel=RedemptionChannel.ONLINE
        )
        redemption_void(redemption=voucher, actor=staff_user, store=store)

    assert _rows(_page(client, staff_user)) == [
        (
            "downtown",
            "staff",
            "Sam",
            ShiftFigures(redemption_voids=1, redemption_voided_points=40),
        )
    ]
    assert _rows(_page(client, uptown_staff)) == []
