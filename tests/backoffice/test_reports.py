"""The managers' reports page: every figure against a hand-computed program, CSV, access.

The program below runs from May 2024 to "now", 15 June 2025 at noon in Zurich (the program's
time zone for these tests), one point per currency unit, each point worth 0.05:

    when (Zurich)       what                                            points
    2024-05-01          Alice and Bob join; Bob via Alice's link
    2024-05-01 12:00    P1  Alice, Downtown, 100.00 (expires 2025-05-02)  +100
    2024-06-20 12:00    P2  Alice, Downtown, 30.00 + 10.00 (exp 06-21)    +40
    2024-08-01 12:00    P3  Bob, Harbour, 60.00 (expires 2025-08-02)      +60
    2025-01-10 12:00    P4  Alice, Downtown, 30.00 + 2 x 10.00 (2026-01-11) +50
    2025-02-10          Chloe joins via Bob's link
    2025-03-01 00:30    P5  Chloe, Downtown, 80.00 (2026-03-02) - that is 28 February in UTC
                        qualifies the referral: Bob +200, Chloe +100 (both expire 2026-03-02)
    2025-03-05 12:00    one 10.00 item of P4 returned at Downtown          -10
    2025-04-01 12:00    Alice redeems "Free coffee" (20) online            -20
    2025-04-02 12:00    Bob redeems "=cmd" (15) at the Downtown counter    -15
    2025-04-03 12:00    Alice redeems "Free coffee" again; voided at once  -20 +20
    2025-04-10 12:00    Chloe gives 2 x 10 points to the Food Bank          -20
    2025-04-20 12:00    P8  Alice, Harbour, 10.00 (2026-04-21)             +10
    2025-05-02 00:30    expiry run: what is left of P1 expires              -80
    2025-05-15          points now expire after 730 days
    2025-06-01 12:00    Dan joins via Alice's link; P6 Bob, Downtown, 25.00 (2027-06-02) +25
    2025-06-02          Eve joins via Alice's link from a busy IP: flagged
    2025-06-03          Frank joins via Alice's link; the manager rejects it
    2025-06-05 12:00    points never expire from now on; Chloe +30 goodwill  +30
    2025-06-06 12:00    Bob -5 correction                                   -5
    2025-06-10 12:00    14-day hold from now on; P7 Dan, Harbour, 15.00: 15 pending
    2025-06-12 12:00    the 10.00 line of P2 returned at Downtown          -10
    tiers now: Alice Gold, Bob and Chloe Silver, the others none; Platinum empty.
"""

import csv
import datetime
import io
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from engagement.models import SurveyInvitation
from engagement.services.checkout import checkout_purchase, checkout_return
from engagement.services.surveys import survey_answer
from loyalty.backoffice.charts import Bar, Series, grouped_bar_chart, horizontal_bar_chart
from loyalty.backoffice.report import (
    LiabilityBucket,
    PointsMonth,
    ReportPeriod,
    members_summary_get,
    nps_summary_get,
    points_flow_get,
    points_liability_get,
    purchases_summary_get,
    referral_funnel_get,
    report_get,
    rewards_summary_get,
)
from loyalty.backoffice.tasks import refresh_report
from loyalty.models import ExpiryPolicy, PointsAccount, ProgramSettings, Tier
from loyalty.platform.colours import safe_colour
from loyalty.services import BasketLine, ReturnRequest, points_adjust
from loyalty.services.expiry import points_expire_due
from loyalty.services.program import program_settings_get
from members.models import User
from members.roles import PROGRAM_MANAGERS
from referrals.models import Referral, ReferralCode
from referrals.services import (
    referral_attach,
    referral_link_opened,
    referral_reject,
    referral_settings_get,
)
from rewards.models import RedemptionChannel, RewardKind
from rewards.services import redemption_void, reward_redeem
from tests.factories import LONG_AGO, create_customer, create_store
from tests.loyalty.points import base_rule, buy, line
from tests.rewards.catalogue import make_cause, make_reward

ZONE = ZoneInfo("Europe/Zurich")
URL = "/manage/reports/"


def at(year, month, day, hour=12, minute=0) -> datetime.datetime:
    return datetime.datetime(year, month, day, hour, minute, tzinfo=ZONE)


NOW = at(2025, 6, 15)


@pytest.fixture(autouse=True)
def _zurich(settings):
    settings.TIME_ZONE = "Europe/Zurich"


def travel(moment: datetime.datetime):
    return time_machine.travel(moment, tick=False)


