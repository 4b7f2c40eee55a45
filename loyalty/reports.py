"""Reads for the managers' reports page. Every figure is aggregated in the database.

One function per group of figures, keyword-only arguments, plain dataclasses out. Each function
runs a fixed number of queries whatever the size of the data (no loop over members, entries or
lots in Python; the only Python loops are over the months of the period and the handful of
tiers), so the page costs the same number of queries on the demo data as on the benchmark set.

`report_get(period=..., store=...)` is the whole page's work without rendering; the tests pin
its query count. On a large program it scans millions of purchases, entries and lots (about
3 s for 100k members and two years of purchases, docs/benchmarks.md), so the page shows a
snapshot (`report_snapshot_get`): computed at most every few minutes, and for the default view
by the worker ahead of time, so that a manager never waits for it.

Conventions, also shown on the page:
- A period is whole days in the program's time zone: `start` is local midnight of its first day,
  `end` local midnight after its last day (exclusive).
- Points figures are balance movements, i.e. ledger entries: points on hold count as issued when
  they become available, and the part of a return charged as debt (or a later credit that pays
  that debt off) moves no balance and is not counted.
- The store filter applies to purchases, to ledger entries recorded at the store (or, when an
  entry names no store, to those of a purchase made there) and to redemptions made at that
  store's counter. Member totals, the liability and referrals belong to no store.
"""

import calendar
import datetime
import logging
from dataclasses import dataclass
from decimal import Decimal

from django.core.cache import cache
from django.db.models import Count, F, FloatField, Q, QuerySet, Sum
from django.db.models.functions import Cast, TruncMonth
from django.utils import timezone

from loyalty.models import (
    EntryKind,
    PointsAccount,
    PointsEntry,
    PointsLot,
    ProgramSettings,
    Purchase,
    PurchaseReturnLine,
    Store,
    Tier,
)
from loyalty.services.program import program_settings_get, program_timezone
from members.models import Member
from referrals.models import Referral, ReferralCode, ReferralStatus
from rewards.models import Redemption, RewardKind

CENT = Decimal("0.01")
# The longest period a report covers; keeps the monthly chart readable and the scans bounded.
MAX_PERIOD_MONTHS = 60
DEFAULT_PERIOD_MONTHS = 12
ACTIVE_WINDOWS = (30, 90)

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


def _ratio(numerator, denominator) -> Decimal | None:
    """numerator ÷ denominator as a Decimal, or None when there is nothing to divide by."""
    if not denominator:
        return None
    return Decimal(numerator) / Decimal(denominator)


def _money(amount) -> Decimal:
    return Decimal(amount or 0).quantize(CENT)


def _float_money(amount: float | None) -> Decimal:
    # Returned amounts are summed as floats (see `_returned_value`); cents are exact enough.
    return Decimal(str(amount or 0)).quantize(CENT)


def _local_midnight(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(), tzinfo=program_timezone())


def _add_months(day: datetime.date, months: int) -> datetime.date:
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return day.replace(
        year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1])
    )


@dataclass(frozen=True)
class ReportPeriod:
    """Whole days from `first_day` to `last_day` (inclusive) in the program's time zone."""

    first_day: datetime.date
    last_day: datetime.date

    def __post_init__(self) -> None:
        if self.last_day < self.first_day:
            raise ValueError("A period ends on or after its first day.")

    @classmethod
    def default(cls, *, now: datetime.datetime | None = None) -> "ReportPeriod":
        """The last 12 months: from the first day of the month 11 months ago to today."""
        today = timezone.localtime(now or timezone.now(), program_timezone()).date()
        first = _add_months(today.replace(day=1), -(DEFAULT_PERIOD_MONTHS - 1))
        return cls(first_day=first, last_day=today)

    @property
    def start(self) -> datetime.datetime:
        return _local_midnight(self.first_day)

    @property
    def end(self) -> datetime.datetime:
        """Exclusive: local midnight after the last day."""
        return _local_midnight(self.last_day + datetime.timedelta(days=1))

    def months(self) -> list[datetime.date]:
        """The first day of every month the period touches, in order."""
        months = []
        month = self.first_day.replace(day=1)
        while month <= self.last_day:
            months.append(month)
            month = _add_months(month, 1)
        return months

    def month_count(self) -> int:
        return (
            (self.last_day.year - self.first_day.year) * 12
            + self.last_day.month
            - self.first_day.month
            + 1
        )


