from django.urls import path

from . import views

app_name = "members"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("history/", views.history, name="history"),
    path("card/", views.card, name="card"),
    path("card.png", views.card_png, name="card_png"),
    path("profile/", views.profile, name="profile"),
]
