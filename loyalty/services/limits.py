"""Limits on made value: what one staff member at the desk, or one API key, may credit.

Who records a sale is known by the caller: `actor` for the desk, `api_key` for the API. A sale
with neither (seed data, a shell) is not limited. Over a limit the program either refuses
(`LimitExceeded`) or holds the points until a manager approves (see `loyalty.services.holds`).

The daily totals are race-safe: before reading the day's total, the recorder's own row (the
staff user, or the key) is locked, so two purchases by one recorder for two members, whose
account locks do not meet, are still counted one after the other.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db.models import Sum
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from loyalty.exceptions import LimitExceeded
from loyalty.models import ApiKey, HoldStatus, OverLimitAction, ProgramSettings, Purchase
from loyalty.services.program import program_day_bounds, program_today


@dataclass(frozen=True)
class Limits:
    max_total: Decimal | None
    max_points: int | None
    daily_points: int | None


def limits_for(
    *, program: ProgramSettings, actor=None, api_key: ApiKey | None = None
) -> Limits | None:
    """The limits that apply to a sale recorded by this key (its own, else the program's
    default for keys) or this staff member (the desk's); None when nobody is named."""
    if api_key is not None:
        return Limits(
            max_total=api_key.max_total if api_key.max_total is not None else program.key_max_total,
            max_points=(
                api_key.max_points if api_key.max_points is not None else program.key_max_points
            ),
            daily_points=(
                api_key.daily_points
                if api_key.daily_points is not None
                else program.key_daily_points
            ),
        )
    if actor is not None:
        return Limits(
            max_total=program.desk_max_total,
            max_points=program.desk_max_points,
            daily_points=program.staff_daily_points,
        )
    return None


def _day_bounds(now: datetime.datetime) -> tuple[datetime.datetime, datetime.datetime]:
    return program_day_bounds(program_today(now))


def issued_today(*, actor=None, api_key: ApiKey | None = None, now: datetime.datetime) -> int:
    """Points credited today (program time zone) by the key's, or the staff member's desk,
    purchases; held and rejected ones are not issued."""
    start, end = _day_bounds(now)
    purchases = Purchase.objects.filter(recorded_at__gte=start, recorded_at__lt=end).exclude(
        hold_status__in=[HoldStatus.HELD, HoldStatus.REJECTED]
    )
    if api_key is not None:
        purchases = purchases.filter(api_key=api_key)
    else:
        purchases = purchases.filter(recorded_by=actor, api_key__isnull=True)
    return purchases.aggregate(points=Sum("points"))["points"] or 0


def _recorder_lock(*, actor, api_key: ApiKey | None) -> None:
    if api_key is not None:
        ApiKey.objects.select_for_update().filter(pk=api_key.pk).first()
    else:
        get_user_model().objects.select_for_update().filter(pk=actor.pk).first()


def _money(amount: Decimal) -> str:
    return formats.number_format(amount, decimal_pos=2, use_l10n=True, force_grouping=True)


def limit_check_locked(
    *,
    program: ProgramSettings,
    total: Decimal,
    points: int,
    actor=None,
    api_key: ApiKey | None = None,
    now: datetime.datetime | None = None,
) -> str:
    """Check a sale against its recorder's limits. Returns "" when it is within them, else the
    reason it is held; raises `LimitExceeded` when the program refuses sales above a limit.

    Locks the recorder (see the module), so call it inside the sale's transaction, after the
    member's account is locked and before the purchase is written.
    """
    limits = limits_for(program=program, actor=actor, api_key=api_key)
    if limits is None:
        return ""
    reason = ""
    if limits.max_total is not None and total > limits.max_total:
        reason = _("The total %(total)s is above the limit of %(limit)s per purchase.") % {
            "total": _money(total),
            "limit": _money(limits.max_total),
        }
    elif limits.max_points is not None and points > limits.max_points:
        reason = _("It earns %(points)s points, above the limit of %(limit)s per purchase.") % {
            "points": points,
            "limit": limits.max_points,
        }
    elif limits.daily_points is not None and points > 0:
        _recorder_lock(actor=actor, api_key=api_key)
        already = issued_today(actor=actor, api_key=api_key, now=now or timezone.now())
        if already + points > limits.daily_points:
            if api_key is not None:
                text = _(
                    "This key issued %(already)s points today; %(points)s more is above its "
                    "limit of %(limit)s per day."
                )
            else:
                text = _(
                    "This staff member issued %(already)s points today; %(points)s more is above "
                    "the limit of %(limit)s per staff member per day."
                )
            reason = text % {"already": already, "points": points, "limit": limits.daily_points}
    if reason and program.over_limit_action == OverLimitAction.REFUSE:
        raise LimitExceeded(reason)
    return reason
