from django.urls import path

from engagement import views

urlpatterns = [
    path("survey/<str:token>/", views.survey, name="survey"),
    path("ways-to-earn/", views.ways_to_earn, name="ways_to_earn"),
]
