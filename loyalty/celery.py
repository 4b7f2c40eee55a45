"""The Celery application; its settings are the CELERY_* names in Django's settings, read from
the module every entry point reads (`loyalty/settings/__init__.py`)."""

from celery import Celery
from django.conf import settings

from loyalty.settings import settings_module_setdefault

settings_module_setdefault()

app = Celery("loyalty")
app.config_from_object("django.conf:settings", namespace="CELERY")
# Every installed app's `tasks` module, and those of the engine's own top floors (the API, the
# back office), which are packages inside `loyalty` rather than apps of their own.
app.autodiscover_tasks(
    lambda: [*settings.INSTALLED_APPS, "loyalty.api", "loyalty.backoffice"], force=False
)