def _program(**fields) -> None:
    program_settings_get()
    ProgramSettings.objects.filter(pk=1).update(**fields)


def _join(email: str, first_name: str, moment: datetime.datetime, *, invited_by=None, ip=None):
    with travel(moment):
        member = create_customer(email=email, first_name=first_name, last_name="Test")
        referral = None
        if invited_by is not None:
            code = ReferralCode.objects.get(member=invited_by).code
            referral = referral_attach(friend=member, code=code, ip=ip)
    return member, referral


@pytest.fixture
def program(store, staff_user, manager_user):
    """The program of the module docstring; returns who and what the tests look at."""
    downtown = store
    harbour = create_store(code="harbour", name="Harbour Mall")
    _program(
        expiry_policy=ExpiryPolicy.DAYS,
        expiry_days=365,
        point_value=Decimal("0.05"),
        pending_days=0,
    )
    referral_settings = referral_settings_get()
    referral_settings.return_window_days = 0  # the story's referral rewards are paid at once
    referral_settings.save()
    base_rule("1")
    coffee = make_reward("free-coffee", points_cost=20, name="Free coffee")
    injected = make_reward("cmd", points_cost=15, name="=cmd")
    meal = make_reward(
        "give-a-meal",
        points_cost=10,
        name="Give a meal",
        kind=RewardKind.DONATION,
        cause=make_cause("food-bank"),
        max_steps=5,
    )

    alice, _ = _join("alice@example.com", "Alice", at(2024, 5, 1, 10))
    bob, _ = _join("bob@example.com", "Bob", at(2024, 5, 1, 10), invited_by=alice)
    with travel(at(2024, 5, 1)):
        buy(alice, downtown, "P1", line("100.00"), actor=staff_user)
    with travel(at(2024, 6, 20)):
        p2 = buy(alice, downtown, "P2", line("30.00"), line("10.00"), actor=staff_user)
    with travel(at(2024, 8, 1)):
        buy(bob, harbour, "P3", line("60.00"))
    with travel(at(2025, 1, 10)):
        p4 = buy(alice, downtown, "P4", line("30.00"), line("20.00", quantity=2))
    chloe, _ = _join("chloe@example.com", "Chloe", at(2025, 2, 10, 10), invited_by=bob)
    with travel(at(2025, 3, 1, 0, 30)):
        buy(chloe, downtown, "P5", line("80.00"))
    with travel(at(2025, 3, 5)):
        returned_line = p4.lines.get(position=2)
        checkout_return(
            purchase=p4,
            lines=[ReturnRequest(line_id=returned_line.pk, quantity=1)],
            actor=staff_user,
            store=downtown,
        )
    with travel(at(2025, 4, 1)):
        reward_redeem(member=alice, reward=coffee, channel=RedemptionChannel.ONLINE)
    with travel(at(2025, 4, 2)):
        reward_redeem(
            member=bob,
            reward=injected,
            channel=RedemptionChannel.COUNTER,
            actor=staff_user,
            store=downtown,
        )
    with travel(at(2025, 4, 3)):
        voided = reward_redeem(member=alice, reward=coffee, channel=RedemptionChannel.ONLINE)
        redemption_void(redemption=voided, actor=manager_user)
    with travel(at(2025, 4, 10)):
        reward_redeem(member=chloe, reward=meal, channel=RedemptionChannel.ONLINE, steps=2)
    with travel(at(2025, 4, 20)):
        buy(alice, harbour, "P8", line("10.00"))
    with travel(at(2025, 5, 2, 0, 30)):
        assert points_expire_due() == 1
    _program(expiry_days=730)
    dan, _ = _join("dan@example.com", "Dan", at(2025, 6, 1, 10), invited_by=alice)
    with travel(at(2025, 6, 1)):
        buy(bob, downtown, "P6", line("25.00"))
    referral_settings = referral_settings_get()
    referral_settings.signups_per_ip_per_day = 0
    referral_settings.save()
    _join("eve@example.com", "Eve", at(2025, 6, 2, 10), invited_by=alice, ip="203.0.113.9")
    _frank, frank_referral = _join(
        "frank@example.com", "Frank", at(2025, 6, 3, 10), invited_by=alice
    )
    with travel(at(2025, 6, 3, 11)):
        referral_reject(referral=frank_referral, actor=manager_user)
    _program(expiry_policy=ExpiryPolicy.NEVER)
    with travel(at(2025, 6, 5)):
        points_adjust(
            account=chloe.points_account, points=30, reason="Goodwill", actor=manager_user
        )
    with travel(at(2025, 6, 6)):
        points_adjust(
            account=bob.points_account, points=-5, reason="Correction", actor=manager_user
        )
    _program(pending_days=14)
    with travel(at(2025, 6, 10)):
        buy(dan, harbour, "P7", line("15.00"))
    with travel(at(2025, 6, 12)):
        checkout_return(
            purchase=p2,
            lines=[ReturnRequest(line_id=p2.lines.get(position=2).pk, quantity=1)],
            actor=staff_user,
            store=downtown,
        )
    for member, opens in [(alice, 3), (bob, 2)]:
        for _open in range(opens):
            referral_link_opened(referral_code=ReferralCode.objects.get(member=member))
    Tier.objects.create(name="Silver", rank=1, threshold=100, colour="#8c9aa6")
    gold = Tier.objects.create(name="Gold", rank=2, threshold=1000, colour="#d4af37")
    Tier.objects.create(name="Platinum", rank=3, threshold=5000, colour="#5b6770")
    # Tiers came after the purchases, so nobody moved up on the way; set them as they are now.
    PointsAccount.objects.filter(member=alice).update(tier=gold)
    PointsAccount.objects.filter(member__in=[bob, chloe]).update(
        tier=Tier.objects.get(name="Silver")
    )
    return {"downtown": downtown, "harbour": harbour, "members": (alice, bob, chloe, dan)}


