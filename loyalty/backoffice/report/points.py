"""Points of the report: issued, redeemed, expired, returned and adjusted down, per month."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Q, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone

from loyalty.backoffice.report.numbers import ratio
from loyalty.backoffice.report.period import ReportPeriod
from loyalty.models import EntryKind, PointsEntry, Store
from loyalty.services.program import program_timezone

# Credits that count as points issued when positive (an adjustment may go either way).
ISSUED_KINDS = (
    EntryKind.PURCHASE,
    EntryKind.BONUS,
    EntryKind.SIGNUP_BONUS,
    EntryKind.BIRTHDAY,
    EntryKind.ADJUSTMENT,
    EntryKind.REFERRAL_REFERRER,
    EntryKind.REFERRAL_FRIEND,
)


@dataclass(frozen=True)
class PointsMonth:
    month: datetime.date | None  # None for the period's total
    issued: int
    redeemed: int
    expired: int
    returned: int
    adjusted_down: int


@dataclass(frozen=True)
class PointsFlow:
    months: list[PointsMonth]
    total: PointsMonth
    redemption_rate: Decimal | None  # redeemed ÷ issued


def _entry_store_filter(store: Store) -> Q:
    return Q(store=store) | Q(store__isnull=True, purchase__store=store)


def points_flow_get(*, period: ReportPeriod, store: Store | None = None) -> PointsFlow:
    """Points issued, redeemed (spent on rewards, net of refunds), expired, returned and
    adjusted down, per month of the period in the program's time zone. One query."""
    entries = PointsEntry.objects.filter(created_at__gte=period.start, created_at__lt=period.end)
    if store is not None:
        entries = entries.filter(_entry_store_filter(store))
    rows = (
        entries.annotate(month=TruncMonth("created_at", tzinfo=program_timezone()))
        .values("month")
        .annotate(
            issued=Sum("points", filter=Q(kind__in=ISSUED_KINDS, points__gt=0)),
            spent=Sum("points", filter=Q(kind=EntryKind.SPEND)),
            spend_refunded=Sum(
                "points", filter=Q(kind=EntryKind.SPEND_REVERSAL, reverses__kind=EntryKind.SPEND)
            ),
            expired=Sum("points", filter=Q(kind=EntryKind.EXPIRY)),
            returned=Sum("points", filter=Q(kind=EntryKind.RETURN)),
            adjusted_down=Sum("points", filter=Q(kind=EntryKind.ADJUSTMENT, points__lt=0)),
            adjustment_refunded=Sum(
                "points",
                filter=Q(kind=EntryKind.SPEND_REVERSAL) & ~Q(reverses__kind=EntryKind.SPEND),
            ),
        )
        .order_by("month")
    )
    by_month: dict[datetime.date, PointsMonth] = {}
    for row in rows:  # one row per month of the period, never per entry
        month = row["month"]
        if isinstance(month, datetime.datetime):
            month = timezone.localtime(month, program_timezone()).date()
        by_month[month] = PointsMonth(
            month=month,
            issued=row["issued"] or 0,
            redeemed=-(row["spent"] or 0) - (row["spend_refunded"] or 0),
            expired=-(row["expired"] or 0),
            returned=-(row["returned"] or 0),
            adjusted_down=-(row["adjusted_down"] or 0) - (row["adjustment_refunded"] or 0),
        )
    months = [by_month.get(month, PointsMonth(month, 0, 0, 0, 0, 0)) for month in period.months()]
    total = PointsMonth(
        month=None,
        issued=sum(month.issued for month in months),
        redeemed=sum(month.redeemed for month in months),
        expired=sum(month.expired for month in months),
        returned=sum(month.returned for month in months),
        adjusted_down=sum(month.adjusted_down for month in months),
    )
    return PointsFlow(
        months=months, total=total, redemption_rate=ratio(total.redeemed, total.issued)
    )
