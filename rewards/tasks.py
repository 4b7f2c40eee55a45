"""Celery tasks of the reward catalogue: thin wrappers around the services."""

from celery import shared_task

from loyalty.platform.tasks import TASK_OPTIONS
from rewards.services import vouchers_expire_due, vouchers_remind_expiring


@shared_task(name="rewards.expire_vouchers", **TASK_OPTIONS)
def expire_vouchers() -> int:
    """Unused vouchers past their date expire; points return per the program setting."""
    return vouchers_expire_due()


@shared_task(name="rewards.remind_expiring_vouchers", **TASK_OPTIONS)
def remind_expiring_vouchers() -> int:
    """One email per unused voucher three days before it expires."""
    return vouchers_remind_expiring()