DEFAULT = ReportPeriod(first_day=datetime.date(2024, 7, 1), last_day=datetime.date(2025, 6, 15))
MARCH_APRIL = ReportPeriod(first_day=datetime.date(2025, 3, 1), last_day=datetime.date(2025, 4, 30))


def _month(year, month, issued=0, redeemed=0, expired=0, returned=0, adjusted_down=0):
    return PointsMonth(
        datetime.date(year, month, 1), issued, redeemed, expired, returned, adjusted_down
    )


# --- Figures ------------------------------------------------------------------------------


def test_the_default_period_is_the_last_twelve_whole_months_to_today():
    assert ReportPeriod.default(now=NOW) == DEFAULT
    assert DEFAULT.start == at(2024, 7, 1, 0)
    assert DEFAULT.end == at(2025, 6, 16, 0)
    assert len(DEFAULT.months()) == 12


def test_ledger_balances_match_the_story(program):
    balances = dict(PointsAccount.objects.values_list("member__user__first_name", "balance"))
    pending = dict(PointsAccount.objects.values_list("member__user__first_name", "pending"))
    assert balances == {"Alice": 80, "Bob": 265, "Chloe": 190, "Dan": 0, "Eve": 0, "Frank": 0}
    assert pending["Dan"] == 15


def test_members(program):
    members = members_summary_get(period=DEFAULT, now=NOW)

    assert (members.total, members.new, members.active) == (6, 4, {30: 2, 90: 3})
    assert members.as_of == NOW
    assert [(tier.name, tier.members, tier.share) for tier in members.by_tier] == [
        ("", 3, Decimal(3) / 6),
        ("Silver", 2, Decimal(2) / 6),
        ("Gold", 1, Decimal(1) / 6),
        ("Platinum", 0, Decimal(0)),
    ]


def test_members_for_a_past_period_and_a_store(program):
    members = members_summary_get(period=MARCH_APRIL, store=program["downtown"], now=NOW)

    # Joined by 30 April: Alice, Bob, Chloe; none in March or April. Activity counts back from
    # the end of the period: at Downtown only Chloe's P5 (1 March) is within 90 days.
    assert (members.total, members.new, members.active) == (3, 0, {30: 0, 90: 1})
    assert members.as_of == at(2025, 5, 1, 0)
    assert [tier.members for tier in members.by_tier] == [0, 2, 1, 0]


def test_points_per_month(program):
    flow = points_flow_get(period=DEFAULT)

    assert flow.months == [
        _month(2024, 7),
        _month(2024, 8, issued=60),
        _month(2024, 9),
        _month(2024, 10),
        _month(2024, 11),
        _month(2024, 12),
        _month(2025, 1, issued=50),
        _month(2025, 2),  # P5 was bought on 28 February in UTC: 1 March in Zurich
        _month(2025, 3, issued=380, returned=10),
        _month(2025, 4, issued=10, redeemed=55),
        _month(2025, 5, expired=80),
        _month(2025, 6, issued=55, returned=10, adjusted_down=5),
    ]
    assert flow.total == PointsMonth(None, 555, 55, 80, 20, 5)
    assert flow.redemption_rate == Decimal(55) / Decimal(555)
    # What moved in the period is what the balances moved by: 140 on 1 July 2024, 535 now.
    total = flow.total
    assert total.issued - total.redeemed - total.expired - total.returned - total.adjusted_down == (
        535 - 140
    )


