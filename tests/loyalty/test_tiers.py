"""Tiers: the 12-month metric, moves up at once, moves down only after the hold, the warning,
the tier multiplier and tier-limited rules, rewards for a minimum tier, /me/ and the admin."""

import datetime
import re
from decimal import Decimal

import pytest
from django.urls import reverse

from engagement.services.checkout import checkout_return
from loyalty.models import OutboxEmail, PointsAccount, Purchase, RuleKind, Tier, TierChange
from loyalty.selectors import tier_for_metric, tier_metric
from loyalty.services import points_preview, program_settings_get, tiers_recalculate
from loyalty.services.purchases import ReturnRequest
from loyalty.services.tiers import TierRecalculation
from loyalty.tasks import recalculate_tiers
from rewards.exceptions import RewardUnavailable
from rewards.models import Redemption, RedemptionChannel, Reward
from rewards.services import reward_redeem
from tests.factories import create_customer
from tests.loyalty.points import base_rule, buy, category, line, rule, state
from tests.rewards.catalogue import give_points, make_reward

UTC = datetime.UTC
NOW = datetime.datetime(2026, 6, 15, 12, 0, tzinfo=UTC)
# A member who reached Gold at GOLD_SINCE holds it until HOLD_ENDS, and is warned from
# 30 days before that.
GOLD_SINCE = datetime.datetime(2025, 6, 15, 12, 0, tzinfo=UTC)
HOLD_ENDS = datetime.datetime(2026, 6, 15, 12, 0, tzinfo=UTC)


def _tiers() -> tuple[Tier, Tier]:
    silver = Tier.objects.create(
        name="Silver",
        rank=1,
        threshold=Decimal("500.00"),
        earn_multiplier=Decimal("1.25"),
        benefits="Free coffee refills",
        colour="#c0c0c0",
    )
    gold = Tier.objects.create(
        name="Gold",
        rank=2,
        threshold=Decimal("1000.00"),
        earn_multiplier=Decimal("1.50"),
        benefits="Priority service",
        colour="#d4af37",
    )
    return silver, gold


def _program(**fields) -> None:
    program = program_settings_get()
    for name, value in fields.items():
        setattr(program, name, value)
    program.save()


def _account(member) -> PointsAccount:
    return PointsAccount.objects.select_related("tier").get(member=member)


def _put_in_tier(member, tier: Tier, since: datetime.datetime = NOW) -> None:
    PointsAccount.objects.filter(member=member).update(tier=tier, tier_since=since)


def _changes(member) -> list[tuple[str | None, str | None, str]]:
    return [
        (
            change.from_tier.name if change.from_tier else None,
            change.to_tier.name if change.to_tier else None,
            change.reason,
        )
        for change in TierChange.objects.filter(account__member=member).order_by("pk")
    ]


def _emails(prefix: str) -> list[OutboxEmail]:
    return list(OutboxEmail.objects.filter(key__startswith=prefix).order_by("pk"))


def _nightly(time_machine, moment: datetime.datetime) -> TierRecalculation:
    time_machine.move_to(moment, tick=False)
    return tiers_recalculate()


# --- the metric --------------------------------------------------------------------------


@pytest.mark.django_db
def test_spend_counts_exactly_the_last_12_months_net_of_returned_shares(
    customer, store, time_machine
):
    # Given purchases 366 and 364 days ago, and yesterday one with part of a line returned.
    time_machine.move_to(NOW - datetime.timedelta(days=366), tick=False)
    buy(customer, store, "old", line("100.00"))
    time_machine.move_to(NOW - datetime.timedelta(days=364), tick=False)
    buy(customer, store, "year", line("200.00"))
    time_machine.move_to(NOW - datetime.timedelta(days=1), tick=False)
    recent = buy(customer, store, "recent", line("10.00", quantity=3), line("70.00"))
    time_machine.move_to(NOW, tick=False)
    account = _account(customer)
    before = tier_metric(account=account, now=NOW)

    # When one of the three units of the first line comes back.
    checkout_return(
        purchase=recent, lines=[ReturnRequest(line_id=recent.lines.get(position=1).pk, quantity=1)]
    )

    # Then the metric counts 200 + 10 x 2/3 + 70, and nothing from 366 days ago.
    assert before == Decimal("280.00")
    assert tier_metric(account=account, now=NOW) == Decimal("276.67")


