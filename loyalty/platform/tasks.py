"""Options every Celery task of the project shares.

Every task is idempotent, so it is acknowledged late (a worker that dies mid-task leaves it to
be run again) and retried on database errors with back-off that stays well below the broker's
visibility timeout (see CELERY_BROKER_TRANSPORT_OPTIONS).
"""

from django.db import DatabaseError

TASK_OPTIONS = {
    "acks_late": True,
    "autoretry_for": (DatabaseError,),
    "retry_backoff": 30,
    "retry_backoff_max": 600,
    "retry_jitter": True,
    "max_retries": 5,
}
