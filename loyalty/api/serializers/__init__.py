"""What the API reads and writes, one module per resource, re-exported for the views and schema.

Input serializers check shape and ranges only; every rule of the program (currency, totals,
dates, stock, balances) is the services' to check.
"""

from loyalty.api.serializers.base import (
    EARLIEST_PURCHASE,
    MAX_ID,
    MONEY,
    ErrorSerializer,
    PageSerializer,
)
from loyalty.api.serializers.members import (
    EntryPageSerializer,
    EntrySerializer,
    ExpiringPointsSerializer,
    MemberLookupSerializer,
    MemberSerializer,
    MeSerializer,
    TierSerializer,
)
from loyalty.api.serializers.purchases import (
    BreakdownItemSerializer,
    PreviewInputSerializer,
    PreviewLineSerializer,
    PreviewSerializer,
    PurchaseInputSerializer,
    PurchaseLineInputSerializer,
    PurchaseLineSerializer,
    PurchaseSerializer,
    ReturnInputSerializer,
    ReturnLineInputSerializer,
    ReturnLineSerializer,
    ReturnSerializer,
)
from loyalty.api.serializers.rewards import (
    ProblemSerializer,
    RedemptionInputSerializer,
    RedemptionVoidInputSerializer,
    RewardSerializer,
    RewardSummarySerializer,
    VoucherCheckSerializer,
    VoucherPageSerializer,
    VoucherSerializer,
)

__all__ = [
    "EARLIEST_PURCHASE",
    "MAX_ID",
    "MONEY",
    "BreakdownItemSerializer",
    "EntryPageSerializer",
    "EntrySerializer",
    "ErrorSerializer",
    "ExpiringPointsSerializer",
    "MeSerializer",
    "MemberLookupSerializer",
    "MemberSerializer",
    "PageSerializer",
    "PreviewInputSerializer",
    "PreviewLineSerializer",
    "PreviewSerializer",
    "ProblemSerializer",
    "PurchaseInputSerializer",
    "PurchaseLineInputSerializer",
    "PurchaseLineSerializer",
    "PurchaseSerializer",
    "RedemptionInputSerializer",
    "RedemptionVoidInputSerializer",
    "ReturnInputSerializer",
    "ReturnLineInputSerializer",
    "ReturnLineSerializer",
    "ReturnSerializer",
    "RewardSerializer",
    "RewardSummarySerializer",
    "TierSerializer",
    "VoucherCheckSerializer",
    "VoucherPageSerializer",
    "VoucherSerializer",
]
