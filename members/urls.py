from django.urls import path

from members import privacy_views, views

app_name = "members"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("history/", views.history, name="history"),
    path("card/", views.card, name="card"),
    path("card.png", views.card_png, name="card_png"),
    path("profile/", views.profile, name="profile"),
    path("profile/my-data.json", privacy_views.data_export, name="data_export"),
    path("profile/close/", privacy_views.close_account, name="close_account"),
]
