"""Every URL under /staff/, in the three namespaces templates and tests name them by."""

from django.urls import include, path

from loyalty.desk import members, points, rewards, shift, voids

# Finding a member and their summary: `staff:desk`, `staff:member`; the shift summary.
member_patterns = [
    path("", members.desk, name="desk"),
    path("shift/", shift.shift_summary, name="shift"),
    path("members/<str:card_number>/", members.member_detail, name="member"),
]

# A member's points: `staff_points:…`.
points_patterns = [
    path(
        "members/<str:card_number>/purchases/new/",
        points.purchase_new,
        name="purchase_new",
    ),
    path(
        "members/<str:card_number>/purchases/preview/",
        points.purchase_preview,
        name="purchase_preview",
    ),
    path(
        "members/<str:card_number>/purchases/<int:purchase_id>/return/",
        points.purchase_return_new,
        name="purchase_return",
    ),
    path(
        "members/<str:card_number>/purchases/<int:purchase_id>/void/",
        points.purchase_void_view,
        name="purchase_void",
    ),
    path("members/<str:card_number>/adjust/", points.points_adjust_new, name="adjust"),
]

# Redeeming at the counter and vouchers: `staff_rewards:…`.
rewards_patterns = [
    path(
        "members/<str:card_number>/rewards/",
        rewards.reward_choose,
        name="redeem",
    ),
    path(
        "members/<str:card_number>/rewards/<int:reward_id>/redeem/",
        rewards.reward_redeem_view,
        name="redeem_confirm",
    ),
    path(
        "members/<str:card_number>/redemptions/<int:redemption_id>/void/",
        voids.redemption_void_view,
        name="redemption_void",
    ),
    path("vouchers/", rewards.voucher_check, name="vouchers"),
    path("vouchers/use/", rewards.voucher_use_view, name="voucher_use"),
    path("vouchers/void/", voids.voucher_void_view, name="voucher_void"),
]

urlpatterns = [
    path("", include((member_patterns, "staff"))),
    path("", include((points_patterns, "staff_points"))),
    path("", include((rewards_patterns, "staff_rewards"))),
]
