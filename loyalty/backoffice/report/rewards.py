"""Rewards of the report: the most redeemed rewards and the donations per cause."""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Sum

from loyalty.backoffice.report.period import ReportPeriod
from loyalty.models import Store
from loyalty.money import cents
from rewards.models import Redemption, RewardKind


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
                value=cents(row["value"]),
            )
            for row in causes
        ],
    )
