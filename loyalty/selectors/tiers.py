"""Reads about tiers: the rolling 12 months, what counts towards a tier, how members are shown
their progress. The moves between tiers are `loyalty.services.tiers`."""

import calendar
import datetime
from dataclasses import dataclass
from decimal import ROUND_CEILING, Decimal

from django.contrib.humanize.templatetags.humanize import intcomma
from django.db.models import F, Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from loyalty.models import LineShare, PointsAccount, Purchase, PurchaseLine, Tier, TierBasis
from loyalty.money import CENT, cents, money_format
from loyalty.platform.colours import FALLBACK_COLOUR, safe_colour
from loyalty.services.program import program_settings_get, program_timezone
from loyalty.services.rulebook import rulebook

DEFAULT_COLOUR = FALLBACK_COLOUR


def years_shifted(moment: datetime.datetime, years: int) -> datetime.datetime:
    """The same local date and time `years` later (or earlier), in the program's time zone;
    29 February becomes 28 February in a year without one."""
    local = timezone.localtime(moment, program_timezone())
    year = local.year + years
    day = local.day
    if local.month == 2 and day == 29 and not calendar.isleap(year):
        day = 28
    return local.replace(year=year, day=day)


def tier_window_start(now: datetime.datetime) -> datetime.datetime:
    """The (exclusive) start of the 12 months that count at `now`."""
    return years_shifted(now, -1)


def tier_hold_ends(tier_since: datetime.datetime) -> datetime.datetime:
    """From this moment a member who got their tier at `tier_since` may be moved down."""
    return years_shifted(tier_since, 1)


def tier_metrics(
    member_ids: list[int], *, start: datetime.datetime, end: datetime.datetime, basis: str
) -> dict[int, Decimal]:
    """Spend (net of returns, in money) or purchase points (net of reversals) of each member in
    (start, end], computed by the database. Members with nothing there are left out."""
    if basis == TierBasis.POINTS:
        rows = (
            Purchase.objects.filter(
                member_id__in=member_ids, occurred_at__gt=start, occurred_at__lte=end
            )
            .values("member_id")
            .annotate(total=Sum(F("points") - F("points_reversed")))
            .values_list("member_id", "total")
        )
        return {member_id: Decimal(total or 0) for member_id, total in rows}
    rows = (
        PurchaseLine.objects.filter(
            purchase__member_id__in=member_ids,
            purchase__occurred_at__gt=start,
            purchase__occurred_at__lte=end,
        )
        .values("purchase__member_id")
        .annotate(total=Sum(LineShare.kept()))
        .values_list("purchase__member_id", "total")
    )
    return {member_id: cents(total) for member_id, total in rows}


def tier_metric_between(
    account: PointsAccount, *, start: datetime.datetime, end: datetime.datetime, basis: str
) -> Decimal:
    return tier_metrics([account.member_id], start=start, end=end, basis=basis).get(
        account.member_id, Decimal("0.00") if basis == TierBasis.SPEND else Decimal("0")
    )


def tier_metric(
    *, account: PointsAccount, now: datetime.datetime, basis: str | None = None
) -> Decimal:
    """What counts towards a tier at `now`: per `basis` (default `ProgramSettings.tier_basis`),
    the spend (each purchase's total less the returned share of its lines) or the points
    purchases credited (less what returns took back), over the 12 months before `now`."""
    basis = basis or program_settings_get().tier_basis
    return tier_metric_between(account, start=tier_window_start(now), end=now, basis=basis)


def tier_for_metric(value: Decimal) -> Tier | None:
    """The highest tier whose threshold `value` reaches, or None."""
    return Tier.objects.filter(threshold__lte=value).order_by("-rank").first()


def metric_display(value: Decimal, *, basis: str, currency: str) -> str:
    """ "$1,000" for spend, "1,200 points" for points."""
    if basis == TierBasis.POINTS:
        points = int(value)
        return ngettext("%(points)s point", "%(points)s points", points) % {
            "points": intcomma(points)  # in the page's language: "1.200" in Turkish
        }
    return money_format(value, currency, short=True)


def needed_display(value: Decimal, *, basis: str, currency: str) -> str:
    """ "240.00 USD more spend", "1,200 more points": what is still missing."""
    if basis == TierBasis.POINTS:
        points = int(value.to_integral_value(rounding=ROUND_CEILING))
        return ngettext("%(points)s more point", "%(points)s more points", points) % {
            "points": intcomma(points)
        }
    return _("%(money)s more spend") % {
        "money": metric_display(value, basis=basis, currency=currency)
    }


def reached_display(value: Decimal, *, basis: str, currency: str) -> str:
    if basis == TierBasis.POINTS:
        return _("%(points)s earned") % {
            "points": metric_display(value, basis=basis, currency=currency)
        }
    return _("%(money)s spend") % {"money": metric_display(value, basis=basis, currency=currency)}


def multiplier_display(value: Decimal) -> str:
    """ "1.5", "2", "1.25": the earn multiplier without trailing zeros."""
    text = f"{value:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def tier_colour(tier: Tier) -> str:
    """The tier's colour when it is a plain #rrggbb, else the default grey: it goes into CSS."""
    return safe_colour(tier.colour)


@dataclass(frozen=True)
class TierProgress:
    """What the member's dashboard shows about tiers. Numbers for <progress> are plain text."""

    tier: Tier | None
    tier_colour: str
    tier_multiplier: str
    tier_since: datetime.datetime | None
    next_tier: Tier | None
    next_tier_colour: str
    next_tier_multiplier: str
    metric_display: str
    needed_display: str
    next_tier_reached: bool
    progress_value: str
    progress_max: str


def tier_progress_get(
    *, account: PointsAccount, now: datetime.datetime | None = None
) -> TierProgress | None:
    """The member's tier and how far they are from the next one; None when there are no tiers."""
    program = program_settings_get()
    tiers = rulebook(program=program).tiers
    if not tiers:
        return None
    now = now or timezone.now()
    basis, currency = program.tier_basis, program.currency
    metric = tier_metric(account=account, now=now, basis=basis)
    current = next((tier for tier in tiers if tier.pk == account.tier_id), None)
    current_rank = current.rank if current is not None else 0
    next_tier = next((tier for tier in tiers if tier.rank > current_rank), None)
    needed = value = maximum = ""
    reached = False
    if next_tier is not None:
        reached = metric >= next_tier.threshold
        needed = needed_display(next_tier.threshold - metric, basis=basis, currency=currency)
        places = CENT if basis == TierBasis.SPEND else Decimal("1")
        maximum = str(next_tier.threshold.quantize(places))
        value = str(min(metric, next_tier.threshold).quantize(places))
    return TierProgress(
        tier=current,
        tier_colour=tier_colour(current) if current is not None else DEFAULT_COLOUR,
        tier_multiplier=multiplier_display(current.earn_multiplier) if current else "1",
        tier_since=account.tier_since if current is not None else None,
        next_tier=next_tier,
        next_tier_colour=tier_colour(next_tier) if next_tier is not None else DEFAULT_COLOUR,
        next_tier_multiplier=multiplier_display(next_tier.earn_multiplier) if next_tier else "1",
        metric_display=reached_display(metric, basis=basis, currency=currency),
        needed_display=needed,
        next_tier_reached=reached,
        progress_value=value,
        progress_max=maximum,
    )
