"""`@member_required`: the member's own pages, for a signed-in user with a member card."""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from loyalty.platform.http import private
from members.selectors import member_for_user


def no_membership(request: HttpRequest) -> HttpResponse:
    """Staff and managers sign in without a member card; point them to where they work."""
    return render(request, "members/no_membership.html", status=404)


def member_required(view):
    """Sign-in first, then the signed-in user's member, passed to the view as `member=`.

    A user without a member card gets the "no membership" page (404) instead of the view.
    The member's pages are sent `Cache-Control: private, no-store`.
    Put it above the method decorator, as the staff desk's decorators are: who you are is
    checked before how you asked.
    """

    @login_required
    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        member = member_for_user(request.user)
        if member is None:
            return no_membership(request)
        return private(view(request, *args, member=member, **kwargs))

    return wrapped
