"""The Net Promoter Score of the report: the surveys sent in the period, by month, with comments."""

import datetime
from dataclasses import dataclass

from engagement.selectors import nps_by_month, nps_comments_latest, nps_summary
from loyalty.backoffice.report.period import ReportPeriod


@dataclass(frozen=True)
class NpsMonth:
    month: datetime.date
    answered: int
    nps: int | None


@dataclass(frozen=True)
class NpsSummary:
    sent: int
    answered: int
    promoters: int
    detractors: int
    nps: int | None  # % promoters (9-10) - % detractors (0-6), None without answers
    response_rate: float | None
    months: list[NpsMonth]
    comments: list[tuple[datetime.datetime, int, str]]  # newest first


def nps_summary_get(*, period: ReportPeriod) -> NpsSummary:
    """Net Promoter Score of the surveys sent in the period, by month, with recent comments.
    Three queries."""
    totals = nps_summary(start=period.start, end=period.end)
    by_month = nps_by_month(start=period.start, end=period.end)
    months = []
    for month in period.months():
        answered, score = by_month.get(month, (0, None))
        months.append(NpsMonth(month=month, answered=answered, nps=score))
    return NpsSummary(
        sent=totals["sent"],
        answered=totals["answered"],
        promoters=totals["promoters"],
        detractors=totals["detractors"],
        nps=totals["nps"],
        response_rate=totals["response_rate"],
        months=months,
        comments=nps_comments_latest(start=period.start, end=period.end),
    )
