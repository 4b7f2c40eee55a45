"""Facts about an HTTP request that more than one part of the portal needs."""

from allauth.account.adapter import get_adapter
from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.http import HttpRequest, HttpResponse

PRIVATE = "private, no-store"


def client_ip(request: HttpRequest) -> str | None:
    """The client's address: REMOTE_ADDR, or behind `DJANGO_TRUSTED_PROXY_COUNT` proxies the
    address they forwarded (allauth reads X-Forwarded-For the same way for its own limits).
    None when the request carries none, or fewer forwarded addresses than there are proxies
    (allauth calls that a misconfiguration; it must not turn a sign-up into a 500)."""
    try:
        return get_adapter(request).get_client_ip(request)
    except (PermissionDenied, ImproperlyConfigured):
        return None


def private(response: HttpResponse) -> HttpResponse:
    """Mark a page about one person as theirs alone: no shared cache (a proxy, a shared
    computer's back button) keeps a copy."""
    response["Cache-Control"] = PRIVATE
    return response
