"""The member's points pages: the dashboard (/me/) and the history (/me/history/)."""

import datetime
import re
from decimal import Decimal

import pytest
from django.urls import reverse

from engagement.services.checkout import checkout_purchase, checkout_return
from loyalty.models import EarningRule, EntryKind, ExpiryPolicy, ProductCategory, RuleKind
from loyalty.services import BasketLine, points_credit, points_spend, program_settings_get
from loyalty.services.purchases import ReturnRequest

UTC = datetime.UTC
MINUS = "\u2212"


def _base_rule(rate: str = "1") -> EarningRule:
    return EarningRule.objects.create(kind=RuleKind.BASE_RATE, rate=Decimal(rate), name="Base")


def _buy(member, store, external_id: str, *amounts: str, **fields):
    lines = [BasketLine(amount=Decimal(amount)) for amount in amounts]
    return checkout_purchase(
        member=member, store=store, external_id=external_id, lines=lines, **fields
    ).purchase


def _program(**fields):
    program = program_settings_get()
    for name, value in fields.items():
        setattr(program, name, value)
    program.save()
    return program


def _entry_points(html: str) -> list[str]:
    return re.findall(r'data-testid="points">([^<]*)<', html)


def _expiry_warning(html: str) -> tuple[str, str]:
    """The soonest expiry on the dashboard: (what it says, its day's datetime)."""
    match = re.search(
        r'data-testid="expiring-first">(.*?<time datetime="([\d-]+)">.*?)</p>', html, re.DOTALL
    )
    assert match is not None, "no expiry warning"
    return re.sub(r"<[^>]+>", "", match.group(1)), match.group(2)


def _section(html: str, testid: str) -> str:
    match = re.search(rf'data-testid="{testid}".*?</section>', html, re.DOTALL)
    assert match is not None, f"no section {testid}"
    return match.group(0)


# --- who may see the pages ---------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["members:dashboard", "members:history"])
def test_anonymous_visitors_are_sent_to_log_in(client, name):
    response = client.get(reverse(name))

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('account_login')}?next={reverse(name)}"


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["members:dashboard", "members:history"])
def test_a_user_without_a_member_card_gets_the_no_membership_page(client, staff_user, name):
    client.force_login(staff_user)

    response = client.get(reverse(name))

    assert response.status_code == 404
    assert response.templates[0].name == "members/no_membership.html"


# --- dashboard ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_dashboard_shows_the_balance_its_cash_value_and_links_to_the_history(
    client, customer, store
):
    _program(point_value=Decimal("0.05"), currency="USD")
    _base_rule()
    _buy(customer, store, "r1", "250.00")
    client.force_login(customer.user)

    response = client.get(reverse("members:dashboard"))

    html = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="balance">250<' in html
    assert 'data-testid="cash-value">Worth $12.50<' in html
    assert f'href="{reverse("members:history")}"' in html
    assert 'data-testid="debt"' not in html


@pytest.mark.django_db
def test_dashboard_shows_pending_points_with_the_day_they_become_available(
    client, customer, store, time_machine
):
    time_machine.move_to(datetime.datetime(2026, 3, 2, 10, 0, tzinfo=UTC), tick=False)
    _program(pending_days=14)
    _base_rule()
    _buy(customer, store, "r1", "40.00")
    client.force_login(customer.user)

    response = client.get(reverse("members:dashboard"))

    html = response.content.decode()
    assert 'data-testid="balance">0<' in html
    pending = _section(html, "pending")
    assert "40 points" in pending
    assert '<time datetime="2026-03-16">March 16, 2026</time>' in pending


@pytest.mark.django_db
def test_dashboard_warns_of_the_soonest_expiry_and_sums_up_the_rest_of_90_days(
    client, customer, store, time_machine
):
    # Given three lots issued under different expiry periods: in 30, 60 and 120 days.
    time_machine.move_to(datetime.datetime(2026, 1, 10, 12, 0, tzinfo=UTC), tick=False)
    _base_rule()
    for external_id, days, amount in [("r1", 30, "10"), ("r2", 60, "20"), ("r3", 120, "40")]:
        _program(expiry_policy=ExpiryPolicy.DAYS, expiry_days=days)
        _buy(customer, store, external_id, amount)
    client.force_login(customer.user)

    response = client.get(reverse("members:dashboard"))

    expiring = _section(response.content.decode(), "expiring")
    assert _expiry_warning(expiring) == (
        "Use 10 points by Feb. 9, 2026 or lose them",
        "2026-02-09",
    )
    later = re.search(r'data-testid="expiring-later">(.*?)</p>', expiring).group(1)
    assert later == '20 more points expire by <time datetime="2026-03-11">March 11, 2026</time>'
    assert "2026-05-10" not in expiring  # the lot of 120 days is outside the window


