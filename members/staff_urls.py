from django.urls import path

from members import staff_views

app_name = "staff"

urlpatterns = [
    path("", staff_views.desk, name="desk"),
    path("members/<str:card_number>/", staff_views.member_detail, name="member"),
]
