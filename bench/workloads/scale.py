"""(6) Scale-out: earning across several web servers, the nightly run across workers."""

import contextlib
import datetime
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

from django.db import connection

from bench.data import generate
from bench.workloads.core import BASE_DIR, Row, all_ok, check, percentile
from bench.workloads.earn import api_key, gunicorn, load, load_spread, worker_count
from bench.workloads.ledger import EXPECTED_REMINDERS
from loyalty.audit import ledger_problems
from loyalty.models import OutboxEmail, PointsAccount, PointsLot, Purchase

# --- (6) scale-out --------------------------------------------------------------------------


def scale_out_earn(*, cards: list[str], seconds: float, clients: int = 16,
                   ports: tuple[int, int] = (8765, 8766)) -> Row:  # fmt: skip
    """Earn against one gunicorn instance, then against two (each with the same workers, as
    if on their own machines) sharing one PostgreSQL and Redis, the clients split over both."""
    raw_key = api_key()
    workers = worker_count()
    path = "/api/v1/purchases/"
    purchases_before = Purchase.objects.count()
    with gunicorn(ports[0], workers):
        load(ports[0], path, raw_key, cards, 2, clients)  # warm every worker
        one, one_codes = load(ports[0], path, raw_key, cards, seconds, clients)
    with gunicorn(ports[0], workers), gunicorn(ports[1], workers):
        load_spread(list(ports), path, raw_key, cards, 2, clients)
        two, two_codes = load_spread(list(ports), path, raw_key, cards, seconds, clients)
    recorded = Purchase.objects.count() - purchases_before
    one_rate, two_rate = one_codes[201] / seconds, two_codes[201] / seconds
    checks = []
    check(checks, set(one_codes) == {201}, f"one instance answers {dict(one_codes)}")
    check(checks, set(two_codes) == {201}, f"two instances answer {dict(two_codes)}")
    warm = recorded - one_codes[201] - two_codes[201]
    check(checks, warm >= 0, f"{recorded} purchases recorded ({warm} while warming up)")
    return Row(
        name=f"scale-out earn: 2 gunicorn instances x {workers} workers vs 1, {clients} clients",
        measured=f"two: {two_rate:.0f}/s, p50 {statistics.median(two):.0f} ms, "
        f"p99 {percentile(two, 0.99):.0f} ms",
        floor=f"one: {one_rate:.0f}/s, p50 {statistics.median(one):.0f} ms, "
        f"p99 {percentile(one, 0.99):.0f} ms",
        ratio=two_rate / one_rate if one_rate else None,
        goal="report two vs one",
        checks=checks,
        data={"one_per_second": one_rate, "two_per_second": two_rate,
              "one_p99_ms": percentile(one, 0.99), "two_p99_ms": percentile(two, 0.99),
              "workers_per_instance": workers, "clients": clients, "seconds": seconds},
    )  # fmt: skip


DOUBLE_EXPIRY = """
SELECT count(*) FROM (
  SELECT a.lot_id FROM loyalty_lotallocation a
  JOIN loyalty_pointsentry e ON e.id = a.entry_id AND e.kind = 'expiry'
  GROUP BY a.lot_id HAVING count(*) > 1
) doubled
"""


@contextlib.contextmanager
def celery_workers(queues: list[str]):
    """One Celery worker process per queue (bench settings, Redis broker), until exit."""
    from loyalty.celery import app

    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "loyalty.settings.bench"}
    command = [
        str(Path(sys.executable).parent / "celery"), "-A", "loyalty", "worker", "--pool", "solo",
        "--loglevel", "warning", "--without-gossip", "--without-mingle",
    ]  # fmt: skip
    processes = [
        subprocess.Popen([*command, "-Q", queue, "-n", f"{queue}@bench"], cwd=BASE_DIR, env=env)  # noqa: S603
        for queue in queues
    ]
    try:
        names = {f"{queue}@bench" for queue in queues}
        for _ in range(120):
            answered = {name for reply in app.control.ping(timeout=0.5) for name in reply}
            if names <= answered:
                break
        yield
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(timeout=60)


def scale_out_nightly(*, members: int) -> Row:
    """Two workers run the nightly expiry and reminder tasks at the same moment, on data where
    about half the lots are due and many members have points expiring within 30 days."""
    from django.conf import settings
    from django.utils import timezone

    from engagement.tasks import send_expiry_reminders
    from loyalty.tasks import expire_points

    generated = generate(
        now=timezone.now().replace(microsecond=0) - datetime.timedelta(days=180),
        prefix="scale", members=members, lots_per_member=10, entries_per_member=10,
    )  # fmt: skip
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    now = timezone.now()
    due_lots = PointsLot.objects.filter(is_pending=False, remaining__gt=0, expires_at__lte=now)
    due = due_lots.count()
    with connection.cursor() as cursor:
        cursor.execute(EXPECTED_REMINDERS, {"now": now, "zone": settings.TIME_ZONE})
        (expected,) = cursor.fetchone()
    outbox_before = OutboxEmail.objects.count()
    queues = ["bench-nightly-a", "bench-nightly-b"]
    with celery_workers(queues):
        started = time.perf_counter()
        sent = [
            task.apply_async(queue=queue)
            for task in (expire_points, send_expiry_reminders)
            for queue in queues
        ]
        results = [result.get(timeout=1800) for result in sent]
        seconds = time.perf_counter() - started
        ran_on = {result.worker for result in sent}
    expired_by = [results[0]["lots"], results[1]["lots"]]
    reminded_by = results[2:]
    written = OutboxEmail.objects.count() - outbox_before
    with connection.cursor() as cursor:
        cursor.execute(DOUBLE_EXPIRY)
        (doubled,) = cursor.fetchone()
    checks = []
    check(checks, ran_on == {f"{queue}@bench" for queue in queues}, f"ran on {sorted(ran_on)}")
    check(checks, sum(expired_by) == due, f"expired {expired_by} of {due} due lots")
    check(checks, doubled == 0, f"{doubled} lots expired twice")
    check(checks, not due_lots.exists(), "no due lot left")
    check(
        checks,
        sum(reminded_by) == expected == written,
        f"reminders {reminded_by}, {expected} expected, {written} written",
    )
    check(checks, not PointsAccount.objects.filter(balance__lt=0).exists(), "no negative balance")
    problems = ledger_problems(account_ids=generated.account_ids)
    check(checks, not problems, f"audit: {problems[:3] or 'clean'}")
    return Row(
        name=f"scale-out nightly: 2 workers at once, {due} due lots, {expected} reminders",
        measured=f"{seconds:.1f} s for expiry + reminders in both workers",
        goal="each lot expired once, each reminder once",
        met=all_ok(checks),
        checks=checks,
        data={"seconds": seconds, "due_lots": due, "expired_by_worker": expired_by,
              "reminders_expected": expected, "reminders_by_worker": reminded_by,
              "members": generated.members},
    )  # fmt: skip
