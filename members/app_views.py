"""The member's installable app: its web app manifest and its service worker.

The worker's code is static/js/service-worker.js; it is served here, at the site's root, so
that it may look after /me/card/, with its settings above it: the addresses it needs and the
static files it keeps, under a version that changes whenever one of them does, so a deploy
replaces the old worker and its cache.
"""

import hashlib
import json

from django.conf import settings
from django.contrib.staticfiles import finders
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from loyalty.services.program import program_settings_get

WORKER_SOURCE = "js/service-worker.js"
# What the card page needs to be drawn offline (its QR code is inline SVG).
KEPT_STATIC_FILES = ("css/site.css", "js/app.js", "js/card.js", "img/icon.svg")
THEME_COLOUR = "#0b5d4b"  # --brand in static/css/site.css
BACKGROUND_COLOUR = "#f6f7f4"  # --paper


@require_GET
def web_manifest(request: HttpRequest) -> JsonResponse:
    name = program_settings_get().program_name
    return JsonResponse(
        {
            "id": reverse("members:dashboard"),
            "name": name,
            "short_name": name,
            "description": _("Your member card, points and rewards."),
            "lang": get_language(),
            "start_url": reverse("members:dashboard"),
            "scope": "/",
            "display": "standalone",
            "theme_color": THEME_COLOUR,
            "background_color": BACKGROUND_COLOUR,
            "icons": [
                {
                    "src": static("img/app-icon-192.png"),
                    "sizes": "192x192",
                    "type": "image/png",
                    "purpose": "any",
                },
                {
                    "src": static("img/app-icon-512.png"),
                    "sizes": "512x512",
                    "type": "image/png",
                    "purpose": "any",
                },
                {
                    "src": static("img/app-icon-maskable-512.png"),
                    "sizes": "512x512",
                    "type": "image/png",
                    "purpose": "maskable",
                },
            ],
        },
        content_type="application/manifest+json",
        json_dumps_params={"ensure_ascii": False},
    )


def _read_static(path: str) -> bytes:
    with open(finders.find(path), "rb") as source:
        return source.read()


def service_worker_source() -> str:
    """The worker as the browser receives it: its settings, then static/js/service-worker.js."""
    worker = _read_static(WORKER_SOURCE)
    options = {
        "card": reverse("members:card"),
        "home": reverse("members:dashboard"),
        "logout": reverse("account_logout"),
        # STATIC_URL itself: the manifest storage knows files, not the folder ("" would raise).
        "static": settings.STATIC_URL,
        "precache": [static(path) for path in KEPT_STATIC_FILES],
        "icon": static("img/app-icon-192.png"),
    }
    version = hashlib.sha256(worker)
    version.update(json.dumps(options, sort_keys=True).encode())
    for path in KEPT_STATIC_FILES:
        version.update(_read_static(path))
    options["version"] = version.hexdigest()[:16]
    return f"self.OFFLINE = {json.dumps(options, sort_keys=True)};\n{worker.decode()}"


@require_GET
def service_worker(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(
        service_worker_source(), content_type="application/javascript; charset=utf-8"
    )
    # Asked again at every check, so a new deploy's worker is found at once.
    response["Cache-Control"] = "no-cache"
    response["Service-Worker-Allowed"] = "/"
    return response
