"""Reads of the points engine for pages, the API, reports and the services: a member's points
(`points`), tiers (`tiers`) and the desk's quick categories (`categories`). Nothing here writes."""

from loyalty.selectors.categories import category_list_quick
from loyalty.selectors.points import (
    ExpiringAmount,
    ExpiringDay,
    PointsBalance,
    PointsSummary,
    entry_list,
    entry_list_with_purchases,
    expiring_points,
    lot_list_pending,
    lot_list_pending_with_purchases,
    points_balance_get,
    points_summary_get,
    purchase_list_recent,
)
from loyalty.selectors.tiers import (
    TierProgress,
    tier_colour,
    tier_for_metric,
    tier_metric,
    tier_progress_get,
)

__all__ = [
    "ExpiringAmount",
    "ExpiringDay",
    "PointsBalance",
    "PointsSummary",
    "TierProgress",
    "category_list_quick",
    "entry_list",
    "entry_list_with_purchases",
    "expiring_points",
    "lot_list_pending",
    "lot_list_pending_with_purchases",
    "points_balance_get",
    "points_summary_get",
    "purchase_list_recent",
    "tier_colour",
    "tier_for_metric",
    "tier_metric",
    "tier_progress_get",
]