@pytest.mark.django_db
def test_points_basis_counts_purchase_points_net_of_reversals_over_12_months(
    customer, store, time_machine
):
    _program(tier_basis="points")
    base_rule("1")
    time_machine.move_to(NOW - datetime.timedelta(days=366), tick=False)
    buy(customer, store, "old", line("100.00"))
    time_machine.move_to(NOW - datetime.timedelta(days=364), tick=False)
    buy(customer, store, "year", line("200.00"))
    time_machine.move_to(NOW - datetime.timedelta(days=1), tick=False)
    recent = buy(customer, store, "recent", line("10.00", quantity=3), line("70.00"))
    give_points(customer, 500)  # a bonus is not a purchase: it does not count
    time_machine.move_to(NOW, tick=False)

    checkout_return(
        purchase=recent, lines=[ReturnRequest(line_id=recent.lines.get(position=1).pk, quantity=1)]
    )

    # 200 + (10 + 70 - 3 taken back for the returned unit)
    assert Purchase.objects.get(pk=recent.pk).points_reversed == 3
    assert tier_metric(account=_account(customer), now=NOW) == Decimal("277")


@pytest.mark.django_db
def test_tier_for_metric_is_the_highest_tier_reached():
    silver, gold = _tiers()

    assert tier_for_metric(Decimal("499.99")) is None
    assert tier_for_metric(Decimal("500.00")) == silver
    assert tier_for_metric(Decimal("999.99")) == silver
    assert tier_for_metric(Decimal("1500.00")) == gold


# --- moving up ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_purchase_that_crosses_a_threshold_moves_the_member_up_at_once(
    customer, store, time_machine
):
    silver, gold = _tiers()
    time_machine.move_to(NOW, tick=False)
    buy(customer, store, "r1", line("400.00"))
    assert _account(customer).tier is None

    buy(customer, store, "r2", line("150.00"))
    buy(customer, store, "r2", line("150.00"))  # a retried request
    buy(customer, store, "r3", line("20.00"))  # still Silver

    account = _account(customer)
    assert account.tier == silver
    assert account.tier_since == NOW
    assert _changes(customer) == [(None, "Silver", "Reached $550 spend in 12 months")]
    emails = _emails("tier-upgrade:")
    assert [email.key for email in emails] == [f"tier-upgrade:{account.pk}:{silver.pk}:2026-06-15"]
    assert emails[0].to_email == "alice@example.com"
    assert emails[0].subject == "Welcome to Silver!"
    assert "you are now a Silver member. You reached $550 spend" in emails[0].body_text
    assert "From now on your purchases earn 1.25 times the base points." in emails[0].body_text
    assert "Free coffee refills" in emails[0].body_text

    # When a big purchase reaches Gold, the member moves up again at once.
    buy(customer, store, "r4", line("480.00"))

    assert _account(customer).tier == gold
    assert _changes(customer)[-1] == ("Silver", "Gold", "Reached $1,050 spend in 12 months")
    assert len(_emails("tier-upgrade:")) == 2


@pytest.mark.django_db
def test_a_points_tier_is_reached_by_points_earned(customer, store, time_machine):
    _program(tier_basis="points")
    Tier.objects.create(name="Silver", rank=1, threshold=Decimal("500"))
    base_rule("2")
    time_machine.move_to(NOW, tick=False)

    buy(customer, store, "r1", line("250.00"))

    assert _changes(customer) == [(None, "Silver", "Reached 500 points earned in 12 months")]


# --- moving down, and the warning --------------------------------------------------------


