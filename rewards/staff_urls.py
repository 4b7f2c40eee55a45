from django.urls import path

from rewards import staff_views

app_name = "staff_rewards"

urlpatterns = [
    path(
        "members/<str:card_number>/rewards/",
        staff_views.reward_choose,
        name="redeem",
    ),
    path(
        "members/<str:card_number>/rewards/<int:reward_id>/redeem/",
        staff_views.reward_redeem_view,
        name="redeem_confirm",
    ),
    path(
        "members/<str:card_number>/redemptions/<int:redemption_id>/void/",
        staff_views.redemption_void_view,
        name="redemption_void",
    ),
    path("vouchers/", staff_views.voucher_check, name="vouchers"),
    path("vouchers/use/", staff_views.voucher_use_view, name="voucher_use"),
    path("vouchers/void/", staff_views.voucher_void_view, name="voucher_void"),
]
