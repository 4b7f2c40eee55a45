"""The points engine's schema, one module per sub-domain, re-exported here so that
`from loyalty.models import PointsEntry` keeps working and Django finds every model."""

from loyalty.models.api import ApiKey, IdempotentRequest
from loyalty.models.ledger import EntryKind, LotAllocation, PointsAccount, PointsEntry, PointsLot
from loyalty.models.outbox import OutboxEmail, OutboxPush, OutboxStatus
from loyalty.models.program import (
    BirthdayMode,
    ExpiryPolicy,
    OverLimitAction,
    ProgramSettings,
    Store,
    TierBasis,
    rules_version_default,
)
from loyalty.models.purchases import (
    HoldStatus,
    LineShare,
    Purchase,
    PurchaseLine,
    PurchaseReturn,
    PurchaseReturnLine,
    kept_amount_of,
)
from loyalty.models.rules import EarningRule, ProductCategory, RuleKind
from loyalty.models.tiers import Tier, TierChange

__all__ = [
    "ApiKey",
    "BirthdayMode",
    "EarningRule",
    "EntryKind",
    "ExpiryPolicy",
    "HoldStatus",
    "IdempotentRequest",
    "LineShare",
    "LotAllocation",
    "OutboxEmail",
    "OutboxPush",
    "OutboxStatus",
    "OverLimitAction",
    "PointsAccount",
    "PointsEntry",
    "PointsLot",
    "ProductCategory",
    "ProgramSettings",
    "Purchase",
    "PurchaseLine",
    "PurchaseReturn",
    "PurchaseReturnLine",
    "RuleKind",
    "Store",
    "Tier",
    "TierBasis",
    "TierChange",
    "kept_amount_of",
    "rules_version_default",
]
