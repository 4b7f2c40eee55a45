"""(2) Redemptions under contention, (3) the expiry run and (4) the reminder run."""

import datetime
import json
import os
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter

from django.db import connection, connections, transaction

from bench.data import generate
from bench.workloads.core import BASE_DIR, Row, all_ok, check
from loyalty.audit import ledger_problems
from loyalty.models import OutboxEmail, PointsAccount, PointsLot

# --- (2) redemption under contention --------------------------------------------------------


def redemptions(*, count: int = 200, accounts: int = 20, threads: int = 40) -> Row:
    from rewards.models import Redemption, RedemptionChannel, Reward, RewardKind
    from rewards.services import reward_redeem

    points_each, cost, stock = 250, 100, 30
    race = generate(
        members=accounts, lots_per_member=1, entries_per_member=1, prefix="race",
        points_range=(points_each, points_each),
    )  # fmt: skip
    reward = Reward.objects.create(
        slug=f"bench-race-{uuid.uuid4().hex[:8]}", name="Bench coffee",
        kind=RewardKind.FREE_PRODUCT, points_cost=cost, stock=stock,
    )  # fmt: skip
    members = list(
        PointsAccount.objects.filter(pk__in=race.account_ids)
        .select_related("member")
        .order_by("pk")
    )
    members = [account.member for account in members]
    results: list = [None] * count
    barrier = threading.Barrier(threads)
    next_index = iter(range(count))
    lock = threading.Lock()

    def runner() -> None:
        try:
            barrier.wait(timeout=30)
            while True:
                with lock:
                    index = next(next_index, None)
                if index is None:
                    return
                try:
                    results[index] = reward_redeem(
                        member=members[index % accounts], reward=reward,
                        channel=RedemptionChannel.ONLINE,
                    )  # fmt: skip
                except Exception as error:  # the outcome is what is counted
                    results[index] = error
        finally:
            connections.close_all()

    workers = [threading.Thread(target=runner) for _ in range(threads)]
    started = time.perf_counter()
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=300)
    seconds = time.perf_counter() - started
    outcome = Counter(type(result).__name__ for result in results)
    balances = list(
        PointsAccount.objects.filter(pk__in=race.account_ids).values_list("balance", flat=True)
    )
    reward.refresh_from_db()
    made = Redemption.objects.filter(reward=reward).count()
    problems = ledger_problems(account_ids=race.account_ids)
    checks = []
    check(checks, outcome["Redemption"] == stock == made, f"outcomes {dict(outcome)}")
    check(checks, reward.stock == 0, f"stock left {reward.stock}")
    check(checks, min(balances) >= 0, f"lowest balance {min(balances)}")
    check(
        checks,
        sum(balances) == accounts * points_each - stock * cost,
        f"points left {sum(balances)}",
    )
    check(checks, not problems, f"audit: {problems[:3] or 'clean'}")
    return Row(
        name=f"redemption: {count} over {accounts} accounts, stock {stock}, {threads} threads",
        measured=f"{count / seconds:.0f} redemptions/s ({seconds:.2f} s)",
        goal="exact outcomes",
        met=all_ok(checks),
        checks=checks,
        data={"seconds": seconds, "per_second": count / seconds, "outcome": dict(outcome)},
    )


# --- (3) expiry -----------------------------------------------------------------------------

# The same writes as points_expire_due, set-based: lock the accounts, one EXPIRY entry and one
# allocation per due lot with its running balance_after, zero the lots, lower the balances.
FLOOR_EXPIRY = [
    """SELECT a.id FROM loyalty_pointsaccount a WHERE a.id IN (
         SELECT account_id FROM loyalty_pointslot
         WHERE NOT is_pending AND remaining > 0 AND expires_at <= %(now)s)
       ORDER BY a.id FOR UPDATE""",
    """CREATE TEMP TABLE bench_due ON COMMIT DROP AS
       SELECT l.id AS lot_id, l.account_id, l.remaining, l.purchase_id,
              nextval(pg_get_serial_sequence('loyalty_pointsentry', 'id')) AS entry_id,
              a.balance - sum(l.remaining) OVER (
                PARTITION BY l.account_id ORDER BY l.expires_at, l.id) AS balance_after
       FROM loyalty_pointslot l JOIN loyalty_pointsaccount a ON a.id = l.account_id
       WHERE NOT l.is_pending AND l.remaining > 0 AND l.expires_at <= %(now)s""",
    """INSERT INTO loyalty_pointsentry (id, account_id, kind, points, balance_after,
         debt_change, note, created_at, purchase_id)
       SELECT entry_id, account_id, 'expiry', -remaining, balance_after, 0,
              'Points expired', now(), purchase_id FROM bench_due""",
    """INSERT INTO loyalty_lotallocation (entry_id, lot_id, points)
       SELECT entry_id, lot_id, -remaining FROM bench_due""",
    """UPDATE loyalty_pointslot l SET remaining = 0 FROM bench_due d WHERE l.id = d.lot_id""",
    """UPDATE loyalty_pointsaccount a SET balance = a.balance - d.total, updated_at = now()
       FROM (SELECT account_id, sum(remaining) AS total FROM bench_due GROUP BY account_id) d
       WHERE a.id = d.account_id""",
]


def expire_in_child(now: datetime.datetime) -> dict:
    """`points_expire_due(now)` in a fresh process: its time, its count, its own peak RSS."""
    connections.close_all()
    child = subprocess.run(  # noqa: S603
        [sys.executable, "-m", "bench.expiry_child", now.isoformat()],
        cwd=BASE_DIR, env={**os.environ}, capture_output=True, text=True, check=True,
    )  # fmt: skip
    return json.loads(child.stdout.strip().splitlines()[-1])


