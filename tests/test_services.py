"""CI sets REQUIRE_SERVICES=1: then the suite really runs on PostgreSQL and Redis."""

import os

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import connection

requires_services = pytest.mark.skipif(
    os.environ.get("REQUIRE_SERVICES") != "1", reason="only when REQUIRE_SERVICES=1"
)


@requires_services
def test_the_suite_runs_on_postgresql():
    assert connection.vendor == "postgresql"


@requires_services
def test_the_cache_and_broker_are_redis():
    cache.set("services-check", 42)
    assert cache.get("services-check") == 42
    assert settings.CACHES["default"]["BACKEND"] == "loyalty.platform.cache.FailOpenRedisCache"
    assert settings.CELERY_BROKER_URL.startswith("redis://")
