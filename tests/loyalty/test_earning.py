"""Rule combinations give exact points (see docs/earning-rules.md)."""

import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from loyalty.models import RuleKind
from loyalty.services import points_preview
from loyalty.services.earning import earning_compute
from tests.factories import create_store
from tests.loyalty.points import base_rule, buy, category, line, rule, state

# 2026-03-03 is a Tuesday.
TUESDAY_NOON = datetime.datetime(2026, 3, 3, 12, 0, tzinfo=datetime.UTC)


def points(store, *lines, at=TUESDAY_NOON, earned_today=0) -> int:
    return earning_compute(lines=list(lines), store=store, at=at, earned_today=earned_today).total


@pytest.mark.django_db
def test_no_rules_earn_nothing(store):
    assert points(store, line("50")) == 0


@pytest.mark.django_db
def test_base_rate_rounds_down_per_line(store):
    base_rule("1.5")

    result = earning_compute(lines=[line("10.99"), line("3.33")], store=store, at=TUESDAY_NOON)

    # 16.485 -> 16 and 4.995 -> 4
    assert result.line_points == [16, 4]
    assert result.total == 20


@pytest.mark.django_db
def test_the_best_base_rate_applies_when_several_do(store):
    base_rule("1")
    rule(RuleKind.BASE_RATE, "Launch month", rate=Decimal("3"))

    result = earning_compute(lines=[line("10")], store=store, at=TUESDAY_NOON)

    assert result.total == 30
    assert [(item["name"], item["points"]) for item in result.breakdown] == [("Launch month", 30)]


@pytest.mark.django_db
def test_category_multiplier_and_exclusion(store):
    coffee, gift_cards = category("coffee"), category("gift-cards")
    base_rule("1")
    rule(RuleKind.CATEGORY_MULTIPLIER, "Coffee 2x", multiplier=Decimal("2"), categories=[coffee])
    rule(RuleKind.CATEGORY_EXCLUSION, "No points on gift cards", categories=[gift_cards])

    result = earning_compute(
        lines=[line("20", category=coffee), line("50", category=gift_cards), line("5")],
        store=store,
        at=TUESDAY_NOON,
    )

    assert result.line_points == [40, 0, 5]
    assert result.line_eligible == [True, False, True]
    assert result.total == 45
    assert [(item["name"], item["points"]) for item in result.breakdown] == [
        ("Base", 25),
        ("Coffee 2x", 20),
    ]


@pytest.mark.django_db
def test_multipliers_add_up(store):
    coffee = category("coffee")
    base_rule("1")
    rule(RuleKind.CATEGORY_MULTIPLIER, "Coffee 2x", multiplier=Decimal("2"), categories=[coffee])
    rule(RuleKind.PROMOTION, "Triple Tuesday", multiplier=Decimal("3"), weekdays="2")

    # base 10, +10 from 2x, +20 from 3x = 4x
    assert points(store, line("10", category=coffee)) == 40
    assert points(store, line("10")) == 30


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("when", "expected"),
    [
        (datetime.datetime(2026, 3, 3, 7, 59), 10),  # Tuesday, before the happy hour
        (datetime.datetime(2026, 3, 3, 8, 0), 20),  # Tuesday, it starts
        (datetime.datetime(2026, 3, 3, 9, 59), 20),
        (datetime.datetime(2026, 3, 3, 10, 0), 10),  # the end is exclusive
        (datetime.datetime(2026, 3, 4, 9, 0), 10),  # Wednesday
        (datetime.datetime(2026, 3, 10, 9, 0), 10),  # Tuesday, but after the promotion ended
    ],
)
def test_promotion_limited_by_weekday_hours_and_dates_in_the_program_time_zone(
    settings, store, when, expected
):
    settings.TIME_ZONE = "America/New_York"
    zone = ZoneInfo("America/New_York")
    base_rule("1")
    rule(
        RuleKind.PROMOTION,
        "Breakfast 2x",
        multiplier=Decimal("2"),
        weekdays="2",
        time_from=datetime.time(8),
        time_until=datetime.time(10),
        starts_at=datetime.datetime(2026, 3, 1, tzinfo=zone),
        ends_at=datetime.datetime(2026, 3, 8, tzinfo=zone),
    )

    assert points(store, line("10"), at=when.replace(tzinfo=zone)) == expected


@pytest.mark.django_db
def test_promotion_over_midnight(store):
    base_rule("1")
    rule(
        RuleKind.PROMOTION,
        "Night owl",
        multiplier=Decimal("2"),
        time_from=datetime.time(22),
        time_until=datetime.time(2),
    )

    assert points(store, line("10"), at=TUESDAY_NOON.replace(hour=23)) == 20
    assert points(store, line("10"), at=TUESDAY_NOON.replace(hour=1)) == 20
    assert points(store, line("10"), at=TUESDAY_NOON.replace(hour=2)) == 10


