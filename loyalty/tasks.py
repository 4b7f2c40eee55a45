"""Celery tasks of the points engine: thin wrappers around the services."""

from celery import shared_task

from .services import points_release_due


@shared_task(name="loyalty.release_pending_points")
def release_pending_points() -> int:
    """Pending lots whose hold has passed become available (an entry each). Idempotent."""
    return points_release_due()
