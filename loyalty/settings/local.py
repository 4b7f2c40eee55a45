"""Development on one machine: `make run`."""

from loyalty.settings.base import *  # noqa: F403
from loyalty.settings.base import DEVELOPMENT_SECRET_KEY, env

DEBUG = env.bool("DJANGO_DEBUG", default=True)
# A fixed key is fine on a developer's machine only; production refuses it.
SECRET_KEY = env.str("DJANGO_SECRET_KEY", default=DEVELOPMENT_SECRET_KEY)
# The demo's logins stay one step (README): two-factor sign-in is asked of nobody unless
# LOYALTY_MFA_REQUIRED=true. Anyone may still turn it on for their own account.
LOYALTY_MFA_REQUIRED = env.bool("LOYALTY_MFA_REQUIRED", default=False)
