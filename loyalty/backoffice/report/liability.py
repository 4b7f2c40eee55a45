"""The outstanding liability: available points by when they expire, points on hold, their value."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Q, Sum
from django.utils import timezone

from loyalty.models import PointsLot, ProgramSettings
from loyalty.money import points_cash_value
from loyalty.services.program import program_settings_get


@dataclass(frozen=True)
class LiabilityBucket:
    key: str
    points: int
    value: Decimal


@dataclass(frozen=True)
class Liability:
    """Available points by when they expire, and points on hold; as of `as_of`."""

    buckets: list[LiabilityBucket]  # within_30, within_90, within_365, later, never
    available_points: int
    available_value: Decimal
    pending_points: int
    pending_value: Decimal
    point_value: Decimal
    currency: str
    as_of: datetime.datetime


LIABILITY_BUCKETS = ("within_30", "within_90", "within_365", "later", "never")


def points_liability_get(
    *, now: datetime.datetime | None = None, program: ProgramSettings | None = None
) -> Liability:
    """What the program owes now: the remaining points of available lots, split by expiry
    (next 30 / 31-90 / 91-365 days, later, never), plus pending lots, with their cash value.

    Lots past their date that the expiry run has not reached yet are still spendable, so they
    count in the first bucket. The liability is program-wide (points are spent anywhere).
    One query, and one for the program settings unless `program` is given.
    """
    now = now or timezone.now()

    def due_by(days: int) -> datetime.datetime:
        return now + datetime.timedelta(days=days)

    available = Q(is_pending=False)
    sums = PointsLot.objects.filter(remaining__gt=0).aggregate(
        within_30=Sum("remaining", filter=available & Q(expires_at__lte=due_by(30))),
        within_90=Sum(
            "remaining",
            filter=available & Q(expires_at__gt=due_by(30), expires_at__lte=due_by(90)),
        ),
        within_365=Sum(
            "remaining",
            filter=available & Q(expires_at__gt=due_by(90), expires_at__lte=due_by(365)),
        ),
        later=Sum("remaining", filter=available & Q(expires_at__gt=due_by(365))),
        never=Sum("remaining", filter=available & Q(expires_at__isnull=True)),
        pending=Sum("remaining", filter=Q(is_pending=True)),
    )
    program = program or program_settings_get()

    def value(points: int) -> Decimal:
        return points_cash_value(points, point_value=program.point_value)

    buckets = [
        LiabilityBucket(key=key, points=sums[key] or 0, value=value(sums[key] or 0))
        for key in LIABILITY_BUCKETS
    ]
    available_points = sum(bucket.points for bucket in buckets)
    pending = sums["pending"] or 0
    return Liability(
        buckets=buckets,
        available_points=available_points,
        available_value=value(available_points),
        pending_points=pending,
        pending_value=value(pending),
        point_value=program.point_value,
        currency=program.currency,
        as_of=now,
    )
