"""Cache-counted rate limits for what allauth's limits do not cover.

- the Django admin's log-in (`admin_login_limited`): failed attempts per client IP and per
  email typed;
- the staff desk's lookups (`staff_lookup_allowed`): member searches and voucher checks per
  signed-in user, so that guessing card numbers or voucher codes is throttled and logged;
- the referral landing, per client IP; the phone codes sent by text message (`PHONE_CODES`),
  per member and per number.

Counters live in the default cache, so every web process shares them (Redis in production,
see `CACHES`). Each limit is a fixed window: the key names the window, `cache.add` creates the
counter and `cache.incr` counts, so a counter never outlives its window whatever the backend
does to expiry on `incr`. On Redis (and the in-memory cache of the tests) both are atomic: two
processes never lose a hit. The file cache of a one-machine setup may lose one under a race.
"""

import hashlib
import logging
import math
import time
from dataclasses import dataclass
from functools import wraps

from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from loyalty.platform.http import client_ip

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Limit:
    """At most `count` hits per `period` seconds for each identity."""

    name: str
    count: int
    period: int


ADMIN_LOGIN_FAILURES = Limit(name="admin-login-failed", count=5, period=5 * 60)
STAFF_LOOKUPS = Limit(name="staff-lookup", count=30, period=60)
# The public referral landing `/r/<code>/`: per client IP, so codes cannot be tried in bulk.
REFERRAL_LANDINGS = Limit(name="referral-landing", count=30, period=60)
# Phone verification codes sent by text message: per member and per number, so that nobody
# runs up the SMS bill or floods a stranger's phone (members/phones.py counts both).
PHONE_CODES = Limit(name="phone-code", count=3, period=15 * 60)


