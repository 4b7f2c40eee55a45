from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import get_template
from django.views.decorators.cache import cache_control, never_cache
from django.views.decorators.http import require_GET, require_safe

from loyalty.platform.health import broker_is_up, database_is_up


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """200 when the database and the broker both answer, 503 otherwise; says which is down."""
    checks = {
        "database": "ok" if database_is_up() else "down",
        "broker": "ok" if broker_is_up() else "down",
    }
    healthy = all(state == "ok" for state in checks.values())
    return JsonResponse(
        {"status": "ok" if healthy else "down", **checks}, status=200 if healthy else 503
    )


@cache_control(public=True, max_age=60 * 60 * 24)
@require_safe
def robots_txt(request: HttpRequest) -> HttpResponse:
    """What search engines may read: the public pages, never a member's, the desk or the back
    office (templates/robots.txt)."""
    return HttpResponse(
        get_template("robots.txt").render(), content_type="text/plain; charset=utf-8"
    )


def _plain_error_page(template_name: str, status: int) -> HttpResponse:
    """An error page rendered from settings and static files alone: no context processors
    (they read the database), no request (it may be what was wrong)."""
    page = get_template(template_name).render({"program_name": settings.LOYALTY_PROGRAM_NAME})
    return HttpResponse(page, status=status)


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    return _plain_error_page("400.html", 400)


def server_error(request: HttpRequest) -> HttpResponse:
    return _plain_error_page("500.html", 500)
