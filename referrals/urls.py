from django.urls import path

from referrals import views

app_name = "referrals"

urlpatterns = [
    path("r/<str:code>/", views.landing, name="landing"),
    path("me/referrals/", views.my_referrals, name="mine"),
]
