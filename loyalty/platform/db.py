"""Database helpers that are not the domain: transactions that retry a deadlock."""

import logging
import random
import time
from collections.abc import Callable
from contextvars import ContextVar
from functools import wraps
from typing import TypeVar

from django.db import OperationalError, connection, transaction

from loyalty.platform.errors import TryAgain

logger = logging.getLogger(__name__)

T = TypeVar("T")
MAX_ATTEMPTS = 5
# PostgreSQL: deadlock_detected, serialization_failure; SQLite: a writer that waited too long.
_RETRYABLE_SQLSTATES = {"40P01", "40001"}


def _is_retryable(error: OperationalError) -> bool:
    cause = error.__cause__
    if getattr(cause, "sqlstate", None) in _RETRYABLE_SQLSTATES:
        return True
    return "database is locked" in str(error)


# True while a service decorated below runs in its transaction (this thread or task).
_inside_service: ContextVar[bool] = ContextVar("inside_service", default=False)


def _as_service(function: Callable[..., T], args, kwargs) -> T:
    token = _inside_service.set(True)
    try:
        return function(*args, **kwargs)
    finally:
        _inside_service.reset(token)


def atomic_with_retry(function: Callable[..., T]) -> Callable[..., T]:
    """Run `function` in a transaction; retry a deadlock or serialization failure a few times.

    Inside a caller's transaction there is nothing to retry here: the failure goes up to the
    outermost service. A service called by another service joins its transaction without a
    savepoint of its own (a failure fails the caller, which catches domain errors only around a
    savepoint it opens itself); called inside any other transaction (a test's, a view's) it
    runs in a savepoint. When the attempts run out the caller gets `TryAgain`, never a 500.
    """

    @wraps(function)
    def wrapper(*args, **kwargs):
        if connection.in_atomic_block:
            if _inside_service.get():
                return function(*args, **kwargs)
            with transaction.atomic():
                return _as_service(function, args, kwargs)
        for attempt in range(1, MAX_ATTEMPTS + 1):
            try:
                with transaction.atomic():
                    return _as_service(function, args, kwargs)
            except OperationalError as error:
                if not _is_retryable(error):
                    raise
                logger.warning(
                    "%s: retrying after %s (attempt %d)", function.__name__, error, attempt
                )
                if attempt == MAX_ATTEMPTS:
                    raise TryAgain() from error
                time.sleep(random.uniform(0.005, 0.02) * attempt)  # noqa: S311 - jitter, not security
        raise AssertionError("unreachable")

    return wrapper
