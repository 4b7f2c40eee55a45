"""Celery tasks of the back office: thin wrappers around its reads (see `loyalty.tasks` for the
options every task shares)."""

from celery import shared_task

from loyalty.backoffice.snapshots import report_snapshot_refresh_default
from loyalty.platform.tasks import TASK_OPTIONS


@shared_task(name="loyalty.refresh_report", **TASK_OPTIONS)
def refresh_report() -> str:
    """Work out the reports page's default view ahead, so managers never wait for it."""
    return report_snapshot_refresh_default().computed_at.isoformat()
