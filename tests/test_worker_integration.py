"""A real Celery worker on Redis runs the nightly jobs through the broker (needs REDIS_URL)."""

import datetime
import os
import time
import uuid

import pytest
import time_machine
from celery.contrib.testing.worker import start_worker
from django.utils import timezone

from loyalty.celery import app
from loyalty.models import EntryKind, OutboxEmail, OutboxStatus, PointsEntry, PointsLot
from loyalty.services import points_credit
from tests.loyalty.points import state

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="needs a Redis broker (REDIS_URL)"),
]


def wait_for(condition, timeout: float = 30.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    raise AssertionError("the worker did not get there in time")


@pytest.fixture
def worker():
    """A worker thread consuming a queue of its own, so no other worker takes our tasks."""
    queue = f"test-{uuid.uuid4().hex}"
    app.loader.import_default_modules()
    with start_worker(
        app, pool="solo", perform_ping_check=False, queues=[queue], shutdown_timeout=10
    ):
        yield queue


def send(name: str, queue: str) -> None:
    app.send_task(name, queue=queue)


def test_expiry_and_reminders_run_through_the_broker_and_a_second_run_changes_nothing(
    worker, customer
):
    now = timezone.now()
    with time_machine.travel(now - datetime.timedelta(days=400)):
        old = points_credit(account=customer.points_account, points=30)
    soon = points_credit(account=customer.points_account, points=20)
    PointsLot.objects.filter(pk=old.lot.pk).update(expires_at=now - datetime.timedelta(hours=1))
    PointsLot.objects.filter(pk=soon.lot.pk).update(expires_at=now + datetime.timedelta(days=5))

    send("loyalty.expire_points", worker)
    send("loyalty.send_expiry_reminders", worker)
    send("loyalty.send_pending_emails", worker)  # FIFO on one solo worker: runs after both
    wait_for(lambda: OutboxEmail.objects.filter(status=OutboxStatus.SENT).exists())

    assert state(customer) == (20, 0, 0, 3)
    assert list(
        PointsEntry.objects.filter(kind=EntryKind.EXPIRY).values_list("points", flat=True)
    ) == [-30]
    reminder = OutboxEmail.objects.get()
    assert reminder.key.startswith(f"expiry-reminder:{customer.points_account.pk}:")
    assert reminder.subject.startswith("Use 20 points by ")

    held = points_credit(
        account=customer.points_account,
        points=5,
        hold_until=timezone.now() + datetime.timedelta(seconds=1),
    )
    time.sleep(1.1)
    send("loyalty.expire_points", worker)
    send("loyalty.send_expiry_reminders", worker)
    send("loyalty.release_pending_points", worker)  # the marker that both ran before it
    wait_for(lambda: not PointsLot.objects.get(pk=held.lot.pk).is_pending)

    assert state(customer) == (25, 0, 0, 4)
    assert PointsEntry.objects.filter(kind=EntryKind.EXPIRY).count() == 1
    assert OutboxEmail.objects.count() == 1
