"""Report snapshots: the reports page's figures kept in the cache for a few minutes."""

import datetime
import logging
from dataclasses import dataclass

from django.core.cache import cache
from django.utils import timezone

from loyalty.backoffice.report import Report, ReportPeriod, report_get
from loyalty.models import Store

logger = logging.getLogger(__name__)

# How old a snapshot may be before the page computes a new one. The worker refreshes the
# default view more often than this (CELERY_BEAT_SCHEDULE), so it is always there.
REPORT_SNAPSHOT_SECONDS = 15 * 60


@dataclass(frozen=True)
class ReportSnapshot:
    report: Report
    computed_at: datetime.datetime


# Part of the cache key: raise it when `Report` or what it holds changes shape or module (2: the
# move into loyalty.backoffice; 3: cancelled referrals in the funnel), so that a new release
# never unpickles a snapshot an older one wrote.
REPORT_SNAPSHOT_VERSION = 3


def _snapshot_key(period: ReportPeriod, store: Store | None) -> str:
    scope = store.pk if store is not None else "all"
    return (
        f"report-snapshot:v{REPORT_SNAPSHOT_VERSION}:{period.first_day}:{period.last_day}:{scope}"
    )


def report_snapshot_get(
    *, period: ReportPeriod, store: Store | None = None, refresh: bool = False
) -> ReportSnapshot:
    """The report as computed at most `REPORT_SNAPSHOT_SECONDS` ago (now, with `refresh`).

    Without the cache (Redis down) every call computes the report: slower, never wrong.
    """
    key = _snapshot_key(period, store)
    if not refresh:
        try:
            snapshot = cache.get(key)
        except Exception as error:  # any backend's connection error
            logger.warning("Report snapshot not read from the cache: %s", error)
            snapshot = None
        if snapshot is not None:
            return snapshot
    now = timezone.now()
    snapshot = ReportSnapshot(
        report=report_get(period=period, store=store, now=now), computed_at=now
    )
    try:
        cache.set(key, snapshot, REPORT_SNAPSHOT_SECONDS)
    except Exception as error:  # any backend's connection error
        logger.warning("Report snapshot not kept in the cache: %s", error)
    return snapshot


def report_snapshot_refresh_default() -> ReportSnapshot:
    """The worker's job: the default view (last 12 months, all stores) computed ahead."""
    return report_snapshot_get(period=ReportPeriod.default(), refresh=True)