@pytest.mark.django_db
def test_dashboard_adds_up_every_expiry_day_after_the_soonest_one(
    client, customer, store, time_machine
):
    # Given lots expiring on seven days within 90 days, and one after them.
    time_machine.move_to(datetime.datetime(2026, 1, 10, 12, 0, tzinfo=UTC), tick=False)
    _base_rule()
    for number, days in enumerate([10, 20, 30, 40, 50, 60, 70, 100], start=1):
        _program(expiry_policy=ExpiryPolicy.DAYS, expiry_days=days)
        _buy(customer, store, f"r{number}", str(number))
    client.force_login(customer.user)

    response = client.get(reverse("members:dashboard"))

    expiring = _section(response.content.decode(), "expiring")
    assert _expiry_warning(expiring) == ("Use 1 point by Jan. 20, 2026 or lose it", "2026-01-20")
    later = _section(expiring, "expiring-later")
    # 2 + 3 + 4 + 5 + 6 + 7; the lot expiring in 100 days is not counted.
    assert '27 more points expire by <time datetime="2026-03-21">March 21, 2026</time>' in later


@pytest.mark.django_db
def test_dashboard_says_so_when_no_points_expire_soon(client, customer, store):
    _base_rule()
    _buy(customer, store, "r1", "10")  # the default policy: points never expire
    client.force_login(customer.user)

    response = client.get(reverse("members:dashboard"))

    expiring = _section(response.content.decode(), "expiring")
    assert "None of your points expire in the next 90 days." in expiring


@pytest.mark.django_db
def test_dashboard_explains_points_owed_after_a_return(client, customer, store):
    # Given 100 points earned, 80 of them spent, then the whole purchase returned.
    _base_rule()
    purchase = _buy(customer, store, "r1", "100")
    points_spend(account=customer.points_account, points=80)
    checkout_return(purchase=purchase, lines=None)
    client.force_login(customer.user)

    response = client.get(reverse("members:dashboard"))

    html = response.content.decode()
    assert 'data-testid="balance">0<' in html
    debt = re.search(r'data-testid="debt">(.*?)</div>', html, re.DOTALL).group(1)
    assert "80 points owed" in debt
    assert "Points from a returned purchase that are taken from your next earnings" in debt


# --- history -----------------------------------------------------------------------------


@pytest.mark.django_db
def test_history_lists_entries_newest_first_with_signed_points_and_balance(
    client, customer, store, time_machine
):
    time_machine.move_to(datetime.datetime(2026, 4, 1, 9, 0, tzinfo=UTC), tick=False)
    _base_rule()
    _buy(customer, store, "r1", "10")
    time_machine.move_to(datetime.datetime(2026, 4, 2, 9, 0, tzinfo=UTC), tick=False)
    _buy(customer, store, "r2", "30")
    time_machine.move_to(datetime.datetime(2026, 4, 3, 9, 0, tzinfo=UTC), tick=False)
    points_spend(account=customer.points_account, points=20, note="Free coffee")
    client.force_login(customer.user)

    response = client.get(reverse("members:history"))

    html = response.content.decode()
    assert response.status_code == 200
    assert _entry_points(html) == [f"{MINUS}20", "+30", "+10"]
    assert re.findall(r"Balance (\d+)<", html) == ["20", "40", "10"]
    assert "Free coffee" in html
    assert "receipt r2" in html
    assert "Downtown" in html


@pytest.mark.django_db
def test_history_dates_are_in_the_program_time_zone(
    client, customer, store, settings, time_machine
):
    settings.TIME_ZONE = "America/New_York"
    time_machine.move_to(datetime.datetime(2026, 1, 10, 3, 0, tzinfo=UTC), tick=False)
    _base_rule()
    _buy(customer, store, "r1", "10")
    client.force_login(customer.user)

    response = client.get(reverse("members:history"))

    html = response.content.decode()
    assert '<time datetime="2026-01-09T22:00:00-05:00">Jan. 9, 2026, 10 p.m.</time>' in html


@pytest.mark.django_db
def test_history_pages_by_25_and_bad_page_numbers_fall_back(client, customer):
    # Given 30 bonuses of 1, 2, ... 30 points, the newest (30) first in the history.
    for points in range(1, 31):
        points_credit(account=customer.points_account, points=points, note=f"gift {points}")
    client.force_login(customer.user)
    url = reverse("members:history")

    first = client.get(url).content.decode()
    second = client.get(url, {"page": "2"}).content.decode()

    assert _entry_points(first) == [f"+{points}" for points in range(30, 5, -1)]
    assert _entry_points(second) == ["+5", "+4", "+3", "+2", "+1"]
    assert "Page 2 of 2" in second
    assert 'rel="prev" href="?page=1"' in second
    for page, shows in [("999", "+1"), ("0", "+1"), ("abc", "+30"), ("", "+30"), ("1.5", "+30")]:
        response = client.get(url, {"page": page})
        assert response.status_code == 200, page
        assert _entry_points(response.content.decode())[-1 if shows == "+1" else 0] == shows


