"""The period a report covers: whole days in the program's time zone."""

import calendar
import datetime
from dataclasses import dataclass

from django.utils import timezone

from loyalty.services.program import program_timezone

# The longest period a report covers; keeps the monthly chart readable and the scans bounded.
MAX_PERIOD_MONTHS = 60
DEFAULT_PERIOD_MONTHS = 12


def _local_midnight(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(), tzinfo=program_timezone())


def _add_months(day: datetime.date, months: int) -> datetime.date:
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return day.replace(
        year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1])
    )


@dataclass(frozen=True)
class ReportPeriod:
    """Whole days from `first_day` to `last_day` (inclusive) in the program's time zone."""

    first_day: datetime.date
    last_day: datetime.date

    def __post_init__(self) -> None:
        if self.last_day < self.first_day:
            raise ValueError("A period ends on or after its first day.")

    @classmethod
    def default(cls, *, now: datetime.datetime | None = None) -> "ReportPeriod":
        """The last 12 months: from the first day of the month 11 months ago to today."""
        today = timezone.localtime(now or timezone.now(), program_timezone()).date()
        first = _add_months(today.replace(day=1), -(DEFAULT_PERIOD_MONTHS - 1))
        return cls(first_day=first, last_day=today)

    @property
    def start(self) -> datetime.datetime:
        return _local_midnight(self.first_day)

    @property
    def end(self) -> datetime.datetime:
        """Exclusive: local midnight after the last day."""
        return _local_midnight(self.last_day + datetime.timedelta(days=1))

    def months(self) -> list[datetime.date]:
        """The first day of every month the period touches, in order."""
        months = []
        month = self.first_day.replace(day=1)
        while month <= self.last_day:
            months.append(month)
            month = _add_months(month, 1)
        return months

    def month_count(self) -> int:
        return (
            (self.last_day.year - self.first_day.year) * 12
            + self.last_day.month
            - self.first_day.month
            + 1
        )