@pytest.mark.django_db
def test_no_move_down_before_the_tier_was_held_12_months_even_when_the_metric_drops(
    customer, store, time_machine
):
    _silver, gold = _tiers()
    time_machine.move_to(GOLD_SINCE - datetime.timedelta(days=200), tick=False)
    buy(customer, store, "r0", line("600.00"))
    time_machine.move_to(GOLD_SINCE, tick=False)
    buy(customer, store, "r1", line("600.00"))
    assert _account(customer).tier == gold

    # Eleven months later the first purchase has left the 12 months: the metric is 600.
    # (A return of the spend that reached Gold is another matter: see test_tier_returns.py.)
    nightly = datetime.datetime(2026, 5, 16, 2, 30, tzinfo=UTC)
    assert tier_metric(account=_account(customer), now=nightly) == Decimal("600.00")

    result = _nightly(time_machine, datetime.datetime(2026, 5, 16, 2, 30, tzinfo=UTC))

    assert result == TierRecalculation(upgrades=0, downgrades=0, warnings=0)
    assert _account(customer).tier == gold
    assert len(_changes(customer)) == 2  # Silver with the first purchase, then Gold
    assert _emails("tier-warning:") == []


@pytest.mark.django_db
def test_warned_once_30_days_before_then_moved_down_after_the_hold(customer, store, time_machine):
    # Given Gold reached with 1,000.00 a year before HOLD_ENDS, and 760.00 spent since.
    silver, gold = _tiers()
    time_machine.move_to(GOLD_SINCE, tick=False)
    buy(customer, store, "r1", line("1000.00"))
    time_machine.move_to(datetime.datetime(2026, 1, 15, 12, 0, tzinfo=UTC), tick=False)
    buy(customer, store, "r2", line("760.00"))
    account = _account(customer)

    # Not yet: the warning window opens 30 days before HOLD_ENDS, on 16 May at 12:00.
    assert _nightly(time_machine, datetime.datetime(2026, 5, 16, 2, 30, tzinfo=UTC)) == (
        TierRecalculation()
    )
    # The 1,000.00 still counts today (1,760.00), but it will not on the review day.
    first = _nightly(time_machine, datetime.datetime(2026, 5, 17, 2, 30, tzinfo=UTC))
    again = tiers_recalculate()
    next_day = _nightly(time_machine, datetime.datetime(2026, 5, 18, 2, 30, tzinfo=UTC))

    assert first == TierRecalculation(upgrades=0, downgrades=0, warnings=1)
    assert again == next_day == TierRecalculation()
    warnings = _emails("tier-warning:")
    assert [email.key for email in warnings] == [f"tier-warning:{account.pk}:{gold.pk}:2025-06-15"]
    assert warnings[0].subject == "Keep your Gold status"
    assert (
        "to keep your Gold status you need $240 more spend by June 15, 2026."
        in warnings[0].body_text
    )
    assert "Otherwise you move to Silver after that day." in warnings[0].body_text
    assert _account(customer).tier == gold

    # Still Gold on the last night of the hold; moved down on the first night after it.
    assert _nightly(time_machine, datetime.datetime(2026, 6, 15, 2, 30, tzinfo=UTC)) == (
        TierRecalculation()
    )
    moved = _nightly(time_machine, datetime.datetime(2026, 6, 16, 2, 30, tzinfo=UTC))
    second_run = tiers_recalculate()

    assert moved == TierRecalculation(upgrades=0, downgrades=1, warnings=0)
    assert second_run == TierRecalculation()
    account = _account(customer)
    assert account.tier == silver
    assert account.tier_since == datetime.datetime(2026, 6, 16, 2, 30, tzinfo=UTC)
    assert _changes(customer) == [
        (None, "Gold", "Reached $1,000 spend in 12 months"),
        (
            "Gold",
            "Silver",
            "$760 spend in 12 months is below the Gold threshold of $1,000",
        ),
    ]
    assert len(_emails("tier-warning:")) == 1


