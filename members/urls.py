from django.urls import path

from members import phone_views, privacy_views, push_views, views
from members.wallet import views as wallet_views

app_name = "members"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("history/", views.history, name="history"),
    path("card/", views.card, name="card"),
    path("card.png", views.card_png, name="card_png"),
    path("card/member-card.pkpass", wallet_views.apple_pass, name="wallet_apple"),
    path("card/google-wallet/", wallet_views.google_save, name="wallet_google"),
    path("profile/", views.profile, name="profile"),
    path("profile/phone/", phone_views.phone_verify, name="phone_verify"),
    path("profile/phone/new-code/", phone_views.phone_code_resend, name="phone_code_resend"),
    path("profile/push/subscribe/", push_views.push_subscribe, name="push_subscribe"),
    path("profile/push/unsubscribe/", push_views.push_unsubscribe, name="push_unsubscribe"),
    path("profile/my-data.json", privacy_views.data_export, name="data_export"),
    path("profile/close/", privacy_views.close_account, name="close_account"),
]