def _as_of(period: ReportPeriod, now: datetime.datetime | None) -> datetime.datetime:
    """The moment "the last 30 days" count back from: the period's end, or now if sooner."""
    return min(period.end, now or timezone.now())


def _standing_purchases(*, store: Store | None, prefix: str = "") -> Q:
    """Purchases that stand (a voided one was a mistake and counts nowhere), at `store` when
    given; `prefix` reaches the purchase from another model, e.g. "line__purchase__"."""
    condition = Q(**{f"{prefix}voided_at__isnull": True})
    if store is not None:
        condition &= Q(**{f"{prefix}store": store})
    return condition


def _purchases(*, store: Store | None) -> QuerySet[Purchase]:
    return Purchase.objects.filter(_standing_purchases(store=store))


# --- Members ------------------------------------------------------------------------------


@dataclass(frozen=True)
class TierCount:
    name: str
    colour: str
    members: int
    share: Decimal | None


@dataclass(frozen=True)
class MembersSummary:
    total: int
    new: int
    active: dict[int, int]  # days -> members who bought in the `days` days up to `as_of`
    as_of: datetime.datetime
    by_tier: list[TierCount]  # "no tier" first, then by rank


def members_summary_get(
    *, period: ReportPeriod, store: Store | None = None, now: datetime.datetime | None = None
) -> MembersSummary:
    """Members who joined by the end of the period, those new in it, those who bought in the
    last 30 / 90 days (at `store` when given), and their current tiers. Three queries."""
    end = period.end
    counts = Member.objects.filter(joined_at__lt=end).aggregate(
        total=Count("pk"), new=Count("pk", filter=Q(joined_at__gte=period.start))
    )
    as_of = _as_of(period, now)
    longest = max(ACTIVE_WINDOWS)
    active = _purchases(store=store).filter(
        occurred_at__gt=as_of - datetime.timedelta(days=longest), occurred_at__lte=as_of
    )
    active_counts = active.aggregate(
        **{
            f"days_{days}": Count(
                "member",
                distinct=True,
                filter=Q(occurred_at__gt=as_of - datetime.timedelta(days=days)),
            )
            for days in ACTIVE_WINDOWS
        }
    )
    per_tier = {
        row["tier"]: row["members"]
        for row in PointsAccount.objects.filter(member__joined_at__lt=end)
        .values("tier")
        .annotate(members=Count("pk"))
        .order_by("tier")
    }
    total = counts["total"]
    by_tier = [
        TierCount(
            name="",
            colour="",
            members=per_tier.get(None, 0),
            share=_ratio(per_tier.get(None, 0), total),
        )
    ]
    # Tiers are a handful of rows, read once.
    for tier in Tier.objects.order_by("rank"):
        members = per_tier.get(tier.pk, 0)
        by_tier.append(
            TierCount(
                name=tier.name, colour=tier.colour, members=members, share=_ratio(members, total)
            )
        )
    return MembersSummary(
        total=total,
        new=counts["new"],
        active={days: active_counts[f"days_{days}"] for days in ACTIVE_WINDOWS},
        as_of=as_of,
        by_tier=by_tier,
    )


# --- Points issued, redeemed, expired, returned -------------------------------------------


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
        months=months, total=total, redemption_rate=_ratio(total.redeemed, total.issued)
    )


# --- Outstanding liability ----------------------------------------------------------------


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
        return (Decimal(points) * program.point_value).quantize(CENT)

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


# --- Rewards and donations ----------------------------------------------------------------


@dataclass(frozen=True)
class RewardCount:
    name: str
    redemptions: int
    points: int


@dataclass(frozen=True)
class CauseDonations:
    name: str
    donations: int
    points: int
    value: Decimal


