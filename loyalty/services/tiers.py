"""Tiers: who is Silver or Gold, by spend or points earned over a rolling 12 months.

A member moves up at once, on the purchase that reaches a tier (`tier_upgrade_if_reached`,
called by `purchase_record` under the account lock). Moves down happen only in the nightly run
(`tiers_recalculate`), and only after the member has held the tier for 12 months; 30 days
before that the member is warned, once, with what they still need to keep it. Every move is a
`TierChange` with its reason.

The 12 months are calendar months in the program's time zone: the window before `now` starts
at the same local time one year earlier (29 February counts from 28 February), exclusive.
"""

import calendar
import datetime
from dataclasses import dataclass
from decimal import ROUND_CEILING, Decimal

from django.db.models import Exists, F, OuterRef, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from loyalty.models import (
    LineShare,
    OutboxEmail,
    PointsAccount,
    ProgramSettings,
    Purchase,
    PurchaseLine,
    Tier,
    TierChange,
)
from loyalty.money import CENT, cents
from loyalty.platform.colours import FALLBACK_COLOUR, safe_colour
from loyalty.platform.db import atomic_with_retry
from loyalty.services.ledger import lock_accounts
from loyalty.services.outbox import email_queue
from loyalty.services.program import program_settings_get, program_timezone
from loyalty.services.rulebook import rulebook

WARNING_DAYS = 30
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


def _metrics(
    member_ids: list[int], *, start: datetime.datetime, end: datetime.datetime, basis: str
) -> dict[int, Decimal]:
    """Spend (net of returns, in money) or purchase points (net of reversals) of each member in
    (start, end], computed by the database. Members with nothing there are left out."""
    if basis == "points":
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


def _metric_between(
    account: PointsAccount, *, start: datetime.datetime, end: datetime.datetime, basis: str
) -> Decimal:
    return _metrics([account.member_id], start=start, end=end, basis=basis).get(
        account.member_id, Decimal("0.00") if basis == "spend" else Decimal("0")
    )


def tier_metric(
    *, account: PointsAccount, now: datetime.datetime, basis: str | None = None
) -> Decimal:
    """What counts towards a tier at `now`: per `basis` (default `ProgramSettings.tier_basis`),
    the spend (each purchase's total less the returned share of its lines) or the points
    purchases credited (less what returns took back), over the 12 months before `now`."""
    basis = basis or program_settings_get().tier_basis
    return _metric_between(account, start=tier_window_start(now), end=now, basis=basis)


def tier_for_metric(value: Decimal) -> Tier | None:
    """The highest tier whose threshold `value` reaches, or None."""
    return Tier.objects.filter(threshold__lte=value).order_by("-rank").first()


def metric_display(value: Decimal, *, basis: str, currency: str) -> str:
    """ "1,000.00 USD" for spend, "1,200 points" for points."""
    if basis == "points":
        points = int(value)
        return ngettext("%(points)s point", "%(points)s points", points) % {"points": f"{points:,}"}
    return f"{cents(value):,.2f} {currency}"


def needed_display(value: Decimal, *, basis: str, currency: str) -> str:
    """ "240.00 USD more spend", "1,200 more points": what is still missing."""
    if basis == "points":
        points = int(value.to_integral_value(rounding=ROUND_CEILING))
        return ngettext("%(points)s more point", "%(points)s more points", points) % {
            "points": f"{points:,}"
        }
    return _("%(money)s more spend") % {
        "money": metric_display(value, basis=basis, currency=currency)
    }


def _reached_display(value: Decimal, *, basis: str, currency: str) -> str:
    if basis == "points":
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


def _member_can_get_email(account: PointsAccount) -> bool:
    return account.member.user.is_active


def _move(
    account: PointsAccount, *, to_tier: Tier | None, reason: str, now: datetime.datetime
) -> None:
    TierChange.objects.create(
        account=account, from_tier=account.tier, to_tier=to_tier, reason=reason[:255]
    )
    account.tier = to_tier
    account.tier_since = now if to_tier is not None else None
    account.save(update_fields=["tier", "tier_since", "updated_at"])


