"""The site's URLs plus two that fail, for the error pages' tests (`@pytest.mark.urls`)."""

from django.core.exceptions import SuspiciousOperation
from django.urls import path

from loyalty.urls import handler400, handler500
from loyalty.urls import urlpatterns as site_urlpatterns

__all__ = ["handler400", "handler500", "urlpatterns"]


def broken(request):
    raise RuntimeError("a bug in a view")


def suspicious(request):
    raise SuspiciousOperation("a request the site cannot read")


urlpatterns = [
    path("test-errors/broken/", broken),
    path("test-errors/suspicious/", suspicious),
    *site_urlpatterns,
]
