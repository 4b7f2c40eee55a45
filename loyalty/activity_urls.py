from django.urls import path

from loyalty import activity_views

app_name = "activity"

urlpatterns = [
    path("", activity_views.index, name="index"),
]
