"""Development on one machine: `make run`."""

from loyalty.settings.base import *  # noqa: F403
from loyalty.settings.base import env

DEBUG = env.bool("DJANGO_DEBUG", default=True)
# A fixed key is fine on a developer's machine only; production refuses to start without one.
SECRET_KEY = env.str(
    "DJANGO_SECRET_KEY", default="local-development-only-not-secret-0b6f1c2e9a7d4e58"
)
