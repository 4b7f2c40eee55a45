"""Every state change of the points engine, one transaction each."""

from loyalty.services.earning import BasketLine, Earning, points_preview
from loyalty.services.ledger import (
    lock_accounts,
    points_account_open,
    points_adjust,
    points_credit,
    points_release_due,
    points_spend,
    points_spend_reverse,
)
from loyalty.services.program import program_settings_get
from loyalty.services.purchases import (
    ReturnRequest,
    purchase_record,
    purchase_return,
    purchase_void,
    signup_bonus_grant,
)
from loyalty.services.tiers import TierRecalculation, tier_upgrade_if_reached, tiers_recalculate

__all__ = [
    "BasketLine",
    "Earning",
    "ReturnRequest",
    "TierRecalculation",
    "lock_accounts",
    "points_account_open",
    "points_adjust",
    "points_credit",
    "points_preview",
    "points_release_due",
    "points_spend",
    "points_spend_reverse",
    "program_settings_get",
    "purchase_record",
    "purchase_return",
    "purchase_void",
    "signup_bonus_grant",
    "tier_upgrade_if_reached",
    "tiers_recalculate",
]