def expiry(*, now: datetime.datetime, audit: bool, sizes: dict) -> Row:
    """Every lot due at `now` expired by the service, against the floor on the same lots.

    Before that, for the scaling check, the service expires a data set a tenth of the size and
    of the same shape (generated a year and more ago, so due today): linear scaling means the
    same time per lot at both sizes."""
    from django.utils import timezone

    today = timezone.now().replace(microsecond=0)
    tenth_size = {**sizes, "members": max(1, sizes["members"] // 10)}
    tenth = generate(now=today - datetime.timedelta(days=400), prefix="tenth", **tenth_size)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    small = expire_in_child(today)

    due = PointsLot.objects.filter(is_pending=False, remaining__gt=0, expires_at__lte=now)
    due_lots = due.count()
    due_accounts = due.values("account_id").distinct().count()
    phases = {}
    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        for number, statement in enumerate(FLOOR_EXPIRY):
            phase_started = time.perf_counter()
            cursor.execute(statement, {"now": now})
            phases[f"floor_step_{number}"] = time.perf_counter() - phase_started
        transaction.set_rollback(True)  # the floor leaves the data as it found it
    floor_seconds = time.perf_counter() - started

    full = expire_in_child(now)
    seconds = full["seconds"]
    peak_mb = max(small["rss_peak_kb"], full["rss_peak_kb"]) / 1024
    baseline_mb = full["rss_before_kb"] / 1024
    scaling = (seconds / max(full["expired"], 1)) / (small["seconds"] / max(small["expired"], 1))

    from loyalty.services.expiry import points_expire_due

    again = points_expire_due(now=now)
    checks = []
    check(checks, small["expired"] == tenth.lots, f"{small['expired']} of {tenth.lots} (tenth)")
    check(checks, full["expired"] == due_lots, f"{full['expired']} of {due_lots} expired")
    check(checks, again == 0, f"second run expired {again}")
    check(
        checks,
        not PointsAccount.objects.filter(balance__lt=0).exists(),
        "no negative balance",
    )
    if audit:
        started = time.perf_counter()
        problems = ledger_problems()
        phases["audit"] = time.perf_counter() - started
        check(checks, not problems, f"audit after expiry: {problems[:3] or 'clean'}")
    ratio = seconds / floor_seconds
    return Row(
        name=f"expiry: {due_lots} due lots over {due_accounts} accounts "
        f"(and {tenth.lots} for scaling)",
        measured=f"{seconds:.2f} s, peak RSS {peak_mb:.0f} MB (start {baseline_mb:.0f} MB); "
        f"per lot {scaling:.2f} x the time at a tenth ({small['seconds']:.2f} s)",
        floor=f"{floor_seconds:.2f} s (set-based SQL, rolled back)",
        ratio=ratio,
        goal="≤ 2 x floor, < 200 MB, per lot within 20 %",
        met=ratio <= 2 and peak_mb < 200 and 0.8 <= scaling <= 1.2,
        checks=checks,
        data={"seconds": seconds, "floor_seconds": floor_seconds, "peak_rss_mb": peak_mb,
              "start_rss_mb": baseline_mb, "due_lots": due_lots, "due_accounts": due_accounts,
              "lots_per_second": due_lots / seconds, "tenth_run": small, "full_run": full,
              "per_lot_scaling": scaling, "phases": phases},
    )  # fmt: skip


# --- (4) reminders --------------------------------------------------------------------------

EXPECTED_REMINDERS = """
SELECT count(*) FROM (
  SELECT DISTINCT l.account_id, (l.expires_at AT TIME ZONE %(zone)s)::date,
         CASE WHEN l.expires_at <= %(now)s + interval '7 days' THEN 7 ELSE 30 END
  FROM loyalty_pointslot l
  JOIN loyalty_pointsaccount a ON a.id = l.account_id
  JOIN members_member m ON m.id = a.member_id
  JOIN members_user u ON u.id = m.user_id
  WHERE NOT l.is_pending AND l.remaining > 0 AND m.reminder_emails AND u.is_active
    AND l.expires_at > %(now)s AND l.expires_at <= %(now)s + interval '30 days'
) due
"""


def reminders(*, now: datetime.datetime) -> Row:
    from django.conf import settings

    from engagement.services.reminders import expiry_reminders_queue

    with connection.cursor() as cursor:
        cursor.execute(EXPECTED_REMINDERS, {"now": now, "zone": settings.TIME_ZONE})
        (expected,) = cursor.fetchone()
    members_due = (
        PointsLot.objects.filter(
            is_pending=False,
            remaining__gt=0,
            expires_at__gt=now,
            expires_at__lte=now + datetime.timedelta(days=30),
        )
        .values("account_id")
        .distinct()
        .count()
    )
    before = OutboxEmail.objects.count()
    started = time.perf_counter()
    queued = expiry_reminders_queue(now=now)
    seconds = time.perf_counter() - started
    written = OutboxEmail.objects.count() - before
    started = time.perf_counter()
    again = expiry_reminders_queue(now=now)
    second_seconds = time.perf_counter() - started
    checks = []
    check(checks, queued == expected == written, f"{queued} queued, {expected} expected")
    check(checks, again == 0, f"second run queued {again}")
    return Row(
        name=f"reminders ({members_due} members in the window)",
        measured=f"{seconds:.2f} s, {queued / seconds:.0f} emails/s",
        floor="-",
        goal="exact, idempotent",
        met=queued == expected and again == 0,
        checks=checks,
        data={"seconds": seconds, "queued": queued, "expected": expected,
              "members_due": members_due, "second_run_seconds": second_seconds},
    )  # fmt: skip
