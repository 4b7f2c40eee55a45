"""URLs of the activity log, under /manage/activity/ (namespace "activity")."""

from django.urls import path

from loyalty.backoffice import views

app_name = "activity"

urlpatterns = [
    path("", views.activity, name="index"),
]