@pytest.mark.django_db
def test_spending_what_the_warning_asked_for_keeps_the_tier(customer, store, time_machine):
    _silver, gold = _tiers()
    time_machine.move_to(GOLD_SINCE, tick=False)
    buy(customer, store, "r1", line("1000.00"))
    time_machine.move_to(datetime.datetime(2026, 1, 15, 12, 0, tzinfo=UTC), tick=False)
    buy(customer, store, "r2", line("760.00"))
    _nightly(time_machine, datetime.datetime(2026, 5, 17, 2, 30, tzinfo=UTC))
    time_machine.move_to(datetime.datetime(2026, 6, 1, 12, 0, tzinfo=UTC), tick=False)
    buy(customer, store, "r3", line("240.00"))

    result = _nightly(time_machine, datetime.datetime(2026, 6, 16, 2, 30, tzinfo=UTC))

    assert result == TierRecalculation()
    assert _account(customer).tier == gold
    assert tier_metric(account=_account(customer), now=datetime.datetime.now(UTC)) == Decimal(
        "1000.00"
    )


@pytest.mark.django_db
def test_a_member_below_every_tier_after_the_hold_loses_the_tier(customer, store, time_machine):
    _silver, _gold = _tiers()
    time_machine.move_to(GOLD_SINCE, tick=False)
    buy(customer, store, "r1", line("1000.00"))

    result = _nightly(time_machine, datetime.datetime(2026, 6, 16, 2, 30, tzinfo=UTC))

    assert result == TierRecalculation(upgrades=0, downgrades=1, warnings=0)
    account = _account(customer)
    assert (account.tier, account.tier_since) == (None, None)
    assert _changes(customer)[-1] == (
        "Gold",
        None,
        "$0 spend in 12 months is below the Gold threshold of $1,000",
    )


@pytest.mark.django_db
def test_the_nightly_run_moves_up_members_a_lowered_threshold_now_covers(
    customer, other_customer, store, time_machine
):
    silver, _gold = _tiers()
    time_machine.move_to(NOW, tick=False)
    buy(customer, store, "r1", line("450.00"))
    buy(other_customer, store, "r2", line("50.00"))
    silver.threshold = Decimal("400.00")
    silver.save()

    first = _nightly(time_machine, datetime.datetime(2026, 6, 16, 2, 30, tzinfo=UTC))
    second = tiers_recalculate(batch_size=1)

    assert first == TierRecalculation(upgrades=1, downgrades=0, warnings=0)
    assert second == TierRecalculation()
    assert _account(customer).tier == silver
    assert _account(other_customer).tier is None
    assert _changes(customer) == [(None, "Silver", "Reached $450 spend in 12 months")]
    assert len(_emails("tier-upgrade:")) == 1


@pytest.mark.django_db
def test_the_recalculate_tiers_task_returns_its_counts(customer, store, time_machine):
    _tiers()
    time_machine.move_to(GOLD_SINCE, tick=False)
    buy(customer, store, "r1", line("1200.00"))
    time_machine.move_to(datetime.datetime(2026, 6, 16, 2, 30, tzinfo=UTC), tick=False)

    assert recalculate_tiers.apply().get() == {"upgrades": 0, "downgrades": 1, "warnings": 0}
    assert recalculate_tiers.apply().get() == {"upgrades": 0, "downgrades": 0, "warnings": 0}


