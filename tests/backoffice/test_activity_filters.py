"""The activity log's filters: by action, store, staff member, API key and days; bad values are
named on the page and left out of the filter, never a failure."""

import datetime
import re

import pytest
from django.urls import reverse

from engagement.services.checkout import checkout_purchase, checkout_return
from loyalty.backoffice.activity import ActivityFilter, activity_list
from loyalty.services import points_adjust
from loyalty.services.api_keys import api_key_create
from tests.factories import create_staff, create_store
from tests.loyalty.points import base_rule, buy, line

pytestmark = pytest.mark.django_db

ACTIVITY = reverse("activity:index")
# 23:30 in New York on 31 March is 03:30 on 1 April in UTC: the days are the program's.
START = datetime.datetime(2026, 4, 1, 3, 30, tzinfo=datetime.UTC)


@pytest.fixture
def world(customer, store, staff_user, manager_user, time_machine):
    """Over three days in two stores: staff at each store, a till's key, a manager."""
    time_machine.move_to(START, tick=False)
    base_rule("1")
    uptown = create_store(code="uptown", name="Uptown")
    uptown_staff = create_staff(email="uma@example.com", store=uptown)
    api_key, _raw_key = api_key_create(store=store, name="Till 1")

    buy(customer, store, "d-1", line("10.00"), actor=staff_user)  # 31 March, New York
    time_machine.shift(datetime.timedelta(days=1))
    buy(customer, uptown, "u-1", line("20.00"), actor=uptown_staff)  # 1 April
    from_till = checkout_purchase(
        member=customer, store=store, external_id="t-1", lines=[line("30.00")], api_key=api_key
    ).purchase
    time_machine.shift(datetime.timedelta(days=1))
    checkout_return(purchase=from_till, lines=None, store=store, api_key=api_key)  # 2 April
    points_adjust(account=customer.points_account, points=5, reason="Goodwill", actor=manager_user)
    return {"uptown": uptown, "uptown_staff": uptown_staff, "key": api_key}


@pytest.fixture
def new_york(settings):
    settings.TIME_ZONE = "America/New_York"


def _rows(client, query: dict) -> list[str]:
    response = client.get(ACTIVITY, query)
    assert response.status_code == 200
    return re.findall(r'<tr data-kind="([a-z_]+)">', response.content.decode())


def test_the_feed_narrows_to_each_filter(world, store, staff_user, manager_user):
    def kinds(**filters) -> list[tuple[str, str]]:
        return [
            (activity.kind, activity.what.split(":")[0])
            for activity in activity_list(ActivityFilter(**filters))[0:50]
        ]

    assert kinds(kind="purchase") == [
        ("purchase", "Receipt downtown/t-1, 1 item, 30.00 USD"),
        ("purchase", "Receipt uptown/u-1, 1 item, 20.00 USD"),
        ("purchase", "Receipt downtown/d-1, 1 item, 10.00 USD"),
    ]
    assert kinds(store=world["uptown"]) == [("purchase", "Receipt uptown/u-1, 1 item, 20.00 USD")]
    assert kinds(staff=staff_user) == [("purchase", "Receipt downtown/d-1, 1 item, 10.00 USD")]
    assert kinds(staff=manager_user) == [("adjustment", "+5 points; balance after")]
    assert kinds(api_key=world["key"]) == [
        ("return", "Receipt downtown/t-1, 1 item"),
        ("purchase", "Receipt downtown/t-1, 1 item, 30.00 USD"),
    ]
    # A key is never a staff member, and an adjustment is made at no store.
    assert kinds(api_key=world["key"], staff=staff_user) == []
    assert kinds(store=store, kind="adjustment") == []
    assert activity_list(ActivityFilter(kind="return", api_key=world["key"])).count() == 1


def test_the_page_filters_by_days_of_the_programs_time_zone(client, world, manager_user, new_york):
    client.force_login(manager_user)

    assert _rows(client, {"date_from": "2026-03-31", "date_to": "2026-03-31"}) == ["purchase"]
    assert _rows(client, {"date_from": "2026-04-01", "date_to": "2026-04-01"}) == [
        "purchase",
        "purchase",
    ]
    assert _rows(client, {"date_from": "2026-04-01"}) == [
        "return",
        "adjustment",
        "purchase",
        "purchase",
    ]
    assert _rows(client, {"date_to": "2026-03-31"}) == ["purchase"]


def test_the_page_combines_the_filters_and_keeps_them_on_its_pager(
    client, world, manager_user, customer, staff_user, store
):
    for number in range(55):
        buy(customer, store, f"extra-{number}", line("1.00"), actor=staff_user)
    client.force_login(manager_user)
    query = {"kind": "purchase", "store": "downtown", "staff": str(staff_user.pk)}

    response = client.get(ACTIVITY, query)

    html = response.content.decode()
    assert re.findall(r'<tr data-kind="([a-z_]+)">', html) == ["purchase"] * 50
    assert f'href="?kind=purchase&amp;store=downtown&amp;staff={staff_user.pk}&amp;page=2"' in html
    assert _rows(client, {**query, "page": "2"}) == ["purchase"] * 6
    assert 'data-testid="filter-error"' not in html
    assert _rows(client, {"api_key": str(world["key"].pk), "staff": str(staff_user.pk)}) == []
    nothing = client.get(ACTIVITY, {"kind": "rights_change"}).content.decode()
    assert "Nothing matches this filter." in nothing


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"staff": "abc"}, "staff"),
        ({"staff": "\uff11"}, "staff"),  # a full-width digit is no id
        ({"staff": "-1"}, "staff"),
        ({"staff": "99999999999999999999999999"}, "staff"),
        ({"api_key": "1e3"}, "api_key"),
        ({"api_key": "999999999"}, "api_key"),
        ({"store": "<script>"}, "store"),
        ({"store": "nowhere"}, "store"),
        ({"kind": "everything"}, "kind"),
        ({"date_from": "2026-13-45"}, "date_from"),
        ({"date_to": "yesterday"}, "date_to"),
        ({"date_from": "1000-01-01"}, "date_from"),
        ({"date_to": "9999-12-31"}, "date_to"),
    ],
)
def test_a_bad_value_is_named_and_left_out_of_the_filter(client, world, manager_user, query, field):
    client.force_login(manager_user)

    response = client.get(ACTIVITY, {**query, "kind": query.get("kind", "purchase")})

    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-testid="filter-error"' in html
    assert re.search(rf'<div class="field field--error">\s*<label for="id_{field}"', html)
    expected = ["purchase", "purchase", "purchase"]
    if field == "kind":
        expected = ["return", "adjustment", "purchase", "purchase", "purchase"]
    assert re.findall(r'<tr data-kind="([a-z_]+)">', html) == expected


def test_a_period_that_ends_before_it_starts_is_named_and_left_out(client, world, manager_user):
    client.force_login(manager_user)

    response = client.get(ACTIVITY, {"date_from": "2026-04-02", "date_to": "2026-04-01"})

    html = response.content.decode()
    assert "The period ends before it starts" in html
    assert len(re.findall(r'<tr data-kind="([a-z_]+)">', html)) == 5


@pytest.mark.parametrize("page", ["999999999999999999999999", "-5", "x", "1e9", "0"])
def test_a_page_out_of_range_shows_the_nearest_page(client, world, manager_user, page):
    client.force_login(manager_user)

    assert len(_rows(client, {"page": page, "kind": "purchase"})) == 3
