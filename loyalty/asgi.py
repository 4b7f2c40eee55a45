"""ASGI entry point; the settings every entry point reads (`loyalty/settings/__init__.py`)."""

from django.core.asgi import get_asgi_application

from loyalty.settings import settings_module_setdefault

settings_module_setdefault()

application = get_asgi_application()