# --- earning -----------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_tier_multiplier_adds_to_the_base_points_per_line_with_a_breakdown_item(
    customer, store
):
    _silver, gold = _tiers()
    _put_in_tier(customer, gold)
    coffee, gift_cards = category("coffee"), category("gift-cards")
    base = base_rule("1")
    coffee_rule = rule(
        RuleKind.CATEGORY_MULTIPLIER, "Coffee 2x", multiplier=Decimal("2"), categories=[coffee]
    )
    rule(RuleKind.CATEGORY_EXCLUSION, "No points on gift cards", categories=[gift_cards])
    lines = [line("12.00", category=coffee), line("7.99"), line("50.00", category=gift_cards)]

    customer.points_account.refresh_from_db()

    preview = points_preview(lines=lines, member=customer, store=store)
    purchase = buy(customer, store, "r1", *lines)

    # base 12 + 7; coffee +12; Gold 1.5x: 6 + 3 (7 x 0.5 rounded down); gift card nothing
    expected_breakdown = [
        {"rule": base.pk, "name": "Base", "kind": "base_rate", "points": 19},
        {"rule": coffee_rule.pk, "name": "Coffee 2x", "kind": "category_multiplier", "points": 12},
        {"rule": None, "name": "Gold tier", "kind": "tier", "points": 9},
    ]
    assert preview.total == 40
    assert preview.breakdown == expected_breakdown
    assert (purchase.points, purchase.breakdown) == (40, expected_breakdown)
    assert list(purchase.lines.order_by("position").values_list("points", flat=True)) == [30, 10, 0]
    assert state(customer) == (40, 0, 0, 1)


@pytest.mark.django_db
def test_a_tier_limited_promotion_applies_only_to_members_in_that_tier(store):
    silver, gold = _tiers()
    for tier in (silver, gold):
        tier.earn_multiplier = Decimal("1")
        tier.save()
    base_rule("1")
    promotion = rule(RuleKind.PROMOTION, "Gold double points", multiplier=Decimal("2"))
    promotion.tiers.set([gold])
    in_gold, in_silver, without_tier = create_customer(), create_customer(), create_customer()
    _put_in_tier(in_gold, gold)
    _put_in_tier(in_silver, silver)

    earned = {
        name: buy(member, store, name, line("10.00")).points
        for name, member in [("gold", in_gold), ("silver", in_silver), ("none", without_tier)]
    }

    assert earned == {"gold": 20, "silver": 10, "none": 10}


# --- rewards -----------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_reward_for_a_minimum_tier_is_refused_below_it_and_nothing_changes(
    customer, other_customer
):
    silver, gold = _tiers()
    reward = make_reward("lounge-pass", points_cost=100, stock=5, minimum_tier=gold)
    _put_in_tier(customer, silver)
    give_points(customer, 500)
    give_points(other_customer, 500)
    emails_before = OutboxEmail.objects.count()

    for member in (customer, other_customer):  # Silver, and no tier at all
        with pytest.raises(RewardUnavailable) as refused:
            reward_redeem(member=member, reward=reward, channel=RedemptionChannel.ONLINE)
        assert str(refused.value.message) == "This reward is for Gold members and above."

    assert state(customer) == state(other_customer) == (500, 0, 0, 1)
    assert Reward.objects.get(pk=reward.pk).stock == 5
    assert Redemption.objects.count() == 0
    assert OutboxEmail.objects.count() == emails_before

    # A Gold member gets it.
    _put_in_tier(customer, gold)
    reward_redeem(member=customer, reward=reward, channel=RedemptionChannel.ONLINE)
    assert state(customer) == (400, 0, 0, 2)
    assert Reward.objects.get(pk=reward.pk).stock == 4


# --- /me/ --------------------------------------------------------------------------------


def _tier_section(html: str) -> str:
    match = re.search(r'data-testid="tier".*?</section>', html, re.DOTALL)
    assert match is not None, "no tier section"
    return match.group(0)


