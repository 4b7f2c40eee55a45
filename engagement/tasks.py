"""Celery tasks of engagement: thin wrappers around its services (options in
`loyalty.platform.tasks`). Task names keep the `loyalty.` prefix they had before the app moved,
so a beat schedule or a queued message that names them still finds them."""

from celery import shared_task

from engagement.services.birthdays import birthday_rewards_grant
from engagement.services.reminders import expiry_reminders_queue, inactivity_reminders_queue
from loyalty.platform.tasks import TASK_OPTIONS


@shared_task(name="loyalty.send_birthday_rewards", **TASK_OPTIONS)
def send_birthday_rewards() -> int:
    """Birthday bonus points, once per member per year."""
    return birthday_rewards_grant()


@shared_task(name="loyalty.send_expiry_reminders", **TASK_OPTIONS)
def send_expiry_reminders() -> int:
    """Queue the reminders due today; the outbox sends them."""
    return expiry_reminders_queue() + inactivity_reminders_queue()
