"""Reads of the points engine for pages, the API and reports."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import QuerySet, Sum
from django.utils import timezone

from loyalty.models import PointsAccount, PointsEntry, PointsLot, Purchase
from loyalty.money import points_cash_value
from loyalty.services.program import program_settings_get, program_timezone


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


def entry_list_with_purchases(
    *, account: PointsAccount, kind: str | None = None
) -> QuerySet[PointsEntry]:
    """`entry_list` with each purchase's lines loaded too, for the member's history page."""
    return entry_list(account=account, kind=kind).prefetch_related("purchase__lines")


def lot_list_pending_with_purchases(*, account: PointsAccount) -> QuerySet[PointsLot]:
    """`lot_list_pending` with the purchase and store each pending lot came from."""
    return lot_list_pending(account=account).select_related("purchase", "purchase__store")


@dataclass(frozen=True)
class PointsBalance:
    """A member's points as every reader gives them (the dashboard, the desk, the API):
    available now and their cash value, on hold, owed, and what expires in the next days."""

    available: int
    cash_value: Decimal
    currency: str
    pending: int
    debt: int
    expiring: list[ExpiringAmount]


def points_balance_get(
    *, account: PointsAccount, within_days: int = 90, now: datetime.datetime | None = None
) -> PointsBalance:
    return PointsBalance(
        available=account.balance,
        cash_value=points_cash_value(account.balance),
        currency=program_settings_get().currency,
        pending=account.pending,
        debt=account.debt,
        expiring=expiring_points(account=account, within_days=within_days, now=now),
    )


@dataclass(frozen=True)
class ExpiringDay:
    """Points that can be spent until the end of `last_day` (program time zone), then expire."""

    last_day: datetime.date
    points: int


@dataclass(frozen=True)
class PointsSummary:
    balance: int
    cash_value: Decimal
    currency: str
    pending: int
    debt: int
    pending_lots: list[PointsLot]
    expiring: list[ExpiringDay]
    # The days after the first `EXPIRY_DAYS_LISTED`, as one: their points, the last of them.
    expiring_later: ExpiringDay | None = None

    @property
    def expiring_first(self) -> ExpiringDay | None:
        """The soonest day on which points expire, the one the dashboard warns of."""
        return self.expiring[0] if self.expiring else None

    @property
    def expiring_after_first(self) -> ExpiringDay | None:
        """Every expiry day in the window after the soonest, as one: their points, the last."""
        later = self.expiring[1:] + ([self.expiring_later] if self.expiring_later else [])
        if not later:
            return None
        return ExpiringDay(last_day=later[-1].last_day, points=sum(day.points for day in later))


# A phone screen lists the next few expiry days; the rest of the window is summed up in one line.
EXPIRY_DAYS_LISTED = 5


def points_summary_get(
    *, account: PointsAccount, within_days: int = 90, now: datetime.datetime | None = None
) -> PointsSummary:
    """What the member's dashboard shows: the `points_balance_get` figures, the pending lots,
    and the days in the next `within_days` days on which points expire, with how many: the
    first `EXPIRY_DAYS_LISTED` one by one, the others added up."""
    figures = points_balance_get(account=account, within_days=within_days, now=now)
    zone = program_timezone()
    by_day: dict[datetime.date, int] = {}
    for amount in figures.expiring:
        # Lots expire at a midnight, so they can be spent until the end of the day before.
        last_moment = amount.expires_at - datetime.timedelta(microseconds=1)
        last_day = timezone.localtime(last_moment, zone).date()
        by_day[last_day] = by_day.get(last_day, 0) + amount.points
    expiring = [ExpiringDay(last_day=day, points=points) for day, points in by_day.items()]
    rest = expiring[EXPIRY_DAYS_LISTED:]
    later = None
    if rest:
        later = ExpiringDay(last_day=rest[-1].last_day, points=sum(day.points for day in rest))
    return PointsSummary(
        balance=figures.available,
        cash_value=figures.cash_value,
        currency=figures.currency,
        pending=figures.pending,
        debt=figures.debt,
        pending_lots=list(lot_list_pending_with_purchases(account=account)),
        expiring=expiring[:EXPIRY_DAYS_LISTED],
        expiring_later=later,
    )