def test_points_at_one_store(program):
    flow = points_flow_get(period=MARCH_APRIL, store=program["downtown"])

    # Referral rewards and online redemptions belong to no store.
    assert flow.months == [_month(2025, 3, issued=80, returned=10), _month(2025, 4, redeemed=15)]
    assert flow.total == PointsMonth(None, 80, 15, 0, 10, 0)

    default = points_flow_get(period=DEFAULT, store=program["downtown"])
    # P1's expiry names no store but P1 was bought at Downtown.
    assert default.total == PointsMonth(None, 155, 15, 80, 20, 0)


def test_liability_after_expiry_and_returns(program):
    liability = points_liability_get(now=NOW)

    assert liability.buckets == [
        LiabilityBucket("within_30", 30, Decimal("1.50")),  # P2 after its return
        LiabilityBucket("within_90", 40, Decimal("2.00")),  # P3 after Bob's spend and -5
        LiabilityBucket("within_365", 410, Decimal("20.50")),  # P4, P8, both referral lots, P5
        LiabilityBucket("later", 25, Decimal("1.25")),  # P6, under the 730-day policy
        LiabilityBucket("never", 30, Decimal("1.50")),  # Chloe's goodwill
    ]
    assert (liability.available_points, liability.available_value) == (535, Decimal("26.75"))
    assert (liability.pending_points, liability.pending_value) == (15, Decimal("0.75"))
    assert (liability.point_value, liability.currency) == (Decimal("0.0500"), "USD")
    assert liability.available_points == sum(
        PointsAccount.objects.values_list("balance", flat=True)
    )


def test_liability_buckets_follow_the_expiry_run_and_returns(store):
    """A lot past its date still counts until the run expires it; a return takes its points
    out of the bucket they were in, and a later credit first pays the debt it left."""
    _program(expiry_policy=ExpiryPolicy.DAYS, expiry_days=10, point_value=Decimal("0.10"))
    base_rule("1")
    member, _ = _join("mia@example.com", "Mia", at(2025, 1, 1, 9))
    with travel(at(2025, 1, 1)):
        soon = buy(member, store, "S1", line("50.00"))  # expires 2025-01-12 00:00
    _program(expiry_policy=ExpiryPolicy.NEVER)
    with travel(at(2025, 1, 1, 13)):
        buy(member, store, "S2", line("20.00"))

    def buckets(moment) -> dict[str, int]:
        liability = points_liability_get(now=moment)
        return {bucket.key: bucket.points for bucket in liability.buckets if bucket.points}

    assert buckets(at(2025, 1, 2)) == {"within_30": 50, "never": 20}
    assert buckets(at(2025, 1, 12, 0, 30)) == {"within_30": 50, "never": 20}  # run not yet
    with travel(at(2025, 1, 12, 0, 30)):
        points_expire_due()
    assert buckets(at(2025, 1, 12, 0, 30)) == {"never": 20}
    with travel(at(2025, 1, 13)):
        checkout_return(purchase=soon, lines=None, store=store)  # 20 from the balance, 30 debt
    assert buckets(at(2025, 1, 13)) == {}
    _program(expiry_policy=ExpiryPolicy.DAYS, expiry_days=100)
    with travel(at(2025, 1, 14)):
        buy(member, store, "S3", line("40.00"))  # pays the 30 of debt first
    assert buckets(at(2025, 1, 14)) == {"within_365": 10}
    assert points_liability_get(now=at(2025, 1, 14)).available_value == Decimal("1.00")


def test_rewards_and_donations(program):
    rewards = rewards_summary_get(period=DEFAULT)

    # The voided second coffee does not count.
    assert [(row.name, row.redemptions, row.points) for row in rewards.top_rewards] == [
        ("Free coffee", 1, 20),
        ("Give a meal", 1, 20),
        ("=cmd", 1, 15),
    ]
    assert [(row.name, row.donations, row.points, row.value) for row in rewards.causes] == [
        ("Food Bank", 1, 20, Decimal("1.00"))
    ]
    at_downtown = rewards_summary_get(period=DEFAULT, store=program["downtown"])
    assert [(row.name, row.redemptions) for row in at_downtown.top_rewards] == [("=cmd", 1)]
    assert at_downtown.causes == []


