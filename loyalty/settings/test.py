"""The test suite. PostgreSQL and Redis when DATABASE_URL / REDIS_URL are set, SQLite otherwise."""

from loyalty.settings.base import *  # noqa: F403
from loyalty.settings.base import env

DEBUG = False
SECRET_KEY = "test-only-not-secret"  # noqa: S105
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
ACCOUNT_EMAIL_VERIFICATION = env.str("ACCOUNT_EMAIL_VERIFICATION", default="mandatory")
# Two-factor sign-in is required, as in production; a test that needs it off says so.
LOYALTY_MFA_REQUIRED = True
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
LOYALTY_SMS_BACKEND = "loyalty.platform.sms.LocmemBackend"  # sent messages in sms.outbox
CELERY_TASK_ALWAYS_EAGER = False
WHITENOISE_AUTOREFRESH = True  # serve from the finders; no collectstatic before tests
if not env.str("REDIS_URL", default=""):
    # One test process's rate-limit counters stay its own.
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# What the wallet sends is kept in members.wallet.backends' lists.
LOYALTY_WALLET_PUSH_BACKEND = "members.wallet.backends.LocmemPushBackend"
LOYALTY_WALLET_GOOGLE_BACKEND = "members.wallet.backends.LocmemGoogleBackend"
