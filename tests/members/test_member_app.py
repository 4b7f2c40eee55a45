"""The member's installable app: the manifest, the service worker's script, its icons, the
card's offline notice, and the browser told to forget everything when the user changes."""

import io
import json
import re
from pathlib import Path

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.db import OperationalError
from django.urls import reverse
from PIL import Image

from loyalty.services import points_credit, program_settings_get
from members import app_views
from tests.factories import PASSWORD

ROOT = Path(__file__).resolve().parent.parent.parent
WORKER_SOURCE = (ROOT / "static" / "js" / "service-worker.js").read_text(encoding="utf-8")
CLEARED = '"cache", "storage"'


# --- the manifest -------------------------------------------------------------------------


@pytest.mark.django_db
def test_manifest_names_the_program_and_opens_the_members_pages_standalone(client):
    program = program_settings_get()
    program.program_name = "Bean Club"
    program.save()

    response = client.get("/manifest.webmanifest")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/manifest+json"
    assert json.loads(response.content) == {
        "id": "/me/",
        "name": "Bean Club",
        "short_name": "Bean Club",
        "description": "Your member card, points and rewards.",
        "lang": "en",
        "start_url": "/me/",
        "scope": "/",
        "display": "standalone",
        "theme_color": "#0b5d4b",
        "background_color": "#f6f7f4",
        "icons": [
            {
                "src": "/static/img/app-icon-192.png",
                "sizes": "192x192",
                "type": "image/png",
                "purpose": "any",
            },
            {
                "src": "/static/img/app-icon-512.png",
                "sizes": "512x512",
                "type": "image/png",
                "purpose": "any",
            },
            {
                "src": "/static/img/app-icon-maskable-512.png",
                "sizes": "512x512",
                "type": "image/png",
                "purpose": "maskable",
            },
        ],
    }