@pytest.mark.django_db
def test_history_filters_by_kind_and_ignores_an_unknown_kind(client, customer, store):
    _base_rule()
    _buy(customer, store, "r1", "50")
    points_credit(account=customer.points_account, points=5, kind=EntryKind.BONUS)
    points_spend(account=customer.points_account, points=30)
    client.force_login(customer.user)
    url = reverse("members:history")

    spent = client.get(url, {"kind": "spend"}).content.decode()
    unknown = client.get(url, {"kind": "drop table"})

    assert _entry_points(spent) == [f"{MINUS}30"]
    assert '<option value="spend" selected>Spent</option>' in spent
    assert unknown.status_code == 200
    assert _entry_points(unknown.content.decode()) == [f"{MINUS}30", "+5", "+50"]


@pytest.mark.django_db
def test_history_filter_is_kept_across_pages(client, customer):
    for points in range(1, 27):
        points_credit(account=customer.points_account, points=points)
    points_spend(account=customer.points_account, points=1)
    client.force_login(customer.user)

    response = client.get(reverse("members:history"), {"kind": "bonus"})

    html = response.content.decode()
    assert len(_entry_points(html)) == 25
    assert 'rel="next" href="?kind=bonus&amp;page=2"' in html


@pytest.mark.django_db
def test_a_purchase_expands_to_its_rule_breakdown_and_lines(client, customer, store):
    # Given a base rate of 1 and a double-points promotion on coffee.
    coffee = ProductCategory.objects.create(code="coffee", name="Coffee")
    _base_rule()
    promotion = EarningRule.objects.create(
        kind=RuleKind.PROMOTION, multiplier=Decimal("2"), name="Coffee Tuesday"
    )
    promotion.categories.set([coffee])
    recorded = checkout_purchase(
        member=customer,
        store=store,
        external_id="r1",
        lines=[
            BasketLine(
                amount=Decimal("20.00"), quantity=2, category=coffee, description="Flat white"
            ),
            BasketLine(amount=Decimal("5.00"), description="Croissant"),
        ],
    )
    flat_white = recorded.purchase.lines.get(position=1)
    # When one of the two flat whites comes back.
    checkout_return(purchase=recorded.purchase, lines=[ReturnRequest(flat_white.pk, 1)])
    client.force_login(customer.user)

    response = client.get(reverse("members:history"))

    html = response.content.decode()
    assert _entry_points(html) == [f"{MINUS}20", "+45"]
    details = re.search(r"<details.*?</details>", html, re.DOTALL).group(0)
    breakdown = re.search(r'data-testid="breakdown">(.*?)</ul>', details, re.DOTALL).group(1)
    assert re.findall(r"<li>([^<]*)</li>", breakdown) == ["Base: +25", "Coffee Tuesday: +20"]
    rows = [
        re.findall(r"<td[^>]*>([^<]*)</td>", row)
        for row in re.findall(r"<tr>(.*?)</tr>", details.split("<tbody>")[1], re.DOTALL)
    ]
    assert rows[:2] == [["Flat white", "2", "20.00", "1"], ["Croissant", "1", "5.00", "0"]]
    assert html.count("<details") == 1  # the return entry is not expandable


@pytest.mark.django_db
def test_history_shows_pending_points_above_the_entries(client, customer, store, time_machine):
    time_machine.move_to(datetime.datetime(2026, 3, 2, 10, 0, tzinfo=UTC), tick=False)
    _base_rule()
    points_credit(account=customer.points_account, points=7)
    _program(pending_days=14)
    _buy(customer, store, "r1", "40.00")
    client.force_login(customer.user)

    response = client.get(reverse("members:history"))

    html = response.content.decode()
    pending = _section(html, "pending")
    assert "receipt r1" in pending
    assert "+40" in pending
    assert 'Available from <time datetime="2026-03-16T10:00:00+00:00">March 16, 2026</time>' in (
        pending
    )
    assert html.index('data-testid="pending"') < html.index('data-testid="entries"')
    assert _entry_points(html) == ["+7"]


@pytest.mark.django_db
def test_a_member_never_sees_another_members_points(client, customer, other_customer, store):
    _base_rule()
    _buy(customer, store, "alice-1", "12")
    _buy(other_customer, store, "bob-1", "77")
    points_credit(account=other_customer.points_account, points=5, note="Bob's gift")
    client.force_login(customer.user)

    history = client.get(reverse("members:history")).content.decode()
    everything = client.get(reverse("members:history"), {"kind": "bonus"}).content.decode()
    dashboard = client.get(reverse("members:dashboard")).content.decode()

    assert _entry_points(history) == ["+12"]
    assert "bob-1" not in history
    assert "Bob&#x27;s gift" not in everything
    assert _entry_points(everything) == []
    assert 'data-testid="balance">12<' in dashboard
