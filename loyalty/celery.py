"""The Celery application; its settings are the CELERY_* names in Django's settings."""

import os

from celery import Celery
from django.conf import settings

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "loyalty.settings.local")

app = Celery("loyalty")
app.config_from_object("django.conf:settings", namespace="CELERY")
# Every installed app's `tasks` module, and those of the engine's own top floors (the API, the
# back office), which are packages inside `loyalty` rather than apps of their own.
app.autodiscover_tasks(
    lambda: [*settings.INSTALLED_APPS, "loyalty.api", "loyalty.backoffice"], force=False
)
