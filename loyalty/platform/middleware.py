"""Middleware that is not the domain: a lost database connection becomes a clear "try again"
answer instead of a 500 page."""

import logging

from django.db import InterfaceError, OperationalError, connection
from django.http import HttpResponse, JsonResponse
from django.template import Context
from django.template.loader import get_template

logger = logging.getLogger(__name__)


class DatabaseUnavailableMiddleware:
    """When the database goes away mid-request, the transaction is lost with it, so nothing
    was recorded: say so, with a 503 the client may retry."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, OperationalError | InterfaceError):
            return None
        logger.error(
            "Database unavailable during %s %s: %s", request.method, request.path, exception
        )
        connection.close_if_unusable_or_obsolete()
        if request.path.startswith("/api/"):
            response = JsonResponse(
                {
                    "code": "service_unavailable",
                    "message": "The database is not reachable. Nothing was recorded; retry soon.",
                    "fields": {},
                },
                status=503,
            )
        else:
            # Rendered without context processors: they would need the database.
            page = get_template("503.html").template.render(Context({}))
            response = HttpResponse(page, status=503)
        response["Retry-After"] = "5"
        return response
