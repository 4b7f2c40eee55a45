"""The scheduled tasks are registered under their names and do their work when run."""

import datetime

import pytest
import time_machine
from django.conf import settings
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
        "rewards.expire_vouchers",
        "rewards.remind_expiring_vouchers",
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
