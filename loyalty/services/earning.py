"""How many points a basket earns, by the rules managers keep in the admin.

How rules combine (also in docs/earning-rules.md):
1. Lines in a category excluded by an active exclusion rule earn nothing and do not count
   towards a threshold.
2. Base points per line: amount x the rate of the best applicable base rule, rounded down
   per line.
3. Each applicable category multiplier or promotion adds (multiplier - 1) x the line's base
   points, rounded down; several add up (2x and 3x together make 4x).
4. The member's tier adds (earn multiplier - 1) x the line's base points, rounded down per
   line, as one "<Tier> tier" item of the breakdown.
5. Threshold bonus: when the eligible amount reaches a threshold, the bonus of the highest
   threshold reached is added once per purchase.
6. Caps last: the lowest per-purchase cap, then what is left of the lowest per-member daily cap.
A rule applies when it is on, inside its active window, and matches the store, weekday, time of
day (program time zone) and the member's tier where it is limited to them.
"""

import dataclasses
import datetime
from dataclasses import dataclass, field
from decimal import ROUND_FLOOR, Decimal, InvalidOperation

from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from loyalty.exceptions import InvalidPurchase
from loyalty.models import (
    EarningRule,
    ProductCategory,
    ProgramSettings,
    Purchase,
    RuleKind,
    Store,
    Tier,
)
from loyalty.services.program import program_settings_get, program_timezone
from loyalty.services.rulebook import rulebook


@dataclass(frozen=True)
class BasketLine:
    amount: Decimal
    quantity: int = 1
    category: ProductCategory | None = None
    sku: str = ""
    description: str = ""


@dataclass
class Earning:
    """The points a basket earns and why. `line_points` are before caps, one per line."""

    total: int = 0
    line_points: list[int] = field(default_factory=list)
    line_eligible: list[bool] = field(default_factory=list)
    bonus: int = 0
    bonus_threshold: Decimal | None = None
    cap_reduction: int = 0
    breakdown: list[dict] = field(default_factory=list)


def _floor(value: Decimal) -> int:
    return int(value.to_integral_value(rounding=ROUND_FLOOR))


def rule_applies(
    rule: EarningRule,
    *,
    store: Store,
    at: datetime.datetime,
    store_ids: set[int],
    tier_ids: set[int] | frozenset[int] = frozenset(),
    tier: Tier | None = None,
) -> bool:
    """Whether `rule` (already known active and in its window) matches the store, the time and
    the member's `tier`. A rule limited to tiers (`tier_ids`) never applies without a tier."""
    if store_ids and store.pk not in store_ids:
        return False
    if tier_ids and (tier is None or tier.pk not in tier_ids):
        return False
    local = timezone.localtime(at, program_timezone())
    if rule.weekdays.strip():
        # A weekday list that names no valid day (a typo) limits the rule to no day at all,
        # rather than silently to every day.
        days = {int(day) for day in rule.weekdays.split(",") if day.strip() in set("1234567")}
        if local.isoweekday() not in days:
            return False
    if rule.time_from is not None or rule.time_until is not None:
        clock = local.time().replace(tzinfo=None)
        start = rule.time_from or datetime.time.min
        if rule.time_until is None:
            if clock < start:
                return False
        elif start <= rule.time_until:
            if not start <= clock < rule.time_until:
                return False
        elif rule.time_until <= clock < start:  # a window over midnight, e.g. 22:00-02:00
            return False
    return True


def applicable_rules(
    *,
    store: Store,
    at: datetime.datetime,
    kinds: list[str] | None = None,
    tier: Tier | None = None,
    program: ProgramSettings | None = None,
) -> list[EarningRule]:
    """The rules that apply at `store` at `at` for a member in `tier` (None: no tier, so rules
    limited to tiers are left out), by pk. `program` saves reading the settings row."""
    result = []
    for rule in rulebook(program=program).rules_in_force(at):
        if kinds is not None and rule.kind not in kinds:
            continue
        store_ids = {rule_store.pk for rule_store in rule.stores.all()}
        tier_ids = {rule_tier.pk for rule_tier in rule.tiers.all()}
        if rule_applies(
            rule, store=store, at=at, store_ids=store_ids, tier_ids=tier_ids, tier=tier
        ):
            result.append(rule)
    return result


def bonus_rule_best(*, kind: str, tier=None, at: datetime.datetime | None = None):
    """The richest active rule of a non-purchase bonus `kind` (sign-up, birthday, survey) for a
    member in `tier`, or None. Such bonuses happen at no store, so store-limited rules never
    apply."""
    no_store = Store(pk=0, code="", name="")
    rules = [
        rule
        for rule in applicable_rules(
            store=no_store, at=at or timezone.now(), kinds=[kind], tier=tier
        )
        if rule.points  # rules limited to stores do not apply at no store
    ]
    return max(rules, key=lambda rule: (rule.points, -rule.pk), default=None)


