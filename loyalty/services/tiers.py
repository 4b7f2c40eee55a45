"""Tiers: who is Silver or Gold, by spend or points earned over a rolling 12 months.

A member moves up at once, on the purchase that reaches a tier (`tier_upgrade_if_reached`,
called by `purchase_record` under the account lock). Moves down happen only in the nightly run
(`tiers_recalculate`), and only after the member has held the tier for 12 months; 30 days
before that the member is warned, once, with what they still need to keep it. Every move is a
`TierChange` with its reason.

The hold protects a tier that was earned, not one whose purchase came back: a return that
leaves the 12 months before the tier was reached below its threshold works the tier out again
at once, in the return's transaction (`tier_review_after_return`).

The 12 months are calendar months in the program's time zone: the window before `now` starts
at the same local time one year earlier (29 February counts from 28 February), exclusive.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from loyalty.models import (
    OutboxEmail,
    PointsAccount,
    ProgramSettings,
    Purchase,
    Tier,
    TierChange,
)
from loyalty.platform.db import atomic_with_retry
from loyalty.selectors.tiers import (
    metric_display,
    multiplier_display,
    needed_display,
    reached_display,
    tier_for_metric,
    tier_hold_ends,
    tier_metric,
    tier_metric_between,
    tier_metrics,
    tier_window_start,
)
from loyalty.services.ledger import lock_accounts
from loyalty.services.outbox import email_queue
from loyalty.services.program import program_settings_get, program_timezone
from loyalty.services.rulebook import rulebook

WARNING_DAYS = 30


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
    reached = reached_display(metric, basis=basis, currency=currency)
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


def _earned(account: PointsAccount, tier: Tier, *, since: datetime.datetime, basis: str) -> bool:
    """Whether what the member kept of the 12 months up to `since` reaches `tier`."""
    kept = tier_metric_between(account, start=tier_window_start(since), end=since, basis=basis)
    return kept >= tier.threshold


def tier_review_after_return(
    *, account: PointsAccount, now: datetime.datetime, program: ProgramSettings | None = None
) -> bool:
    """Work the tier out again after a return; the caller holds the account's lock.

    A tier still stands when what the member kept of the 12 months before reaching it still
    reaches its threshold (a fairly earned Gold survives the return of a small item). Otherwise
    the member goes where they would be had the returned purchase never been made: the highest
    of the tier their kept 12 months reach now and any lower tier they reached since, earned in
    the same sense, whose hold still runs (with that hold's start). No hold protects the tier
    left, and no email is sent, as for any move down. Returns whether the tier changed.
    """
    tier = account.tier
    if tier is None or account.tier_since is None:
        return False
    program = program or program_settings_get()
    basis, currency = program.tier_basis, program.currency
    if _earned(account, tier, since=account.tier_since, basis=basis):
        return False
    metric = tier_metric_between(account, start=tier_window_start(now), end=now, basis=basis)
    target, since = tier_for_metric(metric), now
    if target is not None and target.rank >= tier.rank:
        return False  # later purchases reach the tier on their own
    held_before = (
        TierChange.objects.filter(
            account=account,
            created_at__gt=tier_window_start(now),
            to_tier__isnull=False,
            to_tier__rank__lt=tier.rank,
        )
        .select_related("to_tier")
        .order_by("-to_tier__rank", "-created_at")
    )
    for change in held_before:
        held = change.to_tier
        if target is not None and held.rank <= target.rank:
            break
        if now < tier_hold_ends(change.created_at) and _earned(
            account, held, since=change.created_at, basis=basis
        ):
            target, since = held, change.created_at
            break
    _move(
        account,
        to_tier=target,
        reason=_(
            "A return left %(metric)s in 12 months, below the %(tier)s threshold of %(threshold)s"
        )
        % {
            "metric": reached_display(metric, basis=basis, currency=currency),
            "tier": tier.name,
            "threshold": metric_display(tier.threshold, basis=basis, currency=currency),
        },
        now=since,
    )
    return True


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
        metrics = tier_metrics(
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
    metric = tier_metric_between(account, start=tier_window_start(now), end=now, basis=basis)
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
                "metric": reached_display(metric, basis=basis, currency=currency),
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
    counted = tier_metric_between(account, start=tier_window_start(hold_ends), end=now, basis=basis)
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
