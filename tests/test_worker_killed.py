"""The worker killed (SIGKILL) in the middle of expiring 100,000 lots: the next run finishes the
job, nothing expires twice, and the ledger still adds up (PostgreSQL)."""

import datetime
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection
from django.utils import timezone

from bench.data import generate
from loyalty.models import EntryKind, PointsEntry, PointsLot
from loyalty.services.expiry import points_expire_due

ROOT = Path(__file__).resolve().parent.parent

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="a second process needs PostgreSQL"
    ),
]


def _database_url() -> str:
    settings = connection.settings_dict
    host = settings["HOST"] or "127.0.0.1"
    port = settings["PORT"] or 5432
    return f"postgres://{settings['USER']}@{host}:{port}/{settings['NAME']}"


def test_a_killed_expiry_run_is_finished_by_the_next_without_expiring_twice():
    generated = generate(members=20000, lots_per_member=5, entries_per_member=5, prefix="k")
    PointsLot.objects.filter(account_id__in=generated.account_ids).update(
        expires_at=timezone.now() - datetime.timedelta(minutes=1)
    )
    due = PointsLot.objects.filter(remaining__gt=0, is_pending=False).count()
    assert due == 100_000

    worker = subprocess.Popen(
        [sys.executable, "manage.py", "run_task", "loyalty.expire_points"],
        cwd=ROOT,
        env={
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "loyalty.settings.test",
            "DATABASE_URL": _database_url(),
        },
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while not PointsEntry.objects.filter(kind=EntryKind.EXPIRY).exists():
        assert worker.poll() is None, "the run ended before it could be killed"
        assert time.monotonic() < deadline
        time.sleep(0.02)
    worker.send_signal(signal.SIGKILL)
    worker.wait(timeout=10)
    expired_by_the_killed_run = PointsEntry.objects.filter(kind=EntryKind.EXPIRY).count()
    assert 0 < expired_by_the_killed_run < due

    finished = points_expire_due()

    assert finished == due - expired_by_the_killed_run
    assert PointsEntry.objects.filter(kind=EntryKind.EXPIRY).count() == due
    assert not PointsLot.objects.filter(remaining__gt=0, is_pending=False).exists()
    assert points_expire_due() == 0
