"""Production settings refuse to start without their secrets, and pass `check --deploy`."""

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
}


def _manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    base = {key: value for key, value in os.environ.items() if key not in PRODUCTION_ENV}
    return subprocess.run(  # noqa: S603 - our own interpreter and manage.py
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.mark.parametrize(
    "missing", ["DJANGO_SECRET_KEY", "DJANGO_ALLOWED_HOSTS", "DATABASE_URL", "REDIS_URL"]
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
