"""Shared fixtures. The suite runs on PostgreSQL and Redis when DATABASE_URL / REDIS_URL are set."""

import os

import pytest
from django.conf import settings
from django.core.cache import cache
from django.utils import translation

from loyalty.platform import sms
from members.wallet import backends
from tests.factories import (
    LONG_AGO,
    create_customer,
    create_manager,
    create_staff,
    create_store,
)
from tests.roles import roles_restore
from tests.two_factor import TwoStepClient
from tests.wallet import configure_apple, configure_google, google_key


def _services_problem() -> str | None:
    """Why the required services cannot be used, or None when they can."""
    database_url = os.environ.get("DATABASE_URL", "")
    redis_url = os.environ.get("REDIS_URL", "")
    if not database_url.startswith(("postgres://", "postgresql://")):
        return "REQUIRE_SERVICES=1 needs DATABASE_URL to point at PostgreSQL."
    if not redis_url.startswith("redis://"):
        return "REQUIRE_SERVICES=1 needs REDIS_URL to point at Redis."
    import psycopg
    import redis

    try:
        psycopg.connect(database_url, connect_timeout=5).close()
    except psycopg.Error as error:
        return f"PostgreSQL at DATABASE_URL does not answer: {error}"
    try:
        redis.Redis.from_url(redis_url, socket_connect_timeout=5).ping()
    except redis.RedisError as error:
        return f"Redis at REDIS_URL does not answer: {error}"
    return None


def pytest_configure(config) -> None:
    if os.environ.get("REQUIRE_SERVICES") == "1":
        problem = _services_problem()
        if problem:
            pytest.exit(problem, returncode=3)


@pytest.fixture(autouse=True)
def _ledger_audit(request):
    """After every test that touches the database, the points ledger must still add up."""
    marker = request.node.get_closest_marker("django_db")
    names = request.fixturenames
    uses_db = marker is not None or "db" in names or "transactional_db" in names
    if not uses_db or request.node.get_closest_marker("ledger_corrupted"):
        yield
        return
    transactional = "transactional_db" in names or bool(marker and marker.kwargs.get("transaction"))
    request.getfixturevalue("transactional_db" if transactional else "db")
    yield
    from loyalty.audit import ledger_problems

    assert ledger_problems() == []


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Rate-limit counters, cached values and sent text messages never leak from one test
    into the next."""
    cache.clear()
    sms.outbox.clear()
    yield
    cache.clear()
    sms.outbox.clear()


@pytest.fixture(autouse=True)
def _english_after():
    """A test that activates a language (a request in Chinese leaves it active in the thread)
    never hands it to the next test."""
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture
def client() -> TwoStepClient:
    """pytest-django's client, whose `force_login` signs in with both steps where two-factor
    sign-in is asked (tests/two_factor.py); `force_login(user, second_step=False)` with one."""
    return TwoStepClient()


@pytest.fixture
def media_root(settings, tmp_path):
    """Uploaded files go to the test's own folder, gone with it."""
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def store(db):
    return create_store(code="downtown", name="Downtown")


@pytest.fixture
def customer(db):
    return create_customer(
        email="alice@example.com", first_name="Alice", last_name="Andersen", joined_at=LONG_AGO
    )


@pytest.fixture
def other_customer(db):
    return create_customer(
        email="bob@example.com", first_name="Bob", last_name="Brown", joined_at=LONG_AGO
    )


@pytest.fixture
def staff_user(store):
    roles_restore()
    return create_staff(email="staff@example.com", store=store)


@pytest.fixture
def manager_user(store):
    roles_restore()
    return create_manager(email="manager@example.com", store=store)


@pytest.fixture
def superuser(db):
    """Who sees the admin's System section (the ledger's tables, the outbox, API keys)."""
    from members.models import User

    return User.objects.create_superuser(email="root@example.com", password="pw-root-123456")


@pytest.fixture
def plain_user(db):
    """Signed in, but neither a member nor in a staff group."""
    from members.models import User

    return User.objects.create_user(email="nobody@example.com", password="pw-nobody-123")


@pytest.fixture
def apple_wallet(settings):
    """Apple Wallet configured with the test CA's pass type certificate (tests/wallet.py)."""
    return configure_apple(settings)


@pytest.fixture
def google_wallet(settings):
    """Google Wallet configured with the test service account (tests/wallet.py)."""
    configure_google(settings)
    return google_key().public_key()


@pytest.fixture(autouse=True)
def _fresh_wallet_outbox():
    backends.pushes_sent.clear()
    backends.google_objects_sent.clear()
    yield
    backends.pushes_sent.clear()
    backends.google_objects_sent.clear()
