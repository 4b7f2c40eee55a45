"""Members of the report: how many joined, how many bought lately, and their tiers now."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Q
from django.utils import timezone

from loyalty.backoffice.report.numbers import ratio
from loyalty.backoffice.report.period import ReportPeriod
from loyalty.backoffice.report.purchases import purchases_standing
from loyalty.models import PointsAccount, Store, Tier
from members.models import Member

ACTIVE_WINDOWS = (30, 90)


def _as_of(period: ReportPeriod, now: datetime.datetime | None) -> datetime.datetime:
    """The moment "the last 30 days" count back from: the period's end, or now if sooner."""
    return min(period.end, now or timezone.now())


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
    active = purchases_standing(store=store).filter(
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
            share=ratio(per_tier.get(None, 0), total),
        )
    ]
    # Tiers are a handful of rows, read once.
    for tier in Tier.objects.order_by("rank"):
        members = per_tier.get(tier.pk, 0)
        by_tier.append(
            TierCount(
                name=tier.name, colour=tier.colour, members=members, share=ratio(members, total)
            )
        )
    return MembersSummary(
        total=total,
        new=counts["new"],
        active={days: active_counts[f"days_{days}"] for days in ACTIVE_WINDOWS},
        as_of=as_of,
        by_tier=by_tier,
    )