def _add(breakdown: dict[int | str, dict], rule: EarningRule, points: int) -> None:
    if points == 0:
        return
    item = breakdown.setdefault(
        rule.pk, {"rule": rule.pk, "name": rule.name, "kind": rule.kind, "points": 0}
    )
    item["points"] += points


def _add_tier(breakdown: dict[int | str, dict], tier: Tier, points: int) -> None:
    if points == 0:
        return
    item = breakdown.setdefault(
        "tier",
        {
            "rule": None,
            "name": _("%(tier)s tier") % {"tier": tier.name},
            "kind": "tier",
            "points": 0,
        },
    )
    item["points"] += points


def earning_compute(
    *,
    lines: list[BasketLine],
    store: Store,
    at: datetime.datetime,
    earned_today: int = 0,
    tier: Tier | None = None,
    program: ProgramSettings | None = None,
) -> Earning:
    """The points for `lines` bought at `store` at `at` by a member in `tier` (None: no tier),
    given the member already earned `earned_today` points from purchases that day. Reads rules
    only; records nothing."""
    rules = applicable_rules(store=store, at=at, tier=tier, program=program)
    by_kind: dict[str, list[EarningRule]] = {}
    for rule in rules:
        by_kind.setdefault(rule.kind, []).append(rule)

    excluded = {
        category.pk
        for rule in by_kind.get(RuleKind.CATEGORY_EXCLUSION, [])
        for category in rule.categories.all()
    }
    base_rules = [rule for rule in by_kind.get(RuleKind.BASE_RATE, []) if rule.rate is not None]
    base_rule = max(base_rules, key=lambda rule: (rule.rate, -rule.pk), default=None)
    multipliers = [
        (rule, {category.pk for category in rule.categories.all()})
        for rule in by_kind.get(RuleKind.CATEGORY_MULTIPLIER, [])
        + by_kind.get(RuleKind.PROMOTION, [])
        if rule.multiplier is not None
    ]

    tier_extra = tier.earn_multiplier - 1 if tier is not None else Decimal("0")
    earning = Earning()
    breakdown: dict[int | str, dict] = {}
    eligible_amount = Decimal("0")
    for line in lines:
        category_id = line.category.pk if line.category is not None else None
        if category_id in excluded:
            earning.line_points.append(0)
            earning.line_eligible.append(False)
            continue
        earning.line_eligible.append(True)
        eligible_amount += line.amount
        if base_rule is None:
            earning.line_points.append(0)
            continue
        base = _floor(line.amount * base_rule.rate)
        points = base
        _add(breakdown, base_rule, base)
        for rule, categories in multipliers:
            if rule.kind == RuleKind.CATEGORY_MULTIPLIER and category_id not in categories:
                continue
            if rule.kind == RuleKind.PROMOTION and categories and category_id not in categories:
                continue
            extra = _floor(base * (rule.multiplier - 1))
            points += extra
            _add(breakdown, rule, extra)
        if tier_extra > 0:
            extra = _floor(base * tier_extra)
            points += extra
            _add_tier(breakdown, tier, extra)
        earning.line_points.append(points)

    thresholds = [
        rule
        for rule in by_kind.get(RuleKind.THRESHOLD_BONUS, [])
        if rule.threshold_amount is not None
        and rule.points
        and eligible_amount >= rule.threshold_amount
    ]
    if thresholds:
        best = max(thresholds, key=lambda rule: (rule.threshold_amount, rule.points))
        earning.bonus = best.points
        earning.bonus_threshold = best.threshold_amount
        _add(breakdown, best, best.points)

    uncapped = sum(earning.line_points) + earning.bonus
    capped = uncapped
    purchase_caps = [
        rule for rule in by_kind.get(RuleKind.PURCHASE_CAP, []) if rule.points is not None
    ]
    if purchase_caps:
        cap_rule = min(purchase_caps, key=lambda rule: rule.points)
        if capped > cap_rule.points:
            _add(breakdown, cap_rule, cap_rule.points - capped)
            capped = cap_rule.points
    daily_caps = [rule for rule in by_kind.get(RuleKind.DAILY_CAP, []) if rule.points is not None]
    if daily_caps:
        cap_rule = min(daily_caps, key=lambda rule: rule.points)
        allowed = max(0, cap_rule.points - earned_today)
        if capped > allowed:
            _add(breakdown, cap_rule, allowed - capped)
            capped = allowed
    earning.total = capped
    earning.cap_reduction = uncapped - capped
    earning.breakdown = list(breakdown.values())
    return earning


