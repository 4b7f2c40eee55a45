"""The figures of the managers' reports page: `Report`, and `report_get` that works it out.

Every figure is aggregated in the database, one module per group of figures (members, points,
liability, rewards, purchases, referrals, nps), one `<group>_get` read each, keyword-only
arguments, plain dataclasses out. Each read runs a fixed number of queries whatever the size of
the data (no loop over members, entries or lots in Python; the only Python loops are over the
months of the period and the handful of tiers), so the page costs the same number of queries on
the demo data as on the benchmark set.

`report_get(period=..., store=...)` is the whole page's work without rendering; the tests pin
its query count. On a large program it scans millions of purchases, entries and lots (about
3 s for 100k members and two years of purchases, docs/benchmarks.md), so the page shows a
snapshot (`loyalty.backoffice.snapshots.report_snapshot_get`): computed at most every few
minutes, and for the default view by the worker ahead of time, so that a manager never waits.

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

import datetime
from dataclasses import dataclass

from django.utils import timezone

from loyalty.backoffice.report.liability import (
    LIABILITY_BUCKETS,
    Liability,
    LiabilityBucket,
    points_liability_get,
)
from loyalty.backoffice.report.members import (
    ACTIVE_WINDOWS,
    MembersSummary,
    TierCount,
    members_summary_get,
)
from loyalty.backoffice.report.nps import NpsMonth, NpsSummary, nps_summary_get
from loyalty.backoffice.report.period import (
    DEFAULT_PERIOD_MONTHS,
    MAX_PERIOD_MONTHS,
    ReportPeriod,
)
from loyalty.backoffice.report.points import (
    ISSUED_KINDS,
    PointsFlow,
    PointsMonth,
    points_flow_get,
)
from loyalty.backoffice.report.purchases import PurchasesSummary, purchases_summary_get
from loyalty.backoffice.report.referrals import ReferralFunnel, referral_funnel_get
from loyalty.backoffice.report.rewards import (
    TOP_REWARDS,
    CauseDonations,
    RewardCount,
    RewardsSummary,
    rewards_summary_get,
)
from loyalty.models import Store
from loyalty.services.program import program_settings_get

__all__ = [
    "ACTIVE_WINDOWS",
    "DEFAULT_PERIOD_MONTHS",
    "ISSUED_KINDS",
    "LIABILITY_BUCKETS",
    "MAX_PERIOD_MONTHS",
    "TOP_REWARDS",
    "CauseDonations",
    "Liability",
    "LiabilityBucket",
    "MembersSummary",
    "NpsMonth",
    "NpsSummary",
    "PointsFlow",
    "PointsMonth",
    "PurchasesSummary",
    "ReferralFunnel",
    "Report",
    "ReportPeriod",
    "RewardCount",
    "RewardsSummary",
    "TierCount",
    "members_summary_get",
    "nps_summary_get",
    "points_flow_get",
    "points_liability_get",
    "purchases_summary_get",
    "referral_funnel_get",
    "report_get",
    "rewards_summary_get",
]


@dataclass(frozen=True)
class Report:
    """Every figure group of the page. A new group is one more module here, one more field
    filled in `report_get`, and one more section in `loyalty.backoffice.sections.SECTIONS`."""

    period: ReportPeriod
    store: Store | None
    members: MembersSummary
    points: PointsFlow
    liability: Liability
    rewards: RewardsSummary
    purchases: PurchasesSummary
    referrals: ReferralFunnel
    nps: NpsSummary


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