@dataclass(frozen=True)
class RewardsSummary:
    top_rewards: list[RewardCount]
    causes: list[CauseDonations]


TOP_REWARDS = 10


def rewards_summary_get(*, period: ReportPeriod, store: Store | None = None) -> RewardsSummary:
    """The most redeemed rewards and the donations per cause in the period. Redemptions whose
    points went back (voided, or expired unused with the points returned) do not count.
    With `store`, only redemptions made at that store's counter. Two queries."""
    redemptions = Redemption.objects.filter(
        issued_at__gte=period.start,
        issued_at__lt=period.end,
        spend_entry__reversed_by__isnull=True,
    )
    if store is not None:
        redemptions = redemptions.filter(store=store)
    top = (
        redemptions.values("reward_id", "reward__name")
        .annotate(redemptions=Count("pk"), points=Sum("points"))
        .order_by("-redemptions", "-points", "reward__name", "reward_id")[:TOP_REWARDS]
    )
    causes = (
        redemptions.filter(reward__kind=RewardKind.DONATION)
        .values("reward__cause_id", "reward__cause__name")
        .annotate(donations=Count("pk"), points=Sum("points"), value=Sum("value"))
        .order_by("-points", "reward__cause__name", "reward__cause_id")
    )
    return RewardsSummary(
        top_rewards=[
            RewardCount(
                name=row["reward__name"], redemptions=row["redemptions"], points=row["points"]
            )
            for row in top
        ],
        causes=[
            CauseDonations(
                name=row["reward__cause__name"],
                donations=row["donations"],
                points=row["points"],
                value=_money(row["value"]),
            )
            for row in causes
        ],
    )


# --- Purchases ----------------------------------------------------------------------------


@dataclass(frozen=True)
class PurchasesSummary:
    orders: int
    buyers: int  # members with at least one purchase in the period
    repeat_buyers: int  # ... with at least two
    repeat_rate: Decimal | None
    purchase_frequency: Decimal | None  # orders ÷ buyers
    gross_sales: Decimal
    returned_value: Decimal
    net_revenue: Decimal
    average_order_value: Decimal | None  # net revenue ÷ orders
    # Average customer lifetime value: net revenue of every purchase up to the end of the
    # period ÷ members who joined by then.
    lifetime_revenue: Decimal
    lifetime_members: int
    lifetime_value: Decimal | None
    currency: str


def _returned_value(*, store: Store | None, end: datetime.datetime, **conditions) -> dict:
    """What returns made before `end`, of purchases made before `end`, gave back in money; one
    sum per keyword, each over the returned lines matching its condition.

    A returned line gives back its amount * returned quantity / quantity. Summed as a float:
    SQLite stores whole amounts as integers and would divide them as integers.
    """
    refund = Cast("line__amount", FloatField()) * F("quantity") / F("line__quantity")
    return PurchaseReturnLine.objects.filter(
        _standing_purchases(store=store, prefix="line__purchase__"),
        line__purchase__occurred_at__lt=end,
        purchase_return__created_at__lt=end,
    ).aggregate(**{name: Sum(refund, filter=condition) for name, condition in conditions.items()})