def test_purchases(program):
    purchases = purchases_summary_get(period=DEFAULT)

    # In the period: P3, P4, P5, P8, P6, P7 by Alice (2), Bob (2), Chloe (1), Dan (1).
    assert (purchases.orders, purchases.buyers, purchases.repeat_buyers) == (6, 4, 2)
    assert purchases.repeat_rate == Decimal("0.5")
    assert purchases.purchase_frequency == Decimal("1.5")
    assert purchases.gross_sales == Decimal("240.00")
    assert purchases.returned_value == Decimal("10.00")  # P2's return is of an older purchase
    assert purchases.net_revenue == Decimal("230.00")
    assert purchases.average_order_value == Decimal("38.33")
    # Every purchase up to 15 June: 380.00 less both returns, over 6 members.
    assert purchases.lifetime_revenue == Decimal("360.00")
    assert purchases.lifetime_members == 6
    assert purchases.lifetime_value == Decimal("60.00")


def test_purchases_at_one_store_in_a_past_period(program):
    purchases = purchases_summary_get(period=MARCH_APRIL, store=program["downtown"])

    assert (purchases.orders, purchases.buyers, purchases.repeat_buyers) == (1, 1, 0)
    assert purchases.repeat_rate == Decimal(0)
    assert (purchases.gross_sales, purchases.returned_value) == (Decimal("80.00"), Decimal("0.00"))
    assert purchases.average_order_value == Decimal("80.00")
    # Up to 30 April at Downtown: P1, P2, P4, P5 = 270.00, less P4's return in March; P2's
    # return came in June, after the period.
    assert purchases.lifetime_revenue == Decimal("260.00")
    assert purchases.lifetime_members == 3
    assert purchases.lifetime_value == Decimal("86.67")


def test_referral_funnel(program):
    funnel = referral_funnel_get(period=DEFAULT)

    # Bob's own referral (May 2024) is before the period.
    assert funnel.links_opened == 5
    assert (funnel.signups, funnel.qualified, funnel.rewarded) == (4, 1, 1)
    assert (funnel.flagged, funnel.rejected, funnel.cancelled) == (1, 1, 0)
    assert Referral.objects.count() == 5


def test_nothing_to_report_is_zero_not_an_error(db):
    report = report_get(period=DEFAULT, now=NOW)

    assert report.members.total == 0
    assert report.points.redemption_rate is None
    assert report.purchases.repeat_rate is None
    assert report.purchases.average_order_value is None
    assert report.purchases.lifetime_value is None
    assert report.liability.available_points == 0


# --- The page -----------------------------------------------------------------------------


def _get(client, user, data=None):
    client.force_login(user)
    with travel(NOW):
        return client.get(URL, data or {})


def test_url_name():
    assert reverse("reports:index") == URL


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("anonymous", 302),
        ("customer", 403),
        ("plain_user", 403),
        ("staff_user", 403),
        ("is_staff_without_permission", 403),
        ("permission_without_is_staff", 403),
        ("manager_user", 200),
        ("superuser", 200),
    ],
)
def test_only_program_managers_see_reports(client, db, request, who, status):
    if who == "is_staff_without_permission":
        user = User.objects.create_user(email="admin@example.com", password="x", is_staff=True)
    elif who == "permission_without_is_staff":
        user = User.objects.create_user(email="clerk@example.com", password="x")
        user.user_permissions.add(Permission.objects.get(codename="view_reports"))
    elif who == "superuser":
        user = User.objects.create_superuser(email="root@example.com", password="x")
    elif who != "anonymous":
        user = request.getfixturevalue(who)
        user = getattr(user, "user", user)
    if who != "anonymous":
        client.force_login(user)

    for query in ({}, {"format": "csv", "table": "points"}):
        response = client.get(URL, query)
        assert response.status_code == status
    if status == 302:
        assert response["Location"].startswith(reverse("account_login") + "?next=/manage/reports/")


def test_program_managers_have_the_permission(db):
    group = Group.objects.get(name=PROGRAM_MANAGERS)
    assert group.permissions.filter(
        content_type__app_label="loyalty", codename="view_reports"
    ).exists()


def test_the_menu_links_to_reports_for_managers_only(client, manager_user, staff_user):
    link = f'href="{URL}"'
    assert link in _get(client, manager_user).content.decode()
    client.force_login(staff_user)
    with travel(NOW):
        assert link not in client.get(reverse("staff:desk")).content.decode()


