"""Production settings refuse to start without their secrets or with unsafe ones, every entry
point reads them unless told otherwise, and they pass `check --deploy`."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent.parent
PRODUCTION_ENV = {
    "DJANGO_SETTINGS_MODULE": "loyalty.settings.production",
    "DJANGO_SECRET_KEY": "k3Jd9-xq2LmZp7R1vT8bW4nYc6Hf0sAeUg5iKoQwErTyUiOpAsDf",
    "DJANGO_ALLOWED_HOSTS": "loyalty.example.com",
    "DATABASE_URL": "postgres://loyalty@127.0.0.1:5432/loyalty",
    "REDIS_URL": "redis://127.0.0.1:6379/0",
    "LOYALTY_BASE_URL": "https://loyalty.example.com",
    "LOYALTY_SMS_BACKEND": "loyalty.platform.sms.FileBackend",
}


def _manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return _python("manage.py", *args, env=env)


def _python(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    base = {key: value for key, value in os.environ.items() if key not in PRODUCTION_ENV}
    return subprocess.run(  # noqa: S603 - our own interpreter and manage.py
        [sys.executable, *args],
        cwd=ROOT,
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.mark.parametrize(
    "missing",
    [
        "DJANGO_SECRET_KEY",
        "DJANGO_ALLOWED_HOSTS",
        "DATABASE_URL",
        "REDIS_URL",
        "LOYALTY_BASE_URL",
        "LOYALTY_SMS_BACKEND",
    ],
)
def test_production_refuses_to_start_without_a_secret(missing):
    env = {key: value for key, value in PRODUCTION_ENV.items() if key != missing}

    result = _manage("check", env=env)

    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert f"need these environment variables: {missing}" in result.stderr


def test_production_refuses_sqlite():
    result = _manage("check", env={**PRODUCTION_ENV, "DATABASE_URL": "sqlite:///prod.sqlite3"})

    assert result.returncode != 0
    assert "DATABASE_URL to point at PostgreSQL" in result.stderr


def test_production_settings_pass_the_deployment_checklist():
    result = _manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION_ENV)

    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout


def _refusal(result: subprocess.CompletedProcess) -> str:
    assert result.returncode != 0
    last = result.stderr.strip().splitlines()[-1]
    assert last.startswith("django.core.exceptions.ImproperlyConfigured: "), result.stderr
    return last.removeprefix("django.core.exceptions.ImproperlyConfigured: ")


def test_production_refuses_the_development_key_of_the_repository():
    key = "local-development-only-not-secret-0b6f1c2e9a7d4e58"

    result = _manage("check", env={**PRODUCTION_ENV, "DJANGO_SECRET_KEY": key})

    assert _refusal(result) == (
        "DJANGO_SECRET_KEY is the development key published in the repository; generate a new one."
    )


@pytest.mark.parametrize(
    "key",
    ["k3Jd9-xq2LmZp7R1vT8bW4nYc6Hf0sAeUg5iKoQwErTyUiOpA", "ab" * 30],
    ids=["49 characters", "two characters repeated"],
)
def test_production_refuses_a_short_or_simple_key(key):
    result = _manage("check", env={**PRODUCTION_ENV, "DJANGO_SECRET_KEY": key})

    assert _refusal(result) == (
        "DJANGO_SECRET_KEY is too short or too simple: it needs at least 50 random characters."
    )


@pytest.mark.parametrize("hosts", ["*", "loyalty.example.com, *"])
def test_production_refuses_any_host(hosts):
    result = _manage("check", env={**PRODUCTION_ENV, "DJANGO_ALLOWED_HOSTS": hosts})

    assert _refusal(result) == (
        "DJANGO_ALLOWED_HOSTS may not contain '*': name the site's host names."
    )


@pytest.mark.parametrize("base_url", ["loyalty.example.com", "https://", "ftp://example.com"])
def test_production_refuses_a_base_url_that_is_not_an_address(base_url):
    result = _manage("check", env={**PRODUCTION_ENV, "LOYALTY_BASE_URL": base_url})

    assert _refusal(result) == (
        "LOYALTY_BASE_URL must be the portal's public address, such as https://loyalty.example.com."
    )


def test_production_refuses_the_sms_backend_that_sends_nothing():
    env = {**PRODUCTION_ENV, "LOYALTY_SMS_BACKEND": "loyalty.platform.sms.LocmemBackend"}

    assert _refusal(_manage("check", env=env)) == (
        "LOYALTY_SMS_BACKEND is the test suite's in-memory backend, which sends nothing; "
        "name the provider's backend (or loyalty.platform.sms.FileBackend on purpose)."
    )


def test_production_refuses_a_phone_region_that_is_no_region():
    result = _manage("check", env={**PRODUCTION_ENV, "LOYALTY_PHONE_REGION": "Atlantis"})

    assert _refusal(result) == (
        "LOYALTY_PHONE_REGION must be a two-letter region code such as US or GB, not 'ATLANTIS'."
    )


@pytest.mark.parametrize("key", ["LOYALTY_VAPID_PUBLIC_KEY", "LOYALTY_VAPID_PRIVATE_KEY"])
def test_half_a_vapid_key_pair_is_refused(key):
    result = _manage("check", env={**PRODUCTION_ENV, key: "B" * 87})

    assert _refusal(result) == (
        "Set both LOYALTY_VAPID_PUBLIC_KEY and LOYALTY_VAPID_PRIVATE_KEY for web push, or neither "
        "(python manage.py vapid_keys prints a new pair)."
    )


def test_production_names_every_unsafe_setting_at_once():
    env = {**PRODUCTION_ENV, "DJANGO_SECRET_KEY": "short", "DJANGO_ALLOWED_HOSTS": "*"}

    assert _refusal(_manage("check", env=env)) == (
        "DJANGO_SECRET_KEY is too short or too simple: it needs at least 50 random "
        "characters; DJANGO_ALLOWED_HOSTS may not contain '*': name the site's host names."
    )


# Each entry point, started without DJANGO_SETTINGS_MODULE, prints the module it read.
ENTRY_POINTS = {
    "manage.py": [
        "manage.py",
        "shell",
        "-c",
        "from django.conf import settings as s; "
        "print(s.SETTINGS_MODULE, s.DEBUG, s.LOYALTY_MFA_REQUIRED)",
    ],
    "celery": [
        "-c",
        "from loyalty.celery import app; from django.conf import settings as s; "
        "print(s.SETTINGS_MODULE, s.DEBUG, s.LOYALTY_MFA_REQUIRED, "
        "app.conf.broker_url == s.CELERY_BROKER_URL)",
    ],
    "wsgi": [
        "-c",
        "import loyalty.wsgi; from django.conf import settings as s; "
        "print(s.SETTINGS_MODULE, s.DEBUG, s.LOYALTY_MFA_REQUIRED)",
    ],
    "asgi": [
        "-c",
        "import loyalty.asgi; from django.conf import settings as s; "
        "print(s.SETTINGS_MODULE, s.DEBUG, s.LOYALTY_MFA_REQUIRED)",
    ],
}


def _without_settings_module(env: dict[str, str]) -> dict[str, str]:
    return {key: value for key, value in env.items() if key != "DJANGO_SETTINGS_MODULE"}


@pytest.mark.parametrize("entry_point", ENTRY_POINTS)
def test_every_entry_point_reads_the_production_settings_unless_told_otherwise(entry_point):
    env = _without_settings_module(PRODUCTION_ENV)

    result = _python(*ENTRY_POINTS[entry_point], env=env)

    assert result.returncode == 0, result.stderr
    expected = "loyalty.settings.production False True"
    if entry_point == "celery":
        expected += " True"
    assert result.stdout.strip().splitlines()[-1] == expected


@pytest.mark.parametrize("entry_point", ENTRY_POINTS)
def test_every_entry_point_refuses_an_unsafe_environment_alike(entry_point):
    env = _without_settings_module({**PRODUCTION_ENV, "DJANGO_ALLOWED_HOSTS": "*"})

    result = _python(*ENTRY_POINTS[entry_point], env=env)

    assert _refusal(result) == (
        "DJANGO_ALLOWED_HOSTS may not contain '*': name the site's host names."
    )


def test_lighthouse_settings_serve_like_production_from_their_own_folder(tmp_path):
    # Lighthouse measures what production sends (DEBUG off, hashed and compressed static
    # files), and never writes to the database or Redis the shell points at.
    script = (
        "from django.conf import settings as s; "
        "print(s.DEBUG, s.STORAGES['staticfiles']['BACKEND'], "
        "s.DATABASES['default']['ENGINE'], s.DATABASES['default']['NAME'], "
        "s.CACHES['default']['BACKEND'], s.CELERY_BROKER_URL, s.STATIC_ROOT, "
        "s.MEDIA_ROOT, s.MEDIA_URL, s.WHITENOISE_ROOT)"
    )
    env = {
        "DJANGO_SETTINGS_MODULE": "loyalty.settings.lighthouse",
        "LOYALTY_VAR_DIR": str(tmp_path),
        "DATABASE_URL": "postgres://loyalty@127.0.0.1:5432/loyalty",
        "REDIS_URL": "redis://127.0.0.1:6379/0",
    }

    result = _manage("shell", "-v", "0", "-c", script, env=env)

    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "False",
        "whitenoise.storage.CompressedManifestStaticFilesStorage",
        "django.db.backends.sqlite3",
        str(tmp_path / "loyalty.sqlite3"),
        "django.core.cache.backends.locmem.LocMemCache",
        "filesystem://",
        str(tmp_path / "static"),
        str(tmp_path / "public" / "media"),
        "/media/",
        str(tmp_path / "public"),
    ]
