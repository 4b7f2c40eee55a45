"""Celery tasks of the points engine: thin wrappers around the services."""

from celery import shared_task

from .services import points_release_due
from .services.outbox import outbox_send_due


@shared_task(name="loyalty.release_pending_points")
def release_pending_points() -> int:
    """Pending lots whose hold has passed become available (an entry each). Idempotent."""
    return points_release_due()


@shared_task(name="loyalty.send_pending_emails")
def send_pending_emails() -> int:
    """Send the outbox's due emails, with retries and back-off. Safe to run concurrently."""
    return outbox_send_due()