def earned_on_day(*, member, at: datetime.datetime) -> int:
    """Points the member's purchases credited on the program-time-zone day of `at`."""
    zone = program_timezone()
    day = timezone.localtime(at, zone).date()
    start = datetime.datetime.combine(day, datetime.time(), tzinfo=zone)
    end = start + datetime.timedelta(days=1)
    totals = Purchase.objects.filter(
        member=member, occurred_at__gte=start, occurred_at__lt=end
    ).aggregate(points=Sum("points"), reversed=Sum("points_reversed"))
    return (totals["points"] or 0) - (totals["reversed"] or 0)


MAX_LINES = 500
MAX_QUANTITY = 100_000
MAX_AMOUNT = Decimal("1000000")


def basket_clean(lines: list[BasketLine]) -> list[BasketLine]:
    """The basket with Decimal amounts, or `InvalidPurchase` saying which line is wrong."""
    if not lines:
        raise InvalidPurchase(_("A purchase needs at least one line."))
    if len(lines) > MAX_LINES:
        raise InvalidPurchase(_("A purchase has at most %(max)d lines.") % {"max": MAX_LINES})
    cleaned = []
    for number, line in enumerate(lines, start=1):
        try:
            amount = (
                Decimal(str(line.amount))
                if isinstance(line.amount, float)
                else Decimal(line.amount)
            )
        except (InvalidOperation, TypeError, ValueError) as error:
            raise InvalidPurchase(
                _("Line %(n)d: the amount is not a number.") % {"n": number}
            ) from error
        if not amount.is_finite() or amount <= 0:
            raise InvalidPurchase(
                _("Line %(n)d: the amount must be more than zero.") % {"n": number}
            )
        if amount > MAX_AMOUNT or amount.as_tuple().exponent < -2:
            raise InvalidPurchase(
                _("Line %(n)d: the amount must have at most two decimals and be below %(max)s.")
                % {"n": number, "max": MAX_AMOUNT}
            )
        if isinstance(line.quantity, bool) or not isinstance(line.quantity, int):
            raise InvalidPurchase(
                _("Line %(n)d: the quantity must be a whole number from 1.") % {"n": number}
            )
        if not 1 <= line.quantity <= MAX_QUANTITY:
            raise InvalidPurchase(
                _("Line %(n)d: the quantity must be a whole number from 1.") % {"n": number}
            )
        cleaned.append(dataclasses.replace(line, amount=amount))
    return cleaned


# A till's clock may run a little ahead of ours; more than this is a date in the future.
CLOCK_SKEW = datetime.timedelta(minutes=5)


def sale_time_check(
    *, member, occurred_at: datetime.datetime, program: ProgramSettings, now: datetime.datetime
) -> None:
    """Refuse a sale time that would let a purchase choose its own rules: one without a zone
    (which zone's Tuesday?), in the future, older than the program takes, or from before the
    member joined. A few minutes of clock skew between the till and us are allowed."""
    if timezone.is_naive(occurred_at):
        raise InvalidPurchase(_("The purchase time needs a time zone."))
    if occurred_at > now + CLOCK_SKEW:
        raise InvalidPurchase(_("The purchase time is in the future."))
    days = program.sale_max_age_days
    if occurred_at < now - datetime.timedelta(days=days):
        raise InvalidPurchase(
            ngettext(
                "The purchase time is more than %(days)d day ago; the program takes sales up "
                "to %(days)d day old.",
                "The purchase time is more than %(days)d days ago; the program takes sales up "
                "to %(days)d days old.",
                days,
            )
            % {"days": days}
        )
    if occurred_at < member.joined_at - CLOCK_SKEW:
        raise InvalidPurchase(_("The purchase time is before the member joined the program."))


def points_preview(
    *, lines: list[BasketLine], member, store: Store, at: datetime.datetime | None = None
) -> Earning:
    """The points a basket would earn now (or at `at`); records nothing.

    Raises `InvalidPurchase` for a basket that `purchase_record` would refuse.
    """
    lines = basket_clean(lines)
    now = timezone.now()
    if at is None:
        at = now
    else:
        sale_time_check(member=member, occurred_at=at, program=program_settings_get(), now=now)
    return earning_compute(
        lines=lines,
        store=store,
        at=at,
        earned_today=earned_on_day(member=member, at=at),
        tier=member.points_account.tier,
    )
