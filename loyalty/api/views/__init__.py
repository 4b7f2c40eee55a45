"""The API's views, one module per resource, re-exported for `loyalty.api.urls`.

Each view parses with a serializer, calls one service or selector, and answers.
"""

from loyalty.api.views.base import MemberView, NotFoundView, StoreView
from loyalty.api.views.me import MeEntriesView, MeView, MeVouchersView
from loyalty.api.views.members import MemberDetailView, MemberEntriesView, MemberLookupView
from loyalty.api.views.purchases import PurchaseCreateView, PurchasePreviewView, PurchaseReturnView
from loyalty.api.views.rewards import (
    RedemptionCreateView,
    RedemptionVoidView,
    RewardListView,
    VoucherDetailView,
    VoucherUseView,
)

__all__ = [
    "MeEntriesView",
    "MeView",
    "MeVouchersView",
    "MemberDetailView",
    "MemberEntriesView",
    "MemberLookupView",
    "MemberView",
    "NotFoundView",
    "PurchaseCreateView",
    "PurchasePreviewView",
    "PurchaseReturnView",
    "RedemptionCreateView",
    "RedemptionVoidView",
    "RewardListView",
    "StoreView",
    "VoucherDetailView",
    "VoucherUseView",
]
