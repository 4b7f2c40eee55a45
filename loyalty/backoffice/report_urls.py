"""URLs of the reports page, under /manage/reports/ (namespace "reports")."""

from django.urls import path

from loyalty.backoffice import views

app_name = "reports"

urlpatterns = [
    path("", views.reports, name="index"),
]
