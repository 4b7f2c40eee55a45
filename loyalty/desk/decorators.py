"""Who may use the staff desk: sign-in, the desk permission, and each action's own permission."""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from loyalty.exceptions import NoStore
from loyalty.platform import ratelimit
from members.roles import STAFF_DESK_PERMISSION


def staff_desk_required(view):
    """Sign-in first (a staff member at a fresh tablet gets the login page), then the permission.

    A page with a card number in its URL is a member lookup too: one that finds nothing counts
    against the user's lookup limit, and over the limit every such page is refused, so card
    numbers cannot be guessed through the address bar either (see loyalty/platform/ratelimit.py).
    """

    @login_required
    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not request.user.has_perm(STAFF_DESK_PERMISSION):
            raise PermissionDenied
        names_a_member = "card_number" in kwargs
        if names_a_member and ratelimit.staff_lookup_blocked(request, what="member page"):
            return ratelimit.staff_lookup_refused(request)
        try:
            return view(request, *args, **kwargs)
        except Http404:
            if names_a_member and not ratelimit.staff_lookup_allowed(request, what="member page"):
                return ratelimit.staff_lookup_refused(request)
            raise

    return wrapped


def desk_permission_required(permission: str):
    """The staff desk (sign-in, then the desk permission), plus `permission` for this action."""

    def decorator(view):
        @staff_desk_required
        @wraps(view)
        def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if not request.user.has_perm(permission):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def desk_store_required(permission: str):
    """`desk_permission_required(permission)`, and a store: a login linked to no store (a
    manager's too) gets a page saying so, with status 403, and nothing is done."""

    def decorator(view):
        @desk_permission_required(permission)
        @wraps(view)
        def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if request.user.store_id is None:
                return render(
                    request, "desk/no_store.html", {"message": NoStore.default_message}, status=403
                )
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