@pytest.mark.django_db
def test_dashboard_shows_the_tier_what_it_brings_and_progress_to_the_next(
    client, customer, store, time_machine
):
    _tiers()
    time_machine.move_to(NOW, tick=False)
    buy(customer, store, "r1", line("760.00"))
    client.force_login(customer.user)

    response = client.get(reverse("members:dashboard"))

    section = _tier_section(response.content.decode())
    assert re.search(
        r'data-testid="tier-name"><svg class="tier__swatch" viewBox="0 0 2 2" '
        r'aria-hidden="true" focusable="false"><circle cx="1" cy="1" r="1" fill="#c0c0c0">'
        r"</circle></svg>Silver</p>",
        section,
    )
    assert '<time datetime="2026-06-15">June 15, 2026</time>' in section
    assert "1.25 times the base points on every purchase" in section
    assert "<p>Free coffee refills</p>" in section
    assert "In the last 12 months: $760 spend" in section
    assert (
        '<label for="tier-progress" data-testid="tier-progress-text">'
        "You need $240 more spend in the next 12 months to reach Gold</label>"
    ) in section
    assert '<progress id="tier-progress" class="tier__progress" max="1000.00" value="760.00">' in (
        section
    )
    assert "What Gold brings" in section
    assert "1.5 times the base points on every purchase" in section
    assert "<p>Priority service</p>" in section


@pytest.mark.django_db
def test_dashboard_for_a_member_without_a_tier_and_in_the_highest_one(
    client, customer, other_customer, store
):
    _silver, gold = _tiers()
    _put_in_tier(other_customer, gold)

    client.force_login(customer.user)
    without = _tier_section(client.get(reverse("members:dashboard")).content.decode())
    client.force_login(other_customer.user)
    highest = _tier_section(client.get(reverse("members:dashboard")).content.decode())

    assert 'data-testid="tier-name">No tier yet</p>' in without
    assert "You need $500 more spend in the next 12 months to reach Silver" in without
    assert 'max="500.00" value="0.00"' in without
    assert "You are in our highest tier. Thank you!" in highest
    assert "<progress" not in highest


@pytest.mark.django_db
def test_dashboard_has_no_tier_section_when_the_program_has_no_tiers(client, customer):
    client.force_login(customer.user)

    response = client.get(reverse("members:dashboard"))

    assert response.status_code == 200
    assert 'data-testid="tier"' not in response.content.decode()


# --- admin -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_manager_lists_tiers_with_their_member_counts(client, manager_user, customer):
    silver, _gold = _tiers()
    _put_in_tier(customer, silver)
    client.force_login(manager_user)

    response = client.get(reverse("admin:loyalty_tier_changelist"))

    assert response.status_code == 200
    rows = {tier.name: tier.members_count for tier in response.context["cl"].result_list}
    assert rows == {"Silver": 1, "Gold": 0}
    html = response.content.decode()
    assert "1.25" in html
    assert "#d4af37" in html


@pytest.mark.django_db
def test_a_manager_adds_a_tier_and_a_bad_colour_is_refused(client, manager_user):
    client.force_login(manager_user)
    url = reverse("admin:loyalty_tier_add")
    form = {
        "name_en": "Platinum",
        "rank": "3",
        "threshold": "5000.00",
        "earn_multiplier": "2.00",
        "benefits": "",
        "colour": "red;x:y",
    }

    refused = client.post(url, form)
    form["colour"] = "#E5E4E2"
    added = client.post(url, form)

    assert refused.status_code == 200
    assert "Enter a colour as #rrggbb" in refused.content.decode()
    assert added.status_code == 302
    assert Tier.objects.get(name="Platinum").colour == "#e5e4e2"


@pytest.mark.django_db
def test_tier_changes_are_read_only_in_the_admin(client, manager_user, customer, store):
    _tiers()
    buy(customer, store, "r1", line("600.00"))
    change = TierChange.objects.get()
    client.force_login(manager_user)

    listing = client.get(reverse("admin:loyalty_tierchange_changelist"))
    detail = client.get(reverse("admin:loyalty_tierchange_change", args=[change.pk]))

    assert listing.status_code == 200
    assert "Reached $600 spend in 12 months" in listing.content.decode()
    assert detail.status_code == 200
    assert client.get(reverse("admin:loyalty_tierchange_add")).status_code == 403
    assert client.post(
        reverse("admin:loyalty_tierchange_delete", args=[change.pk])
    ).status_code == (403)
