"""`/api/v1/`: the store endpoints, the member's `/me/`, the schema and its interactive docs."""

from django.urls import path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from loyalty.api import views

app_name = "api"

urlpatterns = [
    path("members/", views.MemberLookupView.as_view(), name="member-lookup"),
    path("members/<str:card_number>/", views.MemberDetailView.as_view(), name="member-detail"),
    path(
        "members/<str:card_number>/entries/",
        views.MemberEntriesView.as_view(),
        name="member-entries",
    ),
    path("purchases/", views.PurchaseCreateView.as_view(), name="purchase-create"),
    path("purchases/preview/", views.PurchasePreviewView.as_view(), name="purchase-preview"),
    # `path`: a receipt id may hold a slash.
    path(
        "purchases/<path:external_id>/returns/",
        views.PurchaseReturnView.as_view(),
        name="purchase-return",
    ),
    path("rewards/", views.RewardListView.as_view(), name="reward-list"),
    path("redemptions/", views.RedemptionCreateView.as_view(), name="redemption-create"),
    path("redemptions/<int:pk>/void/", views.RedemptionVoidView.as_view(), name="redemption-void"),
    path("vouchers/<str:code>/", views.VoucherDetailView.as_view(), name="voucher-detail"),
    path("vouchers/<str:code>/use/", views.VoucherUseView.as_view(), name="voucher-use"),
    path("me/", views.MeView.as_view(), name="me"),
    path("me/entries/", views.MeEntriesView.as_view(), name="me-entries"),
    path("me/vouchers/", views.MeVouchersView.as_view(), name="me-vouchers"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    # The split view serves its script as a file, not inline, for the content security policy.
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema"), name="docs"),
    # Anything else under /api/v1/ is a 404 in the API's error shape, not an HTML page.
    re_path(r"^", views.NotFoundView.as_view(), name="not-found"),
]
