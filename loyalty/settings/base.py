"""Settings shared by every environment.

Deployment knobs come from environment variables (documented in `.env.example` and the README);
program tunables that managers change live in the database and are edited in the admin.
With no variable set, everything runs on one machine: SQLite, a file-system Celery broker and
emails written to files, all under `var/`.
"""

from pathlib import Path

import environ
import phonenumbers
from celery.schedules import crontab
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
VAR_DIR = Path(env.str("LOYALTY_VAR_DIR", default=str(BASE_DIR / "var")))

DEBUG = env.bool("DJANGO_DEBUG", default=False)
SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="")
# Published with the code, so it signs nothing that matters: local settings fall back on it and
# production settings refuse it.
DEVELOPMENT_SECRET_KEY = "local-development-only-not-secret-0b6f1c2e9a7d4e58"  # noqa: S105
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    # Before the admin: program content in each language (<app>/translation.py).
    "modeltranslation",
    # Django's admin on the program's own site: sections by task, a dashboard, the brand.
    "loyalty.backoffice.admin_config.LoyaltyAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "csp",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "loyalty",
    "members",
    "rewards",
    "referrals",
    "engagement",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "loyalty.platform.site_data.ClearSiteDataOnUserChangeMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "loyalty.platform.languages.ChosenLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "loyalty.middleware.ProgramSettingsOncePerRequestMiddleware",
    "loyalty.middleware.TwoFactorRequiredMiddleware",
    "loyalty.platform.middleware.DatabaseUnavailableMiddleware",
]

ROOT_URLCONF = "loyalty.urls"
WSGI_APPLICATION = "loyalty.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "loyalty.context_processors.program",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
# SQLite by default. WAL lets readers run beside the one writer; IMMEDIATE transactions take
# the write lock when they begin (instead of failing on upgrade), and the busy timeout makes the
# web server and the worker wait for each other rather than raise "database is locked".
SQLITE_PATH = VAR_DIR / "loyalty.sqlite3"
DATABASES = {
    "default": env.db_url(
        "DATABASE_URL",
        default=f"sqlite:///{SQLITE_PATH}",
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache (allauth's rate limits count here, so it must be shared between processes) --------
# Failing open (loyalty/cache.py): with Redis down, limits lift and nothing answers 500.
REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "loyalty.platform.cache.FailOpenRedisCache",
            "LOCATION": env.str("CACHE_REDIS_URL", default=REDIS_URL),
            "KEY_PREFIX": "loyalty",
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(VAR_DIR / "cache"),
        }
    }

# --- Users and sign-in ----------------------------------------------------------------------
AUTH_USER_MODEL = "members.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "members:dashboard"

ACCOUNT_ADAPTER = "members.adapter.AccountAdapter"
ACCOUNT_SIGNUP_FORM_CLASS = "members.forms.SignupDetailsForm"
# allauth's forms in the site's words (sentence-case labels, no placeholders).
ACCOUNT_FORMS = {
    "signup": "members.account_forms.SignupForm",
    "login": "members.account_forms.LoginForm",
    "change_password": "members.account_forms.ChangePasswordForm",
    "reset_password_from_key": "members.account_forms.ResetPasswordKeyForm",
    "set_password": "members.account_forms.SetPasswordForm",
    "reset_password": "members.account_forms.ResetPasswordForm",
    "add_email": "members.account_forms.AddEmailForm",
    "reauthenticate": "members.account_forms.ReauthenticateForm",
}
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = env.str("ACCOUNT_EMAIL_VERIFICATION", default="optional")
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_SESSION_REMEMBER = None
ACCOUNT_RATE_LIMITS = {
    # allauth's defaults, written out so that they are visibly on.
    "change_password": "5/m/user",
    "manage_email": "10/m/user",
    "reset_password": "20/m/ip,5/m/key",
    "reauthenticate": "10/m/user",
    "reset_password_from_key": "20/m/ip",
    "signup": "20/m/ip",
    "login": "30/m/ip",
    "login_failed": "10/m/ip,5/5m/key",
    "confirm_email": "1/3m/key",
}
# Two-factor sign-in (allauth.mfa): an authenticator app (TOTP) and recovery codes, pages that
# work without JavaScript. WebAuthn (security keys, passkeys) is left out for now: it works only
# with JavaScript, and nothing in the test suite could drive a real authenticator.
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = env.str("LOYALTY_PROGRAM_NAME", default="Loyalty")
# Program managers and superusers (and store staff, when the program setting says so) pass the
# second step before any /admin/, /staff/ or /manage/ page opens
# (loyalty/middleware.py TwoFactorRequiredMiddleware). Always on in production.
LOYALTY_MFA_REQUIRED = env.bool("LOYALTY_MFA_REQUIRED", default=True)
LOYALTY_SIGNUP_OPEN = env.bool("LOYALTY_SIGNUP_OPEN", default=True)
ACCOUNT_EMAIL_SUBJECT_PREFIX = env.str("ACCOUNT_EMAIL_SUBJECT_PREFIX", default="")

# --- Security headers -----------------------------------------------------------------------
# Every environment; production adds HTTPS-only cookies, HSTS and the redirect to https.
# No page needs inline script or style: scripts and styles are files under static/, the QR
# codes and charts are SVG elements, and the Django admin uses no inline script.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "img-src": [SELF, "data:"],
        "script-src": [SELF],
        "style-src": [SELF],
        "form-action": [SELF],
        # The member's app (members/app_views.py): default-src would allow both; said outright.
        "manifest-src": [SELF],
        "worker-src": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [SELF],
        "object-src": [NONE],
    }
}
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
# No script reads the CSRF cookie: forms and purchase.js send the token from the form.
CSRF_COOKIE_HTTPONLY = True
# Behind N reverse proxies, the client's address is the Nth from the right in
# X-Forwarded-For; 0 means REMOTE_ADDR. Rate limits per IP and the referral checks
# (loyalty/platform/http.py client_ip) count on it, so set it to the number of proxies that
# append to X-Forwarded-For, never more.
ALLAUTH_TRUSTED_PROXY_COUNT = env.int("DJANGO_TRUSTED_PROXY_COUNT", default=0)

