"""The member side's Celery tasks: thin, batched, idempotent."""

from dataclasses import asdict

from celery import shared_task

from loyalty.platform.tasks import TASK_OPTIONS
from members.wallet.services import wallet_passes_update


@shared_task(name="members.update_wallet_passes", **TASK_OPTIONS)
def update_wallet_passes() -> dict:
    """Passes whose member's balance or tier changed: new figures, a push to each device."""
    return asdict(wallet_passes_update())
