"""Apple's PassKit web service, under `/wallet/` (LOYALTY_WALLET_WEB_SERVICE_URL)."""

from django.urls import path

from members.wallet import views

app_name = "wallet"

urlpatterns = [
    path(
        "v1/devices/<str:device>/registrations/<str:pass_type>/<str:serial_number>",
        views.registration,
        name="registration",
    ),
    path(
        "v1/devices/<str:device>/registrations/<str:pass_type>",
        views.serials_updated,
        name="serials_updated",
    ),
    path("v1/passes/<str:pass_type>/<str:serial_number>", views.latest_pass, name="latest_pass"),
    path("v1/log", views.device_log, name="log"),
]
