"""Production: everything from the environment, and no start with a configuration that is unsafe.

Every entry point (manage.py, the Celery app, wsgi, asgi) reads these settings unless
DJANGO_SETTINGS_MODULE names others (`loyalty/settings/__init__.py`).
"""

from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured

from loyalty.settings.base import *  # noqa: F403
from loyalty.settings.base import DATABASES, DEVELOPMENT_SECRET_KEY, env

_REQUIRED = (
    "DJANGO_SECRET_KEY",
    "DJANGO_ALLOWED_HOSTS",
    "DATABASE_URL",
    "REDIS_URL",
    "LOYALTY_BASE_URL",
    # Phone codes go out by text message; no default, so that they never land in files on a
    # server by accident (docs/deploy.md, "Text messages").
    "LOYALTY_SMS_BACKEND",
)
# As long as Django's own deployment check asks (security.W009).
SECRET_KEY_MIN_LENGTH = 50


def _refusals() -> list[str]:
    """What makes this environment unsafe to serve from, each in words an operator acts on."""
    missing = [name for name in _REQUIRED if not env.str(name, default="").strip()]
    if missing:
        return [
            "Production settings need these environment variables: "
            + ", ".join(missing)
            + " (for development on one machine use DJANGO_SETTINGS_MODULE="
            "loyalty.settings.local, as `make run` does)"
        ]
    problems = []
    key = env.str("DJANGO_SECRET_KEY")
    if key == DEVELOPMENT_SECRET_KEY:
        problems.append(
            "DJANGO_SECRET_KEY is the development key published in the repository; "
            "generate a new one"
        )
    elif len(key) < SECRET_KEY_MIN_LENGTH or len(set(key)) < 5:
        problems.append(
            f"DJANGO_SECRET_KEY is too short or too simple: it needs at least "
            f"{SECRET_KEY_MIN_LENGTH} random characters"
        )
    if any(host.strip() == "*" for host in env.list("DJANGO_ALLOWED_HOSTS")):
        problems.append("DJANGO_ALLOWED_HOSTS may not contain '*': name the site's host names")
    base_url = urlsplit(env.str("LOYALTY_BASE_URL").strip())
    if base_url.scheme not in ("http", "https") or not base_url.hostname:
        problems.append(
            "LOYALTY_BASE_URL must be the portal's public address, such as "
            "https://loyalty.example.com"
        )
    if env.str("LOYALTY_SMS_BACKEND").strip() == "loyalty.platform.sms.LocmemBackend":
        problems.append(
            "LOYALTY_SMS_BACKEND is the test suite's in-memory backend, which sends nothing; "
            "name the provider's backend (or loyalty.platform.sms.FileBackend on purpose)"
        )
    if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
        problems.append("Production settings need DATABASE_URL to point at PostgreSQL")
    return problems


_problems = _refusals()
if _problems:
    raise ImproperlyConfigured("; ".join(_problems) + ".")

DEBUG = False
SECRET_KEY = env.str("DJANGO_SECRET_KEY")
ALLOWED_HOSTS = [host.strip() for host in env.list("DJANGO_ALLOWED_HOSTS") if host.strip()]
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
# Program managers and superusers (and store staff, when the program setting says so) always
# pass the second sign-in step here; LOYALTY_MFA_REQUIRED is not read.
LOYALTY_MFA_REQUIRED = True

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
# The header alone adds no site to browsers' preload lists; that takes a submission by the operator.
SECURE_HSTS_PRELOAD = env.bool("DJANGO_SECURE_HSTS_PRELOAD", default=True)
# The rest of the headers (CSP, X-Frame-Options, nosniff, referrer policy) come from base.
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
LANGUAGE_COOKIE_SECURE = True

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
