"""Reads of the points engine for pages, the API and reports."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import QuerySet, Sum
from django.utils import timezone

from .models import PointsAccount, PointsEntry, PointsLot, Purchase
from .services.program import program_settings_get


def entry_list(*, account: PointsAccount, kind: str | None = None) -> QuerySet[PointsEntry]:
    """The account's ledger, newest first, with what each entry links to."""
    entries = PointsEntry.objects.filter(account=account).select_related(
        "purchase", "purchase__store", "purchase_return", "rule", "store"
    )
    if kind:
        entries = entries.filter(kind=kind)
    return entries.order_by("-created_at", "-pk")


def purchase_list_recent(*, member, limit: int = 10) -> QuerySet[Purchase]:
    return (
        Purchase.objects.filter(member=member)
        .select_related("store", "recorded_by")
        .prefetch_related("lines", "lines__category")
        .order_by("-recorded_at", "-pk")[:limit]
    )


def lot_list_pending(*, account: PointsAccount) -> QuerySet[PointsLot]:
    """Points on hold, soonest available first."""
    return PointsLot.objects.filter(account=account, is_pending=True, remaining__gt=0).order_by(
        "available_at", "pk"
    )


@dataclass(frozen=True)
class ExpiringAmount:
    expires_at: datetime.datetime
    points: int


def expiring_points(
    *, account: PointsAccount, within_days: int = 90, now: datetime.datetime | None = None
) -> list[ExpiringAmount]:
    """Every expiry date with points left in the next `within_days` days, soonest first."""
    now = now or timezone.now()
    rows = (
        PointsLot.objects.filter(
            account=account,
            is_pending=False,
            remaining__gt=0,
            expires_at__gt=now,
            expires_at__lte=now + datetime.timedelta(days=within_days),
        )
        .values("expires_at")
        .annotate(points=Sum("remaining"))
        .order_by("expires_at")
    )
    return [ExpiringAmount(expires_at=row["expires_at"], points=row["points"]) for row in rows]


def points_cash_value(points: int) -> Decimal:
    """What `points` are worth in the program's currency, to two decimals."""
    return (Decimal(points) * program_settings_get().point_value).quantize(Decimal("0.01"))