def purchases_summary_get(
    *, period: ReportPeriod, store: Store | None = None, program: ProgramSettings | None = None
) -> PurchasesSummary:
    """Repeat purchase rate, purchase frequency, average order value and average customer
    lifetime value; money net of returns, voided purchases left out. Four queries, and one
    for the program settings unless `program` is given."""
    start, end = period.start, period.end
    in_period = _purchases(store=store).filter(occurred_at__gte=start, occurred_at__lt=end)
    # Per member first, then over members: the database does both steps in one query.
    per_member = in_period.values("member").annotate(member_orders=Count("pk")).order_by("member")
    counts = per_member.aggregate(
        buyers=Count("member"),
        repeat_buyers=Count("member", filter=Q(member_orders__gte=2)),
        orders=Sum("member_orders"),
    )
    up_to_end = _purchases(store=store).filter(occurred_at__lt=end)
    sales = up_to_end.aggregate(
        period=Sum("total", filter=Q(occurred_at__gte=start)), lifetime=Sum("total")
    )
    returned = _returned_value(
        store=store, end=end, period=Q(line__purchase__occurred_at__gte=start), lifetime=Q()
    )
    lifetime_members = Member.objects.filter(joined_at__lt=end).count()

    orders = counts["orders"] or 0
    buyers = counts["buyers"] or 0
    gross = _money(sales["period"])
    returned_value = _float_money(returned["period"])
    net = gross - returned_value
    lifetime_revenue = _money(sales["lifetime"]) - _float_money(returned["lifetime"])
    return PurchasesSummary(
        orders=orders,
        buyers=buyers,
        repeat_buyers=counts["repeat_buyers"] or 0,
        repeat_rate=_ratio(counts["repeat_buyers"] or 0, buyers),
        purchase_frequency=_ratio(orders, buyers),
        gross_sales=gross,
        returned_value=returned_value,
        net_revenue=net,
        average_order_value=_quantized(_ratio(net, orders)),
        lifetime_revenue=lifetime_revenue,
        lifetime_members=lifetime_members,
        lifetime_value=_quantized(_ratio(lifetime_revenue, lifetime_members)),
        currency=(program or program_settings_get()).currency,
    )


def _quantized(amount: Decimal | None) -> Decimal | None:
    return None if amount is None else amount.quantize(CENT)


# --- Referrals ----------------------------------------------------------------------------


@dataclass(frozen=True)
class ReferralFunnel:
    links_opened: int  # all time: the landing page counter has no dates
    signups: int  # referrals that signed up in the period; the stages below are of these
    qualified: int
    rewarded: int
    flagged: int
    rejected: int


def referral_funnel_get(*, period: ReportPeriod) -> ReferralFunnel:
    """Invitation links opened (all time), and the friends who signed up in the period with
    how far they got. Referrals belong to no store. Two queries."""
    opened = ReferralCode.objects.aggregate(opened=Sum("link_opens"))["opened"] or 0
    funnel = Referral.objects.filter(
        created_at__gte=period.start, created_at__lt=period.end
    ).aggregate(
        signups=Count("pk"),
        qualified=Count("pk", filter=Q(qualified_at__isnull=False)),
        rewarded=Count("pk", filter=Q(status=ReferralStatus.REWARDED)),
        flagged=Count("pk", filter=Q(is_flagged=True)),
        rejected=Count("pk", filter=Q(status=ReferralStatus.REJECTED)),
    )
    return ReferralFunnel(links_opened=opened, **funnel)


# --- The whole page -----------------------------------------------------------------------


@dataclass(frozen=True)
class Report:
    """Every figure group of the page. A new group (the NPS survey's) is one more field here,
    filled in `report_get`, and one more section in `report_views.SECTIONS`."""

    period: ReportPeriod
    store: Store | None
    members: MembersSummary
    points: PointsFlow
    liability: Liability
    rewards: RewardsSummary
    purchases: PurchasesSummary
    referrals: ReferralFunnel
    nps: "NpsSummary"


def report_get(
    *, period: ReportPeriod, store: Store | None = None, now: datetime.datetime | None = None
) -> Report:
    """Every figure of the reports page (what bench/ times). A fixed number of queries."""
    now = now or timezone.now()
    program = program_settings_get()
    return Report(
        period=period,
        store=store,
        members=members_summary_get(period=period, store=store, now=now),
        points=points_flow_get(period=period, store=store),
        liability=points_liability_get(now=now, program=program),
        rewards=rewards_summary_get(period=period, store=store),
        purchases=purchases_summary_get(period=period, store=store, program=program),
        referrals=referral_funnel_get(period=period),
        nps=nps_summary_get(period=period),
    )


# --- Snapshots -------------------------------------------------------------------------------

logger = logging.getLogger(__name__)

# How old a snapshot may be before the page computes a new one. The worker refreshes the
# default view more often than this (CELERY_BEAT_SCHEDULE), so it is always there.
REPORT_SNAPSHOT_SECONDS = 15 * 60