# --- Email ----------------------------------------------------------------------------------
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Loyalty <loyalty@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
EMAIL_URL = env.str("EMAIL_URL", default="")
if EMAIL_URL:
    vars().update(environ.Env.email_url_config(EMAIL_URL))
else:
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = str(VAR_DIR / "mail")

# --- Text messages (SMS) --------------------------------------------------------------------
# The one-time codes that verify a member's phone number. Like EMAIL_BACKEND: a dotted path to a
# class with `send_messages(messages)` (loyalty/platform/sms.py). On one machine the codes are
# written to files under var/sms/; production settings refuse to start until this is set.
# (An empty variable, as .env.example leaves it, means the default.)
LOYALTY_SMS_BACKEND = (
    env.str("LOYALTY_SMS_BACKEND", default="").strip() or "loyalty.platform.sms.FileBackend"
)
LOYALTY_SMS_FILE_PATH = env.str("LOYALTY_SMS_FILE_PATH", default="").strip() or str(VAR_DIR / "sms")
# Numbers typed without a country code are read in this region (ISO 3166 code, such as "US").
LOYALTY_PHONE_REGION = (env.str("LOYALTY_PHONE_REGION", default="").strip() or "US").upper()
if LOYALTY_PHONE_REGION not in phonenumbers.SUPPORTED_REGIONS:
    raise ImproperlyConfigured(
        f"LOYALTY_PHONE_REGION must be a two-letter region code such as US or GB, "
        f"not {LOYALTY_PHONE_REGION!r}."
    )

# --- Web push ---------------------------------------------------------------------------------
# Notifications on the member's phone, beside the email (loyalty/services/push.py). The VAPID
# key pair identifies this server to the browsers' push services: `python manage.py vapid_keys`
# prints a new one. Both keys unset: no push at all (the profile offers none, the endpoints 404).
LOYALTY_VAPID_PUBLIC_KEY = env.str("LOYALTY_VAPID_PUBLIC_KEY", default="").strip()
LOYALTY_VAPID_PRIVATE_KEY = env.str("LOYALTY_VAPID_PRIVATE_KEY", default="").strip()
# Who the push services may write to about this server: mailto: or https:. Default: the
# DEFAULT_FROM_EMAIL address.
LOYALTY_VAPID_SUBJECT = env.str("LOYALTY_VAPID_SUBJECT", default="").strip()
if bool(LOYALTY_VAPID_PUBLIC_KEY) != bool(LOYALTY_VAPID_PRIVATE_KEY):
    raise ImproperlyConfigured(
        "Set both LOYALTY_VAPID_PUBLIC_KEY and LOYALTY_VAPID_PRIVATE_KEY for web push, or neither "
        "(python manage.py vapid_keys prints a new pair)."
    )
# Push services are https; only the tests' local push service is http.
LOYALTY_PUSH_ALLOW_HTTP = False
LOYALTY_PUSH_TTL_SECONDS = env.int("LOYALTY_PUSH_TTL_SECONDS", default=24 * 60 * 60)

