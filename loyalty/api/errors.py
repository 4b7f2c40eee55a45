"""One JSON shape for every error: `{"code": …, "message": …, "fields": {…}}`.

`code` is stable and meant for programs; `message` is for people and may change; `fields` maps
each invalid request field to its messages (nested like the request) and is empty otherwise.
Domain failures (`loyalty.platform.errors.DomainError`) answer with their class's own `code`
and `status`: 422 when the request cannot be honoured as asked, 409 when it conflicts with the
state of something (a used voucher, a reward out of stock), 404 for an unknown voucher, 503
with `Retry-After` when the database stayed busy.
"""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.serializers import as_serializer_error
from rest_framework.views import exception_handler as drf_exception_handler
from rest_framework.views import set_rollback

from loyalty.platform.errors import DomainError, TryAgain

# How long a client should wait before retrying a request the database was too busy for.
TRY_AGAIN_SECONDS = 1


def error_body(code: str, message, fields: dict | None = None) -> dict:
    return {"code": code, "message": str(message), "fields": fields or {}}


class RequestInProgress(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "request_in_progress"
    default_detail = "A request with this Idempotency-Key is still being processed."

    def __init__(self):
        super().__init__(_("A request with this Idempotency-Key is still being processed."))
        self.wait = TRY_AGAIN_SECONDS


def _join(path: str, key) -> str:
    key = str(key)
    if key == "non_field_errors":
        return path
    if key.isdigit():
        return f"{path}[{key}]"
    return f"{path}.{key}" if path else key


def _first_message(detail, path: str = "") -> str:
    """The first message of a (nested) validation error, after the field it is about:
    'lines[0].amount: Ensure this value is greater than or equal to 0.01.'"""
    if isinstance(detail, dict):
        items = detail.items()
    elif isinstance(detail, list):
        items = [
            (index if isinstance(value, dict | list) else "non_field_errors", value)
            for index, value in enumerate(detail)
        ]
    else:
        return f"{path}: {detail}" if path else str(detail)
    for key, value in items:
        found = _first_message(value, _join(path, key))
        if found:
            return found
    return ""


def _validation_body(error: exceptions.ValidationError) -> dict:
    fields = as_serializer_error(error)
    message = _first_message(fields) or _("The request is not valid.")
    return error_body("invalid", message, fields)


def api_exception_handler(exc, context) -> Response | None:
    """DRF's exception handler, answering in the one error shape."""
    if isinstance(exc, DomainError):
        set_rollback()
        headers = {"Retry-After": str(TRY_AGAIN_SECONDS)} if isinstance(exc, TryAgain) else None
        return Response(error_body(exc.code, exc.message), status=exc.status, headers=headers)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    response = drf_exception_handler(exc, context)
    if response is None:
        return None  # not an API error: a bug, and Django reports it as one
    if isinstance(exc, exceptions.ValidationError):
        response.data = _validation_body(exc)
    else:
        code = exc.get_codes() if isinstance(exc, exceptions.APIException) else "error"
        response.data = error_body(code if isinstance(code, str) else "error", exc.detail)
    return response
