"""Lighthouse (`make lighthouse`, tools/lighthouse/run.py): production-like, on one machine.

What a member's browser receives is what production sends: DEBUG off, the hashed and
compressed static files of production's storage, served by WhiteNoise, the same security
headers. What differs is only what a server needs and a measurement does not: its own SQLite
database, cache and broker under LOYALTY_VAR_DIR (run.py points it at var/lighthouse/site/), a
fixed key that signs nothing that matters, plain HTTP on 127.0.0.1, one-step log-in for the
demo member, and the uploaded reward pictures served by WhiteNoise (from WHITENOISE_ROOT, read
when the server starts) where production has its web server serve MEDIA_ROOT. Never deploy
with these settings.
"""

from loyalty.settings.base import *  # noqa: F403
from loyalty.settings.base import VAR_DIR

DEBUG = False
SECRET_KEY = "lighthouse-only-not-secret-never-deploy-5c1e0f7a9b2d4e68"  # noqa: S105
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
LOYALTY_MFA_REQUIRED = False

# Whatever DATABASE_URL or REDIS_URL the shell has, the measurement never writes there.
DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": VAR_DIR / "loyalty.sqlite3",
        "OPTIONS": {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        },
    }
}
REDIS_URL = ""
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
CELERY_BROKER_URL = "filesystem://"
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "data_folder_in": str(VAR_DIR / "broker" / "in"),
    "data_folder_out": str(VAR_DIR / "broker" / "in"),
    "processed_folder": str(VAR_DIR / "broker" / "processed"),
    "store_processed": False,
    "control_folder": str(VAR_DIR / "broker" / "control"),
}
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"

# /media/… from VAR_DIR/public/media/, as a web server in front of production would serve it.
WHITENOISE_ROOT = VAR_DIR / "public"
MEDIA_ROOT = WHITENOISE_ROOT / "media"

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