# --- The card in the phone's wallet (members/wallet/) ---------------------------------------
# Apple Wallet: the pass type's certificate and key (a file path or the PEM itself), Apple's
# WWDR intermediate certificate, the pass type identifier and team identifier. With any of them
# missing the card page offers no Apple Wallet pass. LOYALTY_WALLET_WEB_SERVICE_URL is the
# site's public https address of /wallet/ that devices ask for updates (the PassKit web
# service); without it passes are static.
LOYALTY_WALLET_APPLE_PASS_TYPE_ID = env.str("LOYALTY_WALLET_APPLE_PASS_TYPE_ID", default="").strip()
LOYALTY_WALLET_APPLE_TEAM_ID = env.str("LOYALTY_WALLET_APPLE_TEAM_ID", default="").strip()
LOYALTY_WALLET_APPLE_CERTIFICATE = env.str("LOYALTY_WALLET_APPLE_CERTIFICATE", default="").strip()
LOYALTY_WALLET_APPLE_KEY = env.str("LOYALTY_WALLET_APPLE_KEY", default="").strip()
LOYALTY_WALLET_APPLE_KEY_PASSWORD = env.str("LOYALTY_WALLET_APPLE_KEY_PASSWORD", default="")
LOYALTY_WALLET_APPLE_WWDR_CERTIFICATE = env.str(
    "LOYALTY_WALLET_APPLE_WWDR_CERTIFICATE", default=""
).strip()
LOYALTY_WALLET_WEB_SERVICE_URL = env.str("LOYALTY_WALLET_WEB_SERVICE_URL", default="").strip()
# Where "this pass changed" pushes go: a dotted path to a class with `send(pushes)`
# (members/wallet/backends.py). The default writes JSON lines under var/wallet/.
LOYALTY_WALLET_PUSH_BACKEND = (
    env.str("LOYALTY_WALLET_PUSH_BACKEND", default="").strip()
    or "members.wallet.backends.FilePushBackend"
)
# Google Wallet: the issuer id and the service account's JSON key (a file path or the JSON).
LOYALTY_WALLET_GOOGLE_ISSUER_ID = env.str("LOYALTY_WALLET_GOOGLE_ISSUER_ID", default="").strip()
LOYALTY_WALLET_GOOGLE_SERVICE_ACCOUNT = env.str(
    "LOYALTY_WALLET_GOOGLE_SERVICE_ACCOUNT", default=""
).strip()
# Where updated loyalty objects go (members/wallet/backends.py); default JSON lines in var/wallet/.
LOYALTY_WALLET_GOOGLE_BACKEND = (
    env.str("LOYALTY_WALLET_GOOGLE_BACKEND", default="").strip()
    or "members.wallet.backends.FileGoogleBackend"
)
LOYALTY_WALLET_FILE_PATH = env.str("LOYALTY_WALLET_FILE_PATH", default="").strip() or str(
    VAR_DIR / "wallet"
)

# --- Internationalisation and the program ---------------------------------------------------
# The portal's languages: each has its catalogue in locale/<code>/LC_MESSAGES (README, "Adding a
# language"). A visitor's language comes from their choice (the footer's switcher, kept in a
# cookie and, for a member, in the profile), else from the browser's Accept-Language. URLs carry
# no language prefix. Each language is named in itself, so that a reader finds their own.
LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("zh-hans", "简体中文"), ("tr", "Türkçe")]
LOCALE_PATHS = [BASE_DIR / "locale"]
LANGUAGE_COOKIE_AGE = 365 * 24 * 60 * 60
# What managers write (reward names, tier benefits, ...) has a column per language beside the
# row (django-modeltranslation: no join, no extra query); a language left empty shows English.
MODELTRANSLATION_DEFAULT_LANGUAGE = "en"
MODELTRANSLATION_FALLBACK_LANGUAGES = ("en",)
LANGUAGE_COOKIE_SAMESITE = "Lax"
USE_I18N = True
USE_TZ = True
# The program's time zone: "end of day / month" for points means here.
TIME_ZONE = env.str("LOYALTY_TIME_ZONE", default="UTC")
LOYALTY_CURRENCY = env.str("LOYALTY_CURRENCY", default="USD").upper()
LOYALTY_PROGRAM_NAME = env.str("LOYALTY_PROGRAM_NAME", default="Loyalty")
# Where members reach the portal: links in emails are built on it.
LOYALTY_BASE_URL = env.str("LOYALTY_BASE_URL", default="http://127.0.0.1:8000")

