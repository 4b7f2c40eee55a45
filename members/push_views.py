"""The profile's "Notifications on this phone": JSON endpoints for static/js/push.js.

Both take a JSON POST with the CSRF token in X-CSRFToken. Without VAPID keys configured there
is no push on this site, and both answer 404 saying so.
"""

import json

from django.http import HttpRequest, JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from loyalty.platform.errors import DomainError
from loyalty.platform.webpush import push_configured
from members.decorators import member_required
from members.models import Member
from members.push import push_subscription_delete, push_subscription_save

MAX_BODY_BYTES = 4096


def _error(message: str, status: int) -> JsonResponse:
    return JsonResponse({"error": message}, status=status)


def _json_body(request: HttpRequest):
    """The request's JSON, or None when it is not JSON of a sensible size."""
    if request.content_type != "application/json":
        return None
    if len(request.body) > MAX_BODY_BYTES:
        return None
    try:
        return json.loads(request.body)
    except ValueError:
        return None


def _not_configured() -> JsonResponse:
    return _error(_("Notifications are not available on this site."), 404)


@member_required
@require_POST
def push_subscribe(request: HttpRequest, member: Member) -> JsonResponse:
    if not push_configured():
        return _not_configured()
    data = _json_body(request)
    if data is None:
        return _error(_("Send the subscription as JSON."), 400)
    try:
        _subscription, created = push_subscription_save(member=member, data=data)
    except DomainError as error:
        return _error(str(error.message), error.status)
    return JsonResponse({"subscribed": True}, status=201 if created else 200)


@member_required
@require_POST
def push_unsubscribe(request: HttpRequest, member: Member) -> JsonResponse:
    if not push_configured():
        return _not_configured()
    data = _json_body(request)
    if not isinstance(data, dict):
        return _error(_("Send the subscription as JSON."), 400)
    try:
        push_subscription_delete(member=member, endpoint=data.get("endpoint"))
    except DomainError as error:
        return _error(str(error.message), error.status)
    return JsonResponse({"subscribed": False})