@dataclass(frozen=True)
class ReportSnapshot:
    report: Report
    computed_at: datetime.datetime


# Part of the cache key: raise it when `Report` or what it holds changes shape, so that a new
# release never unpickles a snapshot an older one wrote.
REPORT_SNAPSHOT_VERSION = 1


def _snapshot_key(period: ReportPeriod, store: Store | None) -> str:
    scope = store.pk if store is not None else "all"
    return (
        f"report-snapshot:v{REPORT_SNAPSHOT_VERSION}:{period.first_day}:{period.last_day}:{scope}"
    )


def report_snapshot_get(
    *, period: ReportPeriod, store: Store | None = None, refresh: bool = False
) -> ReportSnapshot:
    """The report as computed at most `REPORT_SNAPSHOT_SECONDS` ago (now, with `refresh`).

    Without the cache (Redis down) every call computes the report: slower, never wrong.
    """
    key = _snapshot_key(period, store)
    if not refresh:
        try:
            snapshot = cache.get(key)
        except Exception as error:  # any backend's connection error
            logger.warning("Report snapshot not read from the cache: %s", error)
            snapshot = None
        if snapshot is not None:
            return snapshot
    now = timezone.now()
    snapshot = ReportSnapshot(
        report=report_get(period=period, store=store, now=now), computed_at=now
    )
    try:
        cache.set(key, snapshot, REPORT_SNAPSHOT_SECONDS)
    except Exception as error:  # any backend's connection error
        logger.warning("Report snapshot not kept in the cache: %s", error)
    return snapshot


def report_snapshot_refresh_default() -> ReportSnapshot:
    """The worker's job: the default view (last 12 months, all stores) computed ahead."""
    return report_snapshot_get(period=ReportPeriod.default(), refresh=True)


@dataclass(frozen=True)
class NpsMonth:
    month: datetime.date
    answered: int
    nps: int | None


@dataclass(frozen=True)
class NpsSummary:
    sent: int
    answered: int
    promoters: int
    detractors: int
    nps: int | None  # % promoters (9-10) - % detractors (0-6), None without answers
    response_rate: float | None
    months: list[NpsMonth]
    comments: list[tuple[datetime.datetime, int, str]]  # newest first


def nps_summary_get(*, period: ReportPeriod) -> NpsSummary:
    """Net Promoter Score of the surveys sent in the period, by month, with recent comments."""
    from django.db.models import Count, Q
    from django.db.models.functions import TruncMonth

    from engagement.models import SurveyInvitation
    from engagement.services.surveys import nps_summary

    totals = nps_summary(start=period.start, end=period.end)
    rows = (
        SurveyInvitation.objects.filter(
            created_at__gte=period.start, created_at__lt=period.end, answered_at__isnull=False
        )
        .annotate(month=TruncMonth("created_at", tzinfo=program_timezone()))
        .values("month")
        .annotate(
            answered=Count("pk"),
            promoters=Count("pk", filter=Q(score__gte=9)),
            detractors=Count("pk", filter=Q(score__lte=6)),
        )
    )
    by_month = {
        (row["month"].date() if isinstance(row["month"], datetime.datetime) else row["month"]): row
        for row in rows
    }
    months = []
    for month in period.months():
        row = by_month.get(month)
        if row is None:
            months.append(NpsMonth(month=month, answered=0, nps=None))
        else:
            score = round(100 * (row["promoters"] - row["detractors"]) / row["answered"])
            months.append(NpsMonth(month=month, answered=row["answered"], nps=score))
    comments = list(
        SurveyInvitation.objects.filter(
            created_at__gte=period.start, created_at__lt=period.end, answered_at__isnull=False
        )
        .exclude(comment="")
        .order_by("-answered_at", "-pk")
        .values_list("answered_at", "score", "comment")[:10]
    )
    return NpsSummary(
        sent=totals["sent"],
        answered=totals["answered"],
        promoters=totals["promoters"],
        detractors=totals["detractors"],
        nps=totals["nps"],
        response_rate=totals["response_rate"],
        months=months,
        comments=comments,
    )