# --- Static and media files -----------------------------------------------------------------
STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = VAR_DIR / "static"
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(VAR_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# --- Celery ---------------------------------------------------------------------------------
# Redis in production; kombu's file-system transport when no REDIS_URL is set, so that
# `make run` needs no service at all.
BROKER_DIR = VAR_DIR / "broker"
# A task not acknowledged within the visibility timeout is handed to another worker; task
# retries are kept well below it (tests/test_tasks.py checks).
CELERY_VISIBILITY_TIMEOUT = 3600
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": CELERY_VISIBILITY_TIMEOUT}
else:
    CELERY_BROKER_URL = "filesystem://"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(BROKER_DIR / "in"),
        "data_folder_out": str(BROKER_DIR / "in"),
        "processed_folder": str(BROKER_DIR / "processed"),
        "store_processed": False,
        # Without it kombu keeps its exchange state in ./control, in the working tree.
        "control_folder": str(BROKER_DIR / "control"),
    }
CELERY_BROKER_CONNECTION_TIMEOUT = env.float("CELERY_BROKER_CONNECTION_TIMEOUT", default=3.0)
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE = {
    "release-pending-points": {
        "task": "loyalty.release_pending_points",
        "schedule": crontab(minute=5),
    },
    "send-pending-emails": {
        "task": "loyalty.send_pending_emails",
        "schedule": 60.0,
    },
    "send-pending-pushes": {
        "task": "loyalty.send_pending_pushes",
        "schedule": 60.0,
    },
    "remind-expiring-vouchers": {
        "task": "rewards.remind_expiring_vouchers",
        "schedule": crontab(hour=9, minute=0),
    },
    "expire-points": {
        "task": "loyalty.expire_points",
        "schedule": crontab(hour=0, minute=10),
    },
    "send-expiry-reminders": {
        "task": "loyalty.send_expiry_reminders",
        "schedule": crontab(hour=10, minute=0),
    },
    "send-birthday-rewards": {
        "task": "loyalty.send_birthday_rewards",
        "schedule": crontab(hour=8, minute=0),
    },
    "recalculate-tiers": {
        "task": "loyalty.recalculate_tiers",
        "schedule": crontab(hour=2, minute=30),
    },
    "prune-idempotency-keys": {
        "task": "loyalty.prune_idempotency_keys",
        "schedule": crontab(hour=3, minute=30),
    },
    "refresh-report": {
        "task": "loyalty.refresh_report",
        "schedule": crontab(minute="*/10"),
    },
    "expire-vouchers": {
        "task": "rewards.expire_vouchers",
        "schedule": crontab(minute=15),
    },
    "update-wallet-passes": {
        "task": "members.update_wallet_passes",
        "schedule": 300.0,
    },
}

# --- REST API -------------------------------------------------------------------------------
# `/api/v1/` for tills and web shops (per-store API keys) and signed-in members (session).
# Each view names its authentication, permissions and throttles (loyalty/api/views/); the
# defaults below only make any other DRF view safe (session only, signed in, JSON only).
REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_AUTHENTICATION_CLASSES": ["loyalty.api.authentication.MemberSessionAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["loyalty.api.parsers.BoundedJSONParser"],
    "EXCEPTION_HANDLER": "loyalty.api.errors.api_exception_handler",
    "DEFAULT_THROTTLE_RATES": {
        "api_key": env.str("API_KEY_THROTTLE_RATE", default="600/minute"),
        "api_member": env.str("API_MEMBER_THROTTLE_RATE", default="120/minute"),
    },
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}
# The largest API body read (a basket of MAX_LINES full lines is about 200 KB).
LOYALTY_API_MAX_BODY_BYTES = env.int("LOYALTY_API_MAX_BODY_BYTES", default=512 * 1024)
SPECTACULAR_SETTINGS = {
    "TITLE": "Loyalty portal API",
    "VERSION": "1.0.0",
    "DESCRIPTION": (BASE_DIR / "loyalty" / "api" / "DESCRIPTION.md").read_text(),
    "SERVE_INCLUDE_SCHEMA": False,
    # Swagger UI from the installed drf-spectacular-sidecar, never from a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SERVE_AUTHENTICATION": [],
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "loyalty.api.schema.postprocess_schema",
    ],
    "ENUM_NAME_OVERRIDES": {
        "EntryKindEnum": "loyalty.models.EntryKind",
        "RewardKindEnum": "rewards.models.RewardKind",
        "LimitPeriodEnum": "rewards.models.LimitPeriod",
        "RedemptionStatusEnum": "rewards.models.RedemptionStatus",
        "RedemptionChannelEnum": "rewards.models.RedemptionChannel",
    },
    "TAGS": [
        {"name": "members", "description": "Find members and read their points."},
        {"name": "purchases", "description": "Record purchases and returns; preview points."},
        {"name": "rewards", "description": "The reward catalogue."},
        {"name": "redemptions", "description": "Spend points on rewards; void a redemption."},
        {"name": "vouchers", "description": "Check and use the vouchers members show."},
        {"name": "me", "description": "The signed-in member's own points and vouchers."},
    ],
}

# --- Logging --------------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
}