def test_the_page_shows_every_section(client, program, manager_user):
    response = _get(client, manager_user)

    assert response.status_code == 200
    assert response.context["period"] == DEFAULT
    assert [section.key for section in response.context["sections"]] == [
        "members",
        "points",
        "liability",
        "rewards",
        "purchases",
        "referrals",
        "nps",
    ]
    page = response.content.decode()
    assert page.count('role="img"') == 3
    for chart in ("chart-points", "chart-liability", "chart-tiers"):
        assert f'aria-labelledby="{chart}-title {chart}-desc"' in page
        # Each chart is followed by its numbers as a table.
        assert page.index("<table", page.index(f'id="{chart}"')) > page.index(f'id="{chart}"')
    assert "=cmd" in page
    assert "USD 60.00" in page  # average customer lifetime value
    assert "net revenue from every purchase up to June 15, 2025 (USD 360.00)" in page
    assert "members who joined by then (6)" in page


def test_the_store_filter(client, program, manager_user):
    response = _get(
        client,
        manager_user,
        {"date_from": "2025-03-01", "date_to": "2025-04-30", "store": "downtown"},
    )

    assert response.status_code == 200
    report = response.context["report"]
    assert report.period == MARCH_APRIL
    assert report.store == program["downtown"]
    assert report.points.total == PointsMonth(None, 80, 15, 0, 10, 0)
    assert report.purchases.orders == 1
    assert "Store: <strong>Downtown</strong>" in response.content.decode()


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"date_from": "2025-13-01"}, "date_from"),
        ({"date_to": "yesterday"}, "date_to"),
        ({"date_from": "2025-06-01", "date_to": "2025-05-01"}, "__all__"),
        ({"date_from": "2015-01-01", "date_to": "2025-06-15"}, "__all__"),
        ({"date_from": "0001-01-01"}, "date_from"),
        ({"date_to": "9999-12-31"}, "date_to"),
        ({"store": "nowhere"}, "store"),
        ({"store": "bad\x00code"}, "store"),
        ({"store": "x" * 500}, "store"),
    ],
)
def test_bad_filters_show_an_error_and_the_default_report(
    client, program, manager_user, query, field
):
    response = _get(client, manager_user, query)

    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert response.context["period"] == DEFAULT
    assert response.context["store"] is None
    assert 'data-testid="filter-error"' in response.content.decode()


def test_blank_dates_take_the_defaults(client, db, manager_user):
    response = _get(client, manager_user, {"date_from": "", "date_to": "2025-05-31", "store": ""})

    assert response.context["form"].errors == {}
    assert response.context["period"] == ReportPeriod(DEFAULT.first_day, datetime.date(2025, 5, 31))


# --- CSV ----------------------------------------------------------------------------------


def _csv(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode())))


def test_points_csv(client, program, manager_user):
    response = _get(client, manager_user, {"format": "csv", "table": "points"})

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == (
        'attachment; filename="report-points-2024-07-01-2025-06-15.csv"'
    )
    assert _csv(response) == [
        ["Month", "Issued", "Redeemed", "Expired", "Returned", "Adjusted down"],
        ["2024-07", "0", "0", "0", "0", "0"],
        ["2024-08", "60", "0", "0", "0", "0"],
        ["2024-09", "0", "0", "0", "0", "0"],
        ["2024-10", "0", "0", "0", "0", "0"],
        ["2024-11", "0", "0", "0", "0", "0"],
        ["2024-12", "0", "0", "0", "0", "0"],
        ["2025-01", "50", "0", "0", "0", "0"],
        ["2025-02", "0", "0", "0", "0", "0"],
        ["2025-03", "380", "0", "0", "10", "0"],
        ["2025-04", "10", "55", "0", "0", "0"],
        ["2025-05", "0", "0", "80", "0", "0"],
        ["2025-06", "55", "0", "0", "10", "5"],
        ["Total", "555", "55", "80", "20", "5"],
    ]


def test_csv_quotes_what_a_spreadsheet_would_run(client, program, manager_user):
    response = _get(client, manager_user, {"format": "csv", "table": "rewards"})

    assert _csv(response) == [
        ["Reward", "Redemptions", "Points"],
        ["Free coffee", "1", "20"],
        ["Give a meal", "1", "20"],
        ["'=cmd", "1", "15"],
    ]


