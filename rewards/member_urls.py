from django.urls import path

from rewards import views

app_name = "member_rewards"

urlpatterns = [
    path("", views.my_rewards, name="list"),
    path("<int:redemption_id>/", views.my_reward_detail, name="detail"),
]
