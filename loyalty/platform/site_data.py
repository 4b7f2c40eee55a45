"""When the session changes hands, the browser forgets what it kept for the last user."""

from django.contrib.auth import SESSION_KEY
from django.db import DatabaseError

# The HTTP cache, then "storage": the Cache API (the member's app's kept card), local and
# session storage, IndexedDB and the service worker itself (which a later page registers
# afresh). Cookies are the session's own business.
CLEAR_SITE_DATA = '"cache", "storage"'
_UNREADABLE = object()


def _session_user(request) -> object:
    session = getattr(request, "session", None)
    if session is None:
        return None
    try:
        return session.get(SESSION_KEY)
    except DatabaseError:
        # Sessions live in the database: when it is away the view answers 503
        # (DatabaseUnavailableMiddleware), which needs the error raised there, not here.
        return _UNREADABLE


class ClearSiteDataOnUserChangeMiddleware:
    """Send `Clear-Site-Data` on the response to any request that logged a user in or out (or
    swapped one for another): a log-out leaves no copy of the member's card on the device, and
    a log-in never finds the one a previous user left when their session lapsed.

    Below SessionMiddleware; compares the session's user id before and after the view, so it
    needs no hook in allauth and covers every way in or out (sign-up, email confirmation,
    password reset, two-factor, the admin's log-in)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        before = _session_user(request)
        response = self.get_response(request)
        after = _session_user(request) if before is not _UNREADABLE else _UNREADABLE
        if _UNREADABLE not in (before, after) and after != before:
            response["Clear-Site-Data"] = CLEAR_SITE_DATA
        return response