def _key(limit: Limit, identity: str, *, now: float) -> str:
    window = int(now // limit.period)
    # Hashed: an email or an IPv6 address can hold characters a cache key must not.
    digest = hashlib.sha256(identity.encode()).hexdigest()[:32]
    return f"ratelimit:{limit.name}:{window}:{digest}"


# With the cache down (Redis stopped), limits fail open: the counter desk and the admin keep
# working, each uncounted hit is logged, and counting resumes when the cache is back.


def _cache_down(error: Exception) -> None:
    logger.warning("Rate limit not counted: the cache did not answer (%s)", error)


def hits(limit: Limit, identity: str, *, now: float | None = None) -> int:
    """How many hits `identity` has made in the current window."""
    now = time.time() if now is None else now
    try:
        return cache.get(_key(limit, identity, now=now), 0)
    except Exception as error:  # any backend's connection error
        _cache_down(error)
        return 0


def hit(limit: Limit, identity: str, *, now: float | None = None) -> int:
    """Count one hit for `identity` and return the hits in the current window, this one included."""
    now = time.time() if now is None else now
    key = _key(limit, identity, now=now)
    try:
        # A little longer than the window, so a counter read at the window's end still exists.
        cache.add(key, 0, timeout=limit.period + 1)
        try:
            return cache.incr(key)
        except ValueError:
            # Evicted between add and incr: this hit starts the window again.
            cache.add(key, 1, timeout=limit.period + 1)
            return 1
    except Exception as error:  # any backend's connection error
        _cache_down(error)
        return 0


def reset(limit: Limit, identity: str, *, now: float | None = None) -> None:
    now = time.time() if now is None else now
    try:
        cache.delete(_key(limit, identity, now=now))
    except Exception as error:  # any backend's connection error
        _cache_down(error)


def retry_after(limit: Limit, *, now: float | None = None) -> int:
    """Seconds until the current window ends."""
    now = time.time() if now is None else now
    return max(1, math.ceil(limit.period - now % limit.period))


def _ip_key(request: HttpRequest) -> str:
    """The client's address, or "unknown", so that a rate limit always has a key."""
    return client_ip(request) or "unknown"


def too_many_requests(request: HttpRequest, *, message: str, limit: Limit) -> HttpResponse:
    response = render(request, "429.html", {"message": message}, status=429)
    response["Retry-After"] = str(retry_after(limit))
    return response


# --- The admin's log-in -------------------------------------------------------------------


def _admin_identities(request: HttpRequest) -> list[str]:
    identities = [f"ip:{_ip_key(request)}"]
    username = request.POST.get("username", "")
    if isinstance(username, str) and username.strip():
        identities.append(f"user:{username.strip().lower()[:254]}")
    return identities


def admin_login_limited(login_view):
    """Wrap `admin.site.login`: after 5 failed attempts in 5 minutes from one IP address, or
    for one email, further attempts get a 429 page until the window ends.

    A failure is a POST the admin answers with its form again (a success redirects). A success
    clears the email's counter, not the address's: one known password must not reset the count
    of guesses made at other accounts from the same address.
    """

    @wraps(login_view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if request.method != "POST":
            return login_view(request, *args, **kwargs)
        identities = _admin_identities(request)
        if any(
            hits(ADMIN_LOGIN_FAILURES, identity) >= ADMIN_LOGIN_FAILURES.count
            for identity in identities
        ):
            logger.warning(
                "Rate limit: admin log-in refused for %r from %s (too many failed attempts)",
                request.POST.get("username", ""),
                _ip_key(request),
            )
            return too_many_requests(
                request,
                message=_("Too many failed log-in attempts. Wait a few minutes, then try again."),
                limit=ADMIN_LOGIN_FAILURES,
            )
        response = login_view(request, *args, **kwargs)
        if response.status_code in {301, 302, 303}:
            if len(identities) > 1:
                reset(ADMIN_LOGIN_FAILURES, identities[1])
        else:
            for identity in identities:
                hit(ADMIN_LOGIN_FAILURES, identity)
        return response

    return wrapped


# --- Staff desk lookups -------------------------------------------------------------------
# Every search and voucher check counts; a page that names a member or voucher in its URL or
# form (the member summary, using or voiding a voucher) counts only when nothing matches, so
# that working through a found member's pages costs nothing. Once over the limit, every lookup
# is refused, found or not: a refusal that only came on misses would still tell them apart.


def _staff_identity(request: HttpRequest) -> str:
    return f"user:{request.user.pk}"


def _log_refusal(request: HttpRequest, *, what: str, count: int) -> None:
    logger.warning(
        "Rate limit: %s refused for user %s (%s) from %s: %d lookups this minute",
        what,
        request.user.pk,
        request.user.get_username(),
        _ip_key(request),
        count,
    )


def staff_lookup_allowed(request: HttpRequest, *, what: str) -> bool:
    """Count one lookup (`what`, e.g. "member search") by the signed-in user; False, and logged,
    once they made more than `STAFF_LOOKUPS.count` this minute. The caller then answers with
    `staff_lookup_refused`.
    """
    count = hit(STAFF_LOOKUPS, _staff_identity(request))
    if count <= STAFF_LOOKUPS.count:
        return True
    _log_refusal(request, what=what, count=count)
    return False


def staff_lookup_blocked(request: HttpRequest, *, what: str) -> bool:
    """True, and logged, when the user is already over the limit; counts nothing."""
    count = hits(STAFF_LOOKUPS, _staff_identity(request))
    if count <= STAFF_LOOKUPS.count:
        return False
    _log_refusal(request, what=what, count=count)
    return True


def staff_lookup_refused(request: HttpRequest) -> HttpResponse:
    return too_many_requests(
        request,
        message=_(
            "Too many lookups in a short time: %(count)d a minute is the most. Wait a minute, "
            "then try again. Lookups are logged; if you did not make these, tell a manager."
        )
        % {"count": STAFF_LOOKUPS.count},
        limit=STAFF_LOOKUPS,
    )


# --- The referral landing ----------------------------------------------------------------


def referral_landing_allowed(request: HttpRequest) -> bool:
    """Count one look at a referral link from the client's IP; False, and logged, once over
    `REFERRAL_LANDINGS.count` this minute (found codes and misses count alike)."""
    count = hit(REFERRAL_LANDINGS, f"ip:{_ip_key(request)}")
    if count <= REFERRAL_LANDINGS.count:
        return True
    logger.warning(
        "Rate limit: referral landing refused for %s: %d this minute", _ip_key(request), count
    )
    return False


# --- The wallet's web service -------------------------------------------------------------

# Devices asking for pass updates (PassKit web service, `/wallet/v1/`): per client IP, so that
# serial numbers and tokens cannot be tried in bulk.
WALLET_SERVICE = Limit(name="wallet-service", count=60, period=60)


def wallet_service_allowed(request: HttpRequest) -> bool:
    """Count one call of the wallet web service from the client's IP; False, and logged, once
    over `WALLET_SERVICE.count` this minute."""
    count = hit(WALLET_SERVICE, f"ip:{_ip_key(request)}")
    if count <= WALLET_SERVICE.count:
        return True
    logger.warning(
        "Rate limit: wallet service refused for %s: %d this minute", _ip_key(request), count
    )
    return False
