"""The scheduled tasks are registered under their names and do their work when run."""

import datetime
from io import StringIO

import pytest
import time_machine
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from loyalty.celery import app
from loyalty.services import points_credit
from loyalty.tasks import release_pending_points
from rewards.models import Redemption, RedemptionChannel, RedemptionStatus
from rewards.services import reward_redeem
from rewards.tasks import expire_vouchers
from tests.loyalty.points import state
from tests.rewards.catalogue import give_points, make_reward


def test_every_scheduled_task_is_registered():
    app.loader.import_default_modules()
    scheduled = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}

    assert scheduled == {
        "loyalty.release_pending_points",
        "loyalty.send_pending_emails",
        "loyalty.send_pending_pushes",
        "loyalty.expire_points",
        "loyalty.send_expiry_reminders",
        "loyalty.send_birthday_rewards",
        "loyalty.prune_idempotency_keys",
        "loyalty.recalculate_tiers",
        "loyalty.refresh_report",
        "rewards.expire_vouchers",
        "rewards.remind_expiring_vouchers",
        "members.update_wallet_passes",
    }
    assert scheduled <= set(app.tasks)


@pytest.mark.django_db
def test_release_pending_points_task(customer):
    points_credit(
        account=customer.points_account,
        points=30,
        hold_until=timezone.now() + datetime.timedelta(seconds=1),
    )
    assert state(customer) == (0, 30, 0, 0)

    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=1)):
        assert release_pending_points.apply().get() == 1
        assert release_pending_points.apply().get() == 0

    assert state(customer) == (30, 0, 0, 1)


@pytest.mark.django_db
def test_expire_vouchers_task(customer):
    give_points(customer, 100)
    redemption = reward_redeem(
        member=customer, reward=make_reward(voucher_valid_days=1), channel=RedemptionChannel.ONLINE
    )

    with time_machine.travel(timezone.now() + datetime.timedelta(days=2)):
        assert expire_vouchers.apply().get() == 1
        assert expire_vouchers.apply().get() == 0

    assert Redemption.objects.get(pk=redemption.pk).status == RedemptionStatus.EXPIRED
    assert state(customer) == (100, 0, 0, 3)


def test_task_retries_stay_below_the_broker_visibility_timeout():
    app.loader.import_default_modules()
    ours = [task for name, task in app.tasks.items() if name.startswith(("loyalty.", "rewards."))]

    assert ours
    for task in ours:
        assert task.acks_late is True, task.name
        assert task.retry_backoff_max < settings.CELERY_VISIBILITY_TIMEOUT, task.name
        assert task.default_retry_delay < settings.CELERY_VISIBILITY_TIMEOUT, task.name
    if settings.REDIS_URL:
        assert settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"] == 3600


@pytest.mark.django_db
def test_run_task_runs_a_task_by_hand_and_lists_them(customer):
    listing = StringIO()
    call_command("run_task", stdout=listing)
    out = StringIO()
    call_command("run_task", "loyalty.expire_points", stdout=out)

    assert "loyalty.expire_points" in listing.getvalue().split()
    assert out.getvalue().strip() == "loyalty.expire_points: {'lots': 0, 'inactive_accounts': 0}"
    with pytest.raises(CommandError, match="Unknown task 'nope'"):
        call_command("run_task", "nope")