@pytest.mark.django_db
def test_store_limited_promotion_and_switched_off_rules(store):
    airport = create_store(code="airport")
    base_rule("1")
    rule(RuleKind.PROMOTION, "Airport 2x", multiplier=Decimal("2"), stores=[airport])
    rule(RuleKind.PROMOTION, "Switched off 5x", multiplier=Decimal("5"), is_active=False)

    assert points(airport, line("10")) == 20
    assert points(store, line("10")) == 10


@pytest.mark.django_db
def test_threshold_bonus_uses_the_highest_threshold_reached_and_ignores_excluded_lines(store):
    gift_cards = category("gift-cards")
    base_rule("1")
    rule(RuleKind.CATEGORY_EXCLUSION, "Gift cards", categories=[gift_cards])
    rule(RuleKind.THRESHOLD_BONUS, "Spend 50", threshold_amount=Decimal("50"), points=10)
    rule(RuleKind.THRESHOLD_BONUS, "Spend 100", threshold_amount=Decimal("100"), points=30)

    assert points(store, line("49.99")) == 49
    assert points(store, line("50")) == 60
    assert points(store, line("100")) == 130
    assert points(store, line("40"), line("80", category=gift_cards)) == 40
    result = earning_compute(lines=[line("100")], store=store, at=TUESDAY_NOON)
    assert (result.bonus, result.bonus_threshold) == (30, Decimal("100"))


@pytest.mark.django_db
def test_caps_per_purchase_and_per_member_per_day(store):
    base_rule("1")
    rule(RuleKind.PURCHASE_CAP, "Max 500 a purchase", points=500)
    rule(RuleKind.DAILY_CAP, "Max 800 a day", points=800)

    result = earning_compute(lines=[line("700")], store=store, at=TUESDAY_NOON)
    assert (result.total, result.cap_reduction) == (500, 200)
    assert result.breakdown[-1] == {
        "rule": result.breakdown[-1]["rule"],
        "name": "Max 500 a purchase",
        "kind": RuleKind.PURCHASE_CAP,
        "points": -200,
    }
    assert points(store, line("700"), earned_today=500) == 300
    assert points(store, line("700"), earned_today=900) == 0


@pytest.mark.django_db
def test_daily_cap_counts_the_members_purchases_that_day(store, customer, time_machine):
    base_rule("1")
    rule(RuleKind.DAILY_CAP, "Max 100 a day", points=100)
    morning = TUESDAY_NOON.replace(hour=9)
    time_machine.move_to(morning + datetime.timedelta(days=2), tick=False)

    first = buy(customer, store, "r1", line("70"), occurred_at=morning)
    second = buy(customer, store, "r2", line("70"), occurred_at=morning.replace(hour=10))
    next_day = buy(
        customer, store, "r3", line("70"), occurred_at=morning + datetime.timedelta(days=1)
    )

    assert (first.points, second.points, next_day.points) == (70, 30, 70)
    assert state(customer) == (170, 0, 0, 3)


@pytest.mark.django_db
def test_preview_gives_the_points_without_recording_anything(store, customer):
    from loyalty.models import Purchase

    base_rule("2")

    preview = points_preview(lines=[line("12.50")], member=customer, store=store)

    assert preview.total == 25
    assert Purchase.objects.count() == 0
    assert state(customer) == (0, 0, 0, 0)


@pytest.mark.django_db
def test_the_example_in_docs_earning_rules(store):
    coffee = category("coffee")
    base_rule("1")
    rule(RuleKind.CATEGORY_MULTIPLIER, "Coffee 2x", multiplier=Decimal("2"), categories=[coffee])
    rule(RuleKind.PROMOTION, "Triple Tuesday", multiplier=Decimal("3"), weekdays="2")
    rule(RuleKind.THRESHOLD_BONUS, "Spend 50", threshold_amount=Decimal("50"), points=25)
    rule(RuleKind.PURCHASE_CAP, "Max 200", points=200)

    result = earning_compute(
        lines=[line("12.00", category=coffee), line("40.00")], store=store, at=TUESDAY_NOON
    )

    assert result.line_points == [48, 120]
    assert result.total == 193
    assert [(item["name"], item["points"]) for item in result.breakdown] == [
        ("Base", 52),
        ("Coffee 2x", 12),
        ("Triple Tuesday", 104),
        ("Spend 50", 25),
    ]


@pytest.mark.django_db
def test_a_weekday_list_with_no_valid_day_limits_the_rule_to_no_day(store):
    base_rule("1")
    rule(RuleKind.PROMOTION, "Typo", multiplier=Decimal("2"), weekdays="Tue")

    assert points(store, line("10")) == 10


@pytest.mark.django_db
def test_half_open_time_windows(store):
    base_rule("1")
    rule(RuleKind.PROMOTION, "From 18:00", multiplier=Decimal("2"), time_from=datetime.time(18))
    rule(RuleKind.PROMOTION, "Until 09:00", multiplier=Decimal("3"), time_until=datetime.time(9))

    assert points(store, line("10"), at=TUESDAY_NOON.replace(hour=19)) == 20
    assert points(store, line("10"), at=TUESDAY_NOON.replace(hour=8)) == 30
    assert points(store, line("10"), at=TUESDAY_NOON) == 10