def _upgrade(
    account: PointsAccount,
    *,
    target: Tier | None,
    metric: Decimal,
    now: datetime.datetime,
    basis: str,
    currency: str,
) -> Tier | None:
    """Move the locked account up to `target`, the tier `metric` reaches, if that is higher.
    Never down."""
    if target is None or (account.tier is not None and target.rank <= account.tier.rank):
        return None
    reached = _reached_display(metric, basis=basis, currency=currency)
    _move(
        account,
        to_tier=target,
        reason=_("Reached %(reached)s in 12 months") % {"reached": reached},
        now=now,
    )
    if _member_can_get_email(account):
        local_day = timezone.localtime(now, program_timezone()).date()
        member = account.member
        email_queue(
            key=f"tier-upgrade:{account.pk}:{target.pk}:{local_day.isoformat()}",
            to=member.user.email,
            template="tier_upgrade",
            member=member,
            context={
                "member": member,
                "tier": target,
                "reached": reached,
                "multiplier": multiplier_display(target.earn_multiplier),
            },
        )
    return target


def tier_upgrade_if_reached(
    *, account: PointsAccount, now: datetime.datetime, program: ProgramSettings | None = None
) -> Tier | None:
    """Move the member up at once when their 12-month metric reaches a higher tier.

    The caller holds the account's lock (a purchase just recorded). Records a `TierChange` with
    the reason, restarts `tier_since` and queues the congratulation email. Never moves down.
    Returns the new tier, or None when nothing changed.
    """
    program = program or program_settings_get()
    book = rulebook(program=program)
    current = book.tier(account.tier_id)
    if current is not None:
        account.tier = current  # the same row, from the rule book: no query for it
    else:
        # No tier, or one newer than this process's rule book: the member's own row decides,
        # so that a stale book can never move anyone down.
        current = account.tier
    if not book.tier_above_exists(current.rank if current is not None else 0):
        return None  # no tier above: the 12-month sum is not needed
    metric = tier_metric(account=account, now=now, basis=program.tier_basis)
    return _upgrade(
        account,
        target=book.tier_for_metric(metric),
        metric=metric,
        now=now,
        basis=program.tier_basis,
        currency=program.currency,
    )


@dataclass(frozen=True)
class TierRecalculation:
    upgrades: int = 0
    downgrades: int = 0
    warnings: int = 0


def tiers_recalculate(
    *, now: datetime.datetime | None = None, batch_size: int = 1000
) -> TierRecalculation:
    """The nightly run: moves up whoever reached a higher tier, moves down whoever has held
    their tier for 12 months without reaching its threshold, and warns, once, those 30 days
    away from such a move.

    Accounts are streamed in pk order, a batch at a time; each batch's metrics come from one
    query, and only the accounts that may change are locked and re-checked, each in its own
    short transaction. Running it twice the same day changes nothing the second time.
    """
    now = now or timezone.now()
    program = program_settings_get()
    basis = program.tier_basis
    start = tier_window_start(now)
    tiers = {tier.pk: tier for tier in Tier.objects.all()}
    if not tiers:
        return TierRecalculation()
    lowest_threshold = min(tier.threshold for tier in tiers.values())
    accounts = PointsAccount.objects.order_by("pk")
    if lowest_threshold > 0:
        # Nobody reaches a tier without a purchase in the window: only members with a tier or
        # with a recent purchase need a look.
        recent = Purchase.objects.filter(
            member_id=OuterRef("member_id"), occurred_at__gt=start, occurred_at__lte=now
        )
        accounts = accounts.filter(Q(tier__isnull=False) | Exists(recent))
    upgrades = downgrades = warnings = 0
    last_pk = 0
    while True:
        batch = list(
            accounts.filter(pk__gt=last_pk).values_list("pk", "member_id", "tier_id", "tier_since")[
                :batch_size
            ]
        )
        if not batch:
            break
        last_pk = batch[-1][0]
        metrics = _metrics(
            [member_id for _pk, member_id, _tier, _since in batch],
            start=start,
            end=now,
            basis=basis,
        )
        for account_id, member_id, tier_id, tier_since in batch:
            metric = metrics.get(member_id, Decimal("0"))
            if not _may_change(tiers.get(tier_id), tier_since, metric, tiers=tiers, now=now):
                continue
            outcome = _review_account(account_id=account_id, now=now)
            upgrades += outcome == "upgrade"
            downgrades += outcome == "downgrade"
            warnings += outcome == "warning"
    return TierRecalculation(upgrades=upgrades, downgrades=downgrades, warnings=warnings)