def test_liability_and_other_csvs(client, program, manager_user):
    def table(name, **query):
        return _csv(_get(client, manager_user, {"format": "csv", "table": name, **query}))

    assert table("liability") == [
        ["Expire", "Points", "Value (USD)"],
        ["Within 30 days", "30", "1.50"],
        ["In 31 to 90 days", "40", "2.00"],
        ["In 91 to 365 days", "410", "20.50"],
        ["After more than a year", "25", "1.25"],
        ["Never", "30", "1.50"],
        ["Available", "535", "26.75"],
        ["Pending (on hold)", "15", "0.75"],
        ["Total outstanding", "550", "27.50"],
    ]
    assert table("tiers") == [
        ["Tier", "Members", "Share"],
        ["No tier", "3", "50.0"],
        ["Silver", "2", "33.3"],
        ["Gold", "1", "16.7"],
        ["Platinum", "0", "0.0"],
    ]
    assert table("members") == [
        ["Figure", "Members"],
        ["Members who joined by June 15, 2025", "6"],
        ["New members in the period", "4"],
        ["Active: bought in the 30 days up to June 15, 2025", "2"],
        ["Active: bought in the 90 days up to June 15, 2025", "3"],
    ]
    assert table("causes") == [
        ["Cause", "Donations", "Points", "Value (USD)"],
        ["Food Bank", "1", "20", "1.00"],
    ]
    assert table("referrals") == [
        ["Stage", "Referrals"],
        ["Invitation links opened (all time)", "5"],
        ["Friends who signed up", "4"],
        ["Qualified (first purchase)", "1"],
        ["Rewarded", "1"],
        ["Flagged for review", "1"],
        ["Rejected", "1"],
        ["Cancelled: the purchase was returned", "0"],
    ]
    purchases = table("purchases", store="downtown", date_from="2025-03-01", date_to="2025-04-30")
    assert purchases == [
        ["Figure", "Value"],
        ["Purchases", "1"],
        ["Members who bought", "1"],
        ["Members who bought twice or more", "0"],
        ["Repeat purchase rate (%)", "0.0"],
        ["Purchase frequency", "1.00"],
        ["Sales (USD)", "80.00"],
        ["Returned (USD)", "0.00"],
        ["Net revenue (USD)", "80.00"],
        ["Average order value (USD)", "80.00"],
        ["Net revenue up to April 30, 2025 (USD)", "260.00"],
        ["Members who joined by April 30, 2025", "3"],
        ["Average customer lifetime value (USD)", "86.67"],
    ]


def test_every_table_on_the_page_downloads(client, program, manager_user):
    page = _get(client, manager_user)
    names = [name for section in page.context["sections"] for name in section.tables]
    assert len(names) == 10
    for name in names:
        assert f"format=csv&amp;table={name}" in page.content.decode()
        response = _get(client, manager_user, {"format": "csv", "table": name})
        assert response.status_code == 200
        assert response["Content-Disposition"].startswith(f'attachment; filename="report-{name}-')


def test_csv_with_a_store_names_it_in_the_file(client, program, manager_user):
    response = _get(client, manager_user, {"format": "csv", "table": "points", "store": "harbour"})
    assert response["Content-Disposition"] == (
        'attachment; filename="report-points-2024-07-01-2025-06-15-harbour.csv"'
    )


def test_unknown_csv_table_is_404_and_bad_filters_400(client, db, manager_user):
    assert _get(client, manager_user, {"format": "csv", "table": "nope"}).status_code == 404
    response = _get(client, manager_user, {"format": "csv", "table": "points", "date_from": "x"})
    assert response.status_code == 400
    assert response["Content-Type"] == "text/plain; charset=utf-8"


# --- Charts -------------------------------------------------------------------------------


def test_charts_escape_text_and_refuse_odd_colours():
    chart = horizontal_bar_chart(
        chart_id="chart-test",
        title="<b>Title</b>",
        description='Say "hi" & bye',
        bars=[Bar('<script>alert("x")</script>', 3, 'red" onload="alert(1)', "3 & more")],
    )

    assert "<script>" not in chart
    assert "&lt;script&gt;" in chart
    assert "onload" not in chart
    assert 'fill="#8a8f98"' in chart
    assert '<title id="chart-test-title">&lt;b&gt;Title&lt;/b&gt;</title>' in chart
    assert "Say &quot;hi&quot; &amp; bye" in chart
    assert "3 &amp; more" in chart
    assert safe_colour("#D4AF37") == "#D4AF37"
    assert safe_colour("#d4af3") == "#8a8f98"
    with pytest.raises(ValueError, match="Chart ids"):
        horizontal_bar_chart(chart_id='x" onload="', title="", description="", bars=[])


