"""The managers' activity log (`/manage/activity/`): staff actions on points, rewards and
referrals, newest first. Thin: page through `loyalty.activity.activity_list`."""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from loyalty.activity import activity_list
from loyalty.services.program import program_timezone

# The log shows rows of these models, so it takes the right to view each of them.
ACTIVITY_PERMISSIONS = (
    "loyalty.view_pointsentry",
    "loyalty.view_purchasereturn",
    "rewards.view_redemption",
    "referrals.view_referral",
)
PAGE_SIZE = 50


def activity_required(view):
    """Program managers only: sign-in first, then `is_staff` and the view permissions."""

    @login_required
    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        user = request.user
        if not (user.is_staff and user.has_perms(ACTIVITY_PERMISSIONS)):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped


@activity_required
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    page = Paginator(activity_list(), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "manage/activity.html",
        {"page": page, "program_time_zone": program_timezone()},
    )
