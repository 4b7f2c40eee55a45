"""Celery tasks of the points engine: thin wrappers around the services.

Every task is idempotent, so it is acknowledged late (a worker that dies mid-task leaves it
to be run again) and retried on database errors with back-off that stays well below the
broker's visibility timeout (see CELERY_BROKER_TRANSPORT_OPTIONS).
"""

from celery import shared_task

from loyalty.platform.tasks import TASK_OPTIONS
from loyalty.services import points_release_due
from loyalty.services.expiry import points_expire_due, points_expire_inactive
from loyalty.services.outbox import outbox_send_due
from loyalty.services.push import push_send_due
from loyalty.services.tiers import tiers_recalculate


@shared_task(name="loyalty.release_pending_points", **TASK_OPTIONS)
def release_pending_points() -> int:
    """Pending lots whose hold has passed become available (an entry each). Idempotent."""
    return points_release_due()


@shared_task(name="loyalty.send_pending_emails", **TASK_OPTIONS)
def send_pending_emails() -> int:
    """Send the outbox's due emails, with retries and back-off. Safe to run concurrently."""
    return outbox_send_due()


@shared_task(name="loyalty.send_pending_pushes", **TASK_OPTIONS)
def send_pending_pushes() -> int:
    """Send the outbox's due web pushes, apart from the emails. Safe to run concurrently."""
    return push_send_due()


@shared_task(name="loyalty.expire_points", **TASK_OPTIONS)
def expire_points() -> dict:
    """Expire due lots in batches (and whole balances under the inactivity policy)."""
    return {"lots": points_expire_due(), "inactive_accounts": points_expire_inactive()}


@shared_task(name="loyalty.recalculate_tiers", **TASK_OPTIONS)
def recalculate_tiers() -> dict:
    """Tier moves up, moves down after the 12-month hold, and the warnings before them."""
    result = tiers_recalculate()
    return {
        "upgrades": result.upgrades,
        "downgrades": result.downgrades,
        "warnings": result.warnings,
    }
