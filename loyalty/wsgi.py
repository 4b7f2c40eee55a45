"""WSGI entry point (gunicorn loyalty.wsgi); the settings every entry point reads
(`loyalty/settings/__init__.py`)."""

from django.core.wsgi import get_wsgi_application

from loyalty.settings import settings_module_setdefault

settings_module_setdefault()

application = get_wsgi_application()
