"""Benchmarks (`python -m bench`, `make bench`): production-like, but runnable on one machine.

DEBUG off, PostgreSQL and Redis required (never SQLite or the file broker), a fixed secret
key that is for the benchmark only, and `bench.urls`, which adds the floor endpoints the
benchmark compares against. Never deploy with these settings.
"""

from loyalty.settings.base import *  # noqa: F403
from loyalty.settings.base import LOGGING, REST_FRAMEWORK, env

DEBUG = False
SECRET_KEY = "bench-only-not-secret-never-deploy"  # noqa: S105
ALLOWED_HOSTS = ["localhost", "127.0.0.1"]
ROOT_URLCONF = "bench.urls"

DATABASES = {
    "default": env.db_url(
        "BENCH_DATABASE_URL", default="postgres://postgres@127.0.0.1:5432/loyalty_bench"
    )
}
DATABASES["default"]["CONN_MAX_AGE"] = 60
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

REDIS_URL = env.str("REDIS_URL", default="redis://127.0.0.1:6379/0")
CACHES = {
    "default": {
        "BACKEND": "loyalty.platform.cache.FailOpenRedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": "loyalty-bench",
    }
}
CELERY_BROKER_URL = REDIS_URL
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
# The scale-out workload waits for the nightly tasks' results and where they ran.
CELERY_TASK_IGNORE_RESULT = False
CELERY_RESULT_BACKEND = REDIS_URL
CELERY_RESULT_EXTENDED = True

# Emails stay in the outbox table; nothing is sent during a benchmark.
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"

# The load generator is one client with one key: the per-key rate limit would measure itself.
# The throttle still runs (a Redis round trip per request), only its limit is out of reach.
REST_FRAMEWORK = {
    **REST_FRAMEWORK,
    "DEFAULT_THROTTLE_RATES": {"api_key": "1000000/minute", "api_member": "1000000/minute"},
}

LOGGING = {**LOGGING, "root": {**LOGGING["root"], "level": "WARNING"}}
