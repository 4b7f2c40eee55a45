"""Celery tasks of the API (options in `loyalty.platform.tasks`)."""

from celery import shared_task

from loyalty.api.idempotency import idempotent_requests_prune
from loyalty.platform.tasks import TASK_OPTIONS


@shared_task(name="loyalty.prune_idempotency_keys", **TASK_OPTIONS)
def prune_idempotency_keys() -> int:
    """Forget API answers stored for Idempotency-Key replays once they are a week old."""
    return idempotent_requests_prune()