def _may_change(
    tier: Tier | None,
    tier_since: datetime.datetime | None,
    metric: Decimal,
    *,
    tiers: dict[int, Tier],
    now: datetime.datetime,
) -> bool:
    """A cheap look, without the lock, at whether the account needs a closer one."""
    current_rank = tier.rank if tier is not None else 0
    if any(other.rank > current_rank and other.threshold <= metric for other in tiers.values()):
        return True
    if tier is None or tier_since is None:
        return False
    hold_ends = tier_hold_ends(tier_since)
    if now >= hold_ends:
        return metric < tier.threshold
    # In the warning window even a metric above the threshold may fall below it by the review
    # day, as old purchases leave the window.
    return now >= hold_ends - datetime.timedelta(days=WARNING_DAYS)


@atomic_with_retry
def _review_account(*, account_id: int, now: datetime.datetime) -> str | None:
    """Under the account's lock: "upgrade", "downgrade", "warning" or None."""
    account = lock_accounts([account_id])[account_id]
    program = program_settings_get()
    basis, currency = program.tier_basis, program.currency
    metric = _metric_between(account, start=tier_window_start(now), end=now, basis=basis)
    target = tier_for_metric(metric)
    if _upgrade(account, target=target, metric=metric, now=now, basis=basis, currency=currency):
        return "upgrade"
    tier = account.tier
    if tier is None or account.tier_since is None:
        return None
    hold_ends = tier_hold_ends(account.tier_since)
    if now >= hold_ends:
        if metric >= tier.threshold:
            return None
        target = tier_for_metric(metric)
        _move(
            account,
            to_tier=target,
            reason=_("%(metric)s in 12 months is below the %(tier)s threshold of %(threshold)s")
            % {
                "metric": _reached_display(metric, basis=basis, currency=currency),
                "tier": tier.name,
                "threshold": metric_display(tier.threshold, basis=basis, currency=currency),
            },
            now=now,
        )
        return "downgrade"
    if now < hold_ends - datetime.timedelta(days=WARNING_DAYS):
        return None
    queued = _warn(account, hold_ends=hold_ends, now=now, basis=basis, currency=currency)
    return "warning" if queued else None


def _warn(
    account: PointsAccount,
    *,
    hold_ends: datetime.datetime,
    now: datetime.datetime,
    basis: str,
    currency: str,
) -> bool:
    """Queue the one warning before a move down, when what will still count on the review day
    is below the tier's threshold. Returns whether it was queued now."""
    tier = account.tier
    local_since = timezone.localtime(account.tier_since, program_timezone()).date()
    key = f"tier-warning:{account.pk}:{tier.pk}:{local_since.isoformat()}"
    if OutboxEmail.objects.filter(key=key).exists() or not _member_can_get_email(account):
        return False
    # Purchases before this moment will have left the 12 months by the review day.
    counted = _metric_between(account, start=tier_window_start(hold_ends), end=now, basis=basis)
    if counted >= tier.threshold:
        return False
    member = account.member
    email_queue(
        key=key,
        to=member.user.email,
        template="tier_warning",
        member=member,
        context={
            "member": member,
            "tier": tier,
            "needed": needed_display(tier.threshold - counted, basis=basis, currency=currency),
            "review_day": timezone.localtime(hold_ends, program_timezone()).date(),
            "next_tier": tier_for_metric(counted),
        },
    )
    return True


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
        places = CENT if basis == "spend" else Decimal("1")
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
        metric_display=_reached_display(metric, basis=basis, currency=currency),
        needed_display=needed,
        next_tier_reached=reached,
        progress_value=value,
        progress_max=maximum,
    )
