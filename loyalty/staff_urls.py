from django.urls import path

from loyalty import staff_views

app_name = "staff_points"

urlpatterns = [
    path(
        "members/<str:card_number>/purchases/new/",
        staff_views.purchase_new,
        name="purchase_new",
    ),
    path(
        "members/<str:card_number>/purchases/preview/",
        staff_views.purchase_preview,
        name="purchase_preview",
    ),
    path(
        "members/<str:card_number>/purchases/<int:purchase_id>/return/",
        staff_views.purchase_return_new,
        name="purchase_return",
    ),
    path(
        "members/<str:card_number>/purchases/<int:purchase_id>/void/",
        staff_views.purchase_void_view,
        name="purchase_void",
    ),
    path("members/<str:card_number>/adjust/", staff_views.points_adjust_new, name="adjust"),
]
