"""Rate limits per API key and per signed-in member; 429 with `Retry-After` past them.

Rates come from `REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]` (scopes `api_key`, `api_member`), read
on every request so that a settings override takes effect at once.
"""

import logging

from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle

from loyalty.models import ApiKey

logger = logging.getLogger(__name__)


class _SettingsRateThrottle(SimpleRateThrottle):
    def get_rate(self) -> str | None:
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)

    def allow_request(self, request, view) -> bool:
        try:
            return super().allow_request(request, view)
        except Exception:
            # The counters live in the cache (Redis in production). With it down, tills keep
            # recording sales unlimited rather than every request failing.
            logger.warning("API rate limit not checked: the cache is unreachable", exc_info=True)
            return True


class ApiKeyRateThrottle(_SettingsRateThrottle):
    scope = "api_key"

    def get_cache_key(self, request, view) -> str | None:
        if not isinstance(request.auth, ApiKey):
            return None
        return self.cache_format % {"scope": self.scope, "ident": request.auth.pk}


class MemberRateThrottle(_SettingsRateThrottle):
    scope = "api_member"

    def get_cache_key(self, request, view) -> str | None:
        if isinstance(request.auth, ApiKey) or not request.user.is_authenticated:
            return None
        return self.cache_format % {"scope": self.scope, "ident": request.user.pk}