def test_grouped_chart_draws_negative_values_below_zero():
    chart = grouped_bar_chart(
        chart_id="chart-flow",
        title="Flow",
        description="Flow",
        groups=["Jan\n2025", "Feb"],
        series=[Series("In", [10, 0], "#0b5d4b"), Series("Out", [-5, 20], "#a4161a")],
    )

    assert chart.startswith('<svg class="chart chart--columns" id="chart-flow" role="img"')
    assert chart.count('class="chart__bar"') == 3  # a zero draws nothing
    assert "<title>Jan\n2025: Out -5</title>" in chart
    assert '<tspan x="' in chart


# --- Queries ------------------------------------------------------------------------------

PAGE_QUERIES = 25


def test_the_page_runs_a_fixed_number_of_queries(
    client, program, manager_user, django_assert_max_num_queries
):
    """The page costs the same whatever the data: pinned here, timed on 100k members in bench/."""
    client.force_login(manager_user)
    with travel(NOW), django_assert_max_num_queries(PAGE_QUERIES):
        assert client.get(URL).status_code == 200
    with travel(NOW), CaptureQueriesContext(connection) as before:
        client.get(URL, {"store": "downtown"})

    alice, bob, _chloe, _dan = program["members"]
    more = [create_customer(joined_at=LONG_AGO) for _number in range(5)]
    with travel(at(2025, 6, 14)):
        for number, member in enumerate([*more, alice, bob]):
            buy(member, program["harbour"], f"more-{number}", line("12.00"), line("3.00"))
    with travel(NOW), CaptureQueriesContext(connection) as after:
        client.get(URL, {"store": "downtown", "refresh": "1"})  # not the snapshot: work it out

    assert len(after.captured_queries) == len(before.captured_queries)


def _members_shown(response) -> int:
    return response.context["report"].members.total


def test_the_page_shows_a_snapshot_until_asked_to_work_it_out_again(client, program, manager_user):
    first = _get(client, manager_user)
    assert _members_shown(first) == 6
    assert "Figures as of June 15, 2025, noon;" in first.content.decode()
    with travel(at(2025, 6, 15, 11)):
        create_customer()

    with CaptureQueriesContext(connection) as snapshot_queries:
        again = _get(client, manager_user)
    refreshed = _get(client, manager_user, {"refresh": "1"})

    assert _members_shown(again) == 6
    assert not [
        query for query in snapshot_queries.captured_queries if "loyalty_purchase" in query["sql"]
    ]
    assert _members_shown(refreshed) == 7
    assert _members_shown(_get(client, manager_user)) == 7  # the new snapshot is kept


def test_the_worker_works_out_the_default_view_ahead(client, program, manager_user):
    with travel(NOW):
        computed_at = refresh_report()
    assert datetime.datetime.fromisoformat(computed_at) == NOW

    with CaptureQueriesContext(connection) as queries:
        response = _get(client, manager_user)

    assert _members_shown(response) == 6
    assert response.context["computed_at"] == NOW
    assert not [query for query in queries.captured_queries if "loyalty_purchase" in query["sql"]]


@pytest.mark.django_db
def test_nps_section_exact_figures_by_month(client, manager_user, store):
    program = program_settings_get()
    program.nps_enabled = True
    program.save()
    answers = {"2026-03-10": [10, 9, 3], "2026-04-02": [8, None]}
    receipt = 0
    for day, scores in answers.items():
        for score in scores:
            receipt += 1
            with time_machine.travel(
                datetime.datetime.fromisoformat(day + "T12:00").replace(tzinfo=datetime.UTC),
                tick=False,
            ):
                member = create_customer()
                checkout_purchase(
                    member=member,
                    store=store,
                    external_id=f"nps-{receipt}",
                    lines=[BasketLine(amount=Decimal("5"))],
                )
                invitation = SurveyInvitation.objects.get(account__member=member)
                if score is not None:
                    survey_answer(invitation=invitation, score=score, comment=f"said {score}")

    summary = nps_summary_get(
        period=ReportPeriod(
            first_day=datetime.date(2026, 3, 1), last_day=datetime.date(2026, 4, 30)
        )
    )

    assert (summary.sent, summary.answered, summary.promoters, summary.detractors) == (5, 4, 2, 1)
    assert summary.nps == 25  # 50 % promoters - 25 % detractors
    assert summary.response_rate == 80.0
    assert [(month.month.isoformat(), month.answered, month.nps) for month in summary.months] == [
        ("2026-03-01", 3, 33),
        ("2026-04-01", 1, 0),
    ]
    assert [comment for _when, _score, comment in summary.comments] == [
        "said 8",
        "said 3",
        "said 9",
        "said 10",
    ]