@pytest.mark.parametrize(
    ("name", "size", "corner"),
    [
        ("app-icon-192.png", 192, (0, 0, 0, 0)),
        ("app-icon-512.png", 512, (0, 0, 0, 0)),
        # Maskable: the phone cuts its own shape, so the colour reaches the corners.
        ("app-icon-maskable-512.png", 512, (11, 93, 75, 255)),
    ],
)
def test_icons_are_the_sizes_the_manifest_says(name, size, corner):
    image = Image.open(ROOT / "static" / "img" / name)

    assert image.format == "PNG"
    assert image.size == (size, size)
    assert image.convert("RGBA").getpixel((0, 0)) == corner
    assert image.convert("RGBA").getpixel((size // 2, size // 2)) == (255, 209, 102, 255)


@pytest.mark.django_db
def test_manifest_is_linked_from_every_page_and_the_worker_registered_for_members_only(
    client, customer, staff_user
):
    anonymous = client.get(reverse("home")).content.decode()
    client.force_login(staff_user)
    desk = client.get(reverse("staff:desk")).content.decode()
    client.force_login(customer.user)
    dashboard = client.get(reverse("members:dashboard")).content.decode()

    register = '<script src="/static/js/app.js" data-service-worker="/sw.js" defer></script>'
    for page in (anonymous, desk, dashboard):
        assert '<link rel="manifest" href="/manifest.webmanifest">' in page
    assert register not in anonymous
    assert register not in desk
    assert register in dashboard


# --- the service worker's script ------------------------------------------------------------


def _worker_settings(body: str) -> dict:
    first_line, _, rest = body.partition("\n")
    match = re.fullmatch(r"self\.OFFLINE = (\{.*\});", first_line)
    assert match, first_line
    assert rest == WORKER_SOURCE
    return json.loads(match.group(1))


@pytest.mark.django_db
def test_service_worker_is_served_at_the_root_for_the_whole_site_and_never_from_a_cache(
    client,
):
    response = client.get("/sw.js")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/javascript; charset=utf-8"
    assert response["Service-Worker-Allowed"] == "/"
    assert response["Cache-Control"] == "no-cache"
    worker = _worker_settings(response.content.decode())
    version = worker.pop("version")
    assert re.fullmatch(r"[0-9a-f]{16}", version)
    assert worker == {
        "card": "/me/card/",
        "home": "/me/",
        "icon": "/static/img/app-icon-192.png",
        "logout": "/accounts/logout/",
        "static": "/static/",
        "precache": [
            "/static/css/site.css",
            "/static/js/app.js",
            "/static/js/card.js",
            "/static/img/icon.svg",
        ],
    }


@pytest.mark.django_db
def test_service_worker_is_the_same_for_every_user(client, customer):
    anonymous = client.get("/sw.js").content
    client.force_login(customer.user)

    assert client.get("/sw.js").content == anonymous
    assert customer.card_number.encode() not in anonymous


@pytest.mark.django_db
def test_a_changed_kept_file_changes_the_workers_version(client, monkeypatch):
    before = _worker_settings(client.get("/sw.js").content.decode())["version"]
    read = app_views._read_static
    monkeypatch.setattr(
        app_views,
        "_read_static",
        lambda path: read(path) + b"/* new */" if path == "css/site.css" else read(path),
    )

    after = _worker_settings(client.get("/sw.js").content.decode())["version"]

    assert after != before
    assert re.fullmatch(r"[0-9a-f]{16}", after)


@pytest.mark.django_db
def test_service_worker_refuses_a_post(client):
    assert client.post("/sw.js").status_code == 405
    assert client.post("/manifest.webmanifest").status_code == 405


# --- the card page the worker keeps ---------------------------------------------------------


@pytest.mark.django_db
def test_card_shows_the_balance_and_a_hidden_as_of_notice_stamped_when_rendered(
    client, customer, time_machine
):
    time_machine.move_to("2026-03-14 09:30:00+00:00", tick=False)
    points_credit(account=customer.points_account, points=1250, note="Welcome")
    client.force_login(customer.user)

    html = client.get(reverse("members:card")).content.decode()

    assert (
        '<p class="offline-notice" role="status" data-testid="offline-notice" hidden '
        "data-offline-notice><strong>Offline</strong> — your card and points as of "
        '<time datetime="2026-03-14T09:30:00+00:00">March 14, 2026, 9:30 a.m.</time></p>'
    ) in html
    assert (
        '<p class="member-card__balance" data-testid="card-balance">1,250 points available</p>'
    ) in html


@pytest.mark.django_db
def test_the_worker_unhides_the_notice_it_finds_on_the_card(client, customer):
    """The worker shows the notice by replacing `hidden data-offline-notice`: the card page
    must carry that exact text, once."""
    client.force_login(customer.user)

    html = client.get(reverse("members:card")).content.decode()

    assert html.count("hidden data-offline-notice") == 1
    assert 'const NOTICE_HIDDEN = "hidden data-offline-notice";' in WORKER_SOURCE


# --- the browser forgets what it kept when the user changes ---------------------------------


@pytest.mark.django_db
def test_logging_out_tells_the_browser_to_clear_its_cache_and_storage(client, customer):
    client.force_login(customer.user)

    response = client.post(reverse("account_logout"))

    assert response.status_code == 302
    assert response["Clear-Site-Data"] == CLEARED
    assert client.get(reverse("members:card")).status_code == 302


@pytest.mark.django_db
def test_logging_in_clears_what_a_previous_user_left(client, customer):
    response = client.post(
        reverse("account_login"), {"login": "alice@example.com", "password": PASSWORD}
    )

    assert response.status_code == 302
    assert response["Clear-Site-Data"] == CLEARED


@pytest.mark.django_db
def test_pages_that_leave_the_user_as_they_were_clear_nothing(client, customer):
    refused = client.post(
        reverse("account_login"), {"login": "alice@example.com", "password": "wrong"}
    )
    anonymous = client.get(reverse("home"))
    client.force_login(customer.user)
    card = client.get(reverse("members:card"))
    logout_page = client.get(reverse("account_logout"))

    assert refused.status_code == 200
    assert card.status_code == 200
    assert logout_page.status_code == 200
    for response in (refused, anonymous, card, logout_page):
        assert "Clear-Site-Data" not in response
    assert client.get(reverse("members:card")).status_code == 200


def test_icons_command_draws_the_committed_pngs(tmp_path, settings):
    from django.core.management import call_command

    (tmp_path / "static" / "img").mkdir(parents=True)
    settings.BASE_DIR = tmp_path

    call_command("app_icons", stdout=io.StringIO())

    for name in ("app-icon-192.png", "app-icon-512.png", "app-icon-maskable-512.png"):
        drawn = Image.open(tmp_path / "static" / "img" / name).convert("RGBA")
        committed = Image.open(ROOT / "static" / "img" / name).convert("RGBA")
        assert drawn.tobytes() == committed.tobytes(), name


@pytest.mark.django_db(transaction=True)  # the 503 path leaves the connection to be closed
def test_sessions_out_of_reach_still_give_the_503_page_not_a_500(client, customer, monkeypatch):
    """Sessions are kept in the database: the middleware that compares the session's user
    must leave a lost database to DatabaseUnavailableMiddleware."""
    client.force_login(customer.user)

    def database_gone(self):
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(SessionStore, "load", database_gone)

    response = client.get(reverse("members:card"))

    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert "Clear-Site-Data" not in response


@pytest.mark.django_db
def test_the_worker_is_served_under_the_hashed_static_files_production_uses(
    client, settings, tmp_path
):
    """Production's manifest storage knows files, not the static folder: asking it for the
    folder's URL raised, and /sw.js answered 500 (found by Lighthouse's console check)."""
    from django.core.management import call_command

    settings.STATIC_ROOT = tmp_path
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"},
    }
    call_command("collectstatic", interactive=False, verbosity=0)

    response = client.get(reverse("service_worker"))

    assert response.status_code == 200
    first_line = response.content.decode().split("\n", 1)[0]
    assert '"static": "/static/"' in first_line
    assert re.search(r'"/static/css/site\.[0-9a-f]{12}\.css"', first_line)
