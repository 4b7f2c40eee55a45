"""The app's URLs plus the benchmark's floor endpoints (only with loyalty.settings.bench)."""

from django.urls import include, path

from bench import views

urlpatterns = [
    path("bench/floor/page/", views.floor_page, name="bench-floor-page"),
    path("bench/floor/earn/", views.FloorEarnView.as_view(), name="bench-floor-earn"),
    path("", include("loyalty.urls")),
]
