"""URLs of the "To review" page, under /manage/review/ (namespace "review")."""

from django.urls import path

from loyalty.backoffice import review

app_name = "review"

urlpatterns = [
    path("", review.review, name="index"),
    path("<int:purchase_id>/decide/", review.review_decide, name="decide"),
]
