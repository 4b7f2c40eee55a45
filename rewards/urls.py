from django.urls import path

from rewards import views

app_name = "rewards"

urlpatterns = [
    path("", views.reward_list, name="list"),
    path("causes/", views.cause_list, name="causes"),
    path("<slug:slug>/", views.reward_detail, name="detail"),
]
