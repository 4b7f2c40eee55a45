"""The settings modules: base (everything), local (`make run`), test, bench and production.

Which one a process reads is chosen in one place, here, for every entry point alike (manage.py,
the Celery app, wsgi, asgi): DJANGO_SETTINGS_MODULE when it is set, else production. So a worker
or a `manage.py` command started on a server without the variable reads the same settings as
the web processes, and production's refusals stop it the same way; `make run` and the test
suite name their own module.
"""

import os

DEFAULT_SETTINGS_MODULE = "loyalty.settings.production"


def settings_module_setdefault() -> str:
    """DJANGO_SETTINGS_MODULE, set to production when the environment names none."""
    return os.environ.setdefault("DJANGO_SETTINGS_MODULE", DEFAULT_SETTINGS_MODULE)
