"""The program settings row and what follows from it: expiry dates, the program's clock."""

import calendar
import contextlib
import datetime
from contextvars import ContextVar
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone

from loyalty.models import ExpiryPolicy, ProgramSettings
from loyalty.platform.singleton import singleton_get

# Within one web request (ProgramSettingsOncePerRequestMiddleware) the row is read once: a page
# asks for it from its view, its helpers and the template context, and nothing is gained by
# re-reading it in between. Outside a request (tasks, commands, tests) every call reads it.
_request_memo: ContextVar[dict | None] = ContextVar("program_settings_memo", default=None)


@contextlib.contextmanager
def program_settings_once():
    """Inside the block, `program_settings_get` reads the row at most once."""
    token = _request_memo.set({})
    try:
        yield
    finally:
        _request_memo.reset(token)


def program_settings_forget() -> None:
    """The row was saved: the next `program_settings_get` in this block reads it again."""
    memo = _request_memo.get()
    if memo is not None:
        memo.clear()


def program_settings_get() -> ProgramSettings:
    """The settings row, created with the deployment's defaults the first time it is needed."""
    memo = _request_memo.get()
    if memo is None:
        return _program_settings_read()
    if "program" not in memo:
        memo["program"] = _program_settings_read()
    return memo["program"]


def _program_settings_read() -> ProgramSettings:
    return singleton_get(
        ProgramSettings,
        program_name=settings.LOYALTY_PROGRAM_NAME,
        currency=settings.LOYALTY_CURRENCY,
    )


def program_timezone() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def program_today(now: datetime.datetime | None = None) -> datetime.date:
    """The day it is at `now` (default: now) in the program's time zone."""
    return timezone.localtime(now or timezone.now(), program_timezone()).date()


def program_day_bounds(day: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    """Where `day` starts and the next day starts, at midnight in the program's time zone: a
    day's figures are the rows with `start <= time < end` (a day of a clock change is 23 or
    25 hours long)."""
    zone = program_timezone()
    start = datetime.datetime.combine(day, datetime.time(), tzinfo=zone)
    end = datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time(), tzinfo=zone)
    return start, end


def lot_expires_at(
    program: ProgramSettings, earned_at: datetime.datetime
) -> datetime.datetime | None:
    """When points earned at `earned_at` expire under the policy in force now.

    "N days": the end of the Nth day after earning. "End of month": the end of the month N
    months after the month of earning. Both end at midnight in the program's time zone, so a
    lot due on a day stays spendable all of the day before.
    """
    if program.expiry_policy == ExpiryPolicy.NEVER:
        return None
    zone = program_timezone()
    local_day = timezone.localtime(earned_at, zone).date()
    if program.expiry_policy == ExpiryPolicy.DAYS:
        last_day = local_day + datetime.timedelta(days=program.expiry_days)
    else:
        month_index = local_day.month - 1 + program.expiry_months
        year, month = local_day.year + month_index // 12, month_index % 12 + 1
        last_day = datetime.date(year, month, calendar.monthrange(year, month)[1])
    next_midnight = datetime.datetime.combine(
        last_day + datetime.timedelta(days=1), datetime.time()
    )
    return next_midnight.replace(tzinfo=zone)
