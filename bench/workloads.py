"""The workloads. Each returns a `Row`: the measured figure, its floor from the same run,
the goal, and the exact-outcome checks that make the figure trustworthy."""

import contextlib
import datetime
import http.client
import json
import os
import statistics
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from django.db import connection, connections, transaction
from django.test import Client

from bench.data import Generated, generate
from loyalty.audit import ledger_problems
from loyalty.models import OutboxEmail, PointsAccount, PointsLot, Purchase
from members.models import User

BASE_DIR = Path(__file__).resolve().parent.parent


@dataclass
class Row:
    name: str
    measured: str
    floor: str = "-"
    ratio: float | None = None
    goal: str = "-"
    met: bool | None = None
    checks: list[str] = field(default_factory=list)
    data: dict = field(default_factory=dict)

    @property
    def status(self) -> str:
        if not _all_ok(self.checks):
            return "CHECK FAILED"
        return {True: "met", False: "missed", None: "-"}[self.met]


def percentile(samples: list[float], fraction: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def _check(checks: list[str], ok: bool, text: str) -> None:
    checks.append(("ok: " if ok else "FAIL: ") + text)


def _all_ok(checks: list[str]) -> bool:
    return not any(check.startswith("FAIL") for check in checks)


# --- (5) pages ------------------------------------------------------------------------------


def _time_get(client: Client, url: str, repeat: int) -> tuple[list[float], int, int]:
    client.get(url)  # warm: templates, caches, the connection
    queries = []

    def count(execute, sql, params, many, context):
        queries.append(sql)
        return execute(sql, params, many, context)

    # Not CaptureQueriesContext: request_started resets the debug query log mid-capture.
    with connection.execute_wrapper(count):
        status = client.get(url).status_code
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        client.get(url)
        samples.append((time.perf_counter() - started) * 1000)
    return samples, len(queries), status


def pages(*, heavy: Generated, small: Generated, manager: User, repeat: int) -> list[Row]:
    rows = []
    member_client = Client(SERVER_NAME="localhost")
    member_client.force_login(User.objects.get(pk=heavy.user_ids[0]))
    floor, floor_queries, floor_status = _time_get(member_client, "/bench/floor/page/", repeat)
    floor_p50 = statistics.median(floor)
    small_client = Client(SERVER_NAME="localhost")
    small_client.force_login(User.objects.get(pk=small.user_ids[0]))
    for url in ("/me/", "/me/history/"):
        samples, queries, status = _time_get(member_client, url, repeat)
        _samples, small_queries, _status = _time_get(small_client, url, 3)
        p50 = statistics.median(samples)
        checks = []
        _check(checks, status == 200 and floor_status == 200, f"HTTP {status}")
        _check(
            checks,
            queries == small_queries,
            f"{queries} queries with {heavy.entries} entries vs {small_queries} with "
            f"{small.entries // small.members}",
        )
        row = Row(
            name=f"pages {url} (member with {heavy.entries} entries, {heavy.lots} lots)",
            measured=f"p50 {p50:.1f} ms, p95 {percentile(samples, 0.95):.1f} ms, {queries} q",
            floor=f"p50 {floor_p50:.1f} ms, {floor_queries} q",
            ratio=p50 / floor_p50,
            checks=checks,
            data={"p50_ms": p50, "p95_ms": percentile(samples, 0.95), "queries": queries,
                  "queries_small_member": small_queries, "floor_p50_ms": floor_p50,
                  "floor_queries": floor_queries},
        )  # fmt: skip
        if url == "/me/":
            row.goal, row.met = "≤ 3 x floor", p50 <= 3 * floor_p50
        else:
            row.goal, row.met = "queries constant", queries == small_queries
        rows.append(row)

    # The page serves a snapshot that the worker refreshes every 10 minutes; `refresh=1` works
    # the figures out in the request, which is what the worker's task costs.
    manager_client = Client(SERVER_NAME="localhost")
    manager_client.force_login(manager)
    computed, queries, status = _time_get(
        manager_client, "/manage/reports/?refresh=1", max(3, repeat // 10)
    )
    served, served_queries, served_status = _time_get(manager_client, "/manage/reports/", repeat)
    checks = []
    _check(checks, status == served_status == 200, f"HTTP {status}, {served_status}")
    _check(checks, served_queries < queries, f"{served_queries} q for the snapshot")
    reports_row = Row(
        name="pages /manage/reports/ (all data)",
        measured=f"page p50 {statistics.median(served):.0f} ms, max {max(served):.0f} ms, "
        f"{served_queries} q; working the figures out p50 {statistics.median(computed):.0f} "
        f"ms, max {max(computed):.0f} ms, {queries} q",
        goal="< 1 s",
        met=max(served) < 1000,
        checks=checks,
        data={"p50_ms": statistics.median(served), "max_ms": max(served),
              "queries": served_queries, "compute_p50_ms": statistics.median(computed),
              "compute_max_ms": max(computed), "compute_queries": queries},
    )  # fmt: skip
    rows.append(reports_row)
    return rows


# --- (4) reminders --------------------------------------------------------------------------

_EXPECTED_REMINDERS = """
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
        cursor.execute(_EXPECTED_REMINDERS, {"now": now, "zone": settings.TIME_ZONE})
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
    _check(checks, queued == expected == written, f"{queued} queued, {expected} expected")
    _check(checks, again == 0, f"second run queued {again}")
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
    _check(checks, outcome["Redemption"] == stock == made, f"outcomes {dict(outcome)}")
    _check(checks, reward.stock == 0, f"stock left {reward.stock}")
    _check(checks, min(balances) >= 0, f"lowest balance {min(balances)}")
    _check(
        checks,
        sum(balances) == accounts * points_each - stock * cost,
        f"points left {sum(balances)}",
    )
    _check(checks, not problems, f"audit: {problems[:3] or 'clean'}")
    return Row(
        name=f"redemption: {count} over {accounts} accounts, stock {stock}, {threads} threads",
        measured=f"{count / seconds:.0f} redemptions/s ({seconds:.2f} s)",
        goal="exact outcomes",
        met=_all_ok(checks),
        checks=checks,
        data={"seconds": seconds, "per_second": count / seconds, "outcome": dict(outcome)},
    )


# --- (1) earn over HTTP ---------------------------------------------------------------------


def _load(port: int, path: str, key: str, cards: list[str], seconds: float, clients: int):
    latencies: list[float] = []
    statuses: Counter = Counter()
    lock = threading.Lock()
    deadline = time.perf_counter() + seconds

    def client(number: int) -> None:
        mine, codes = [], Counter()
        sequence = 0
        while time.perf_counter() < deadline:
            sequence += 1
            body = json.dumps({
                "member": cards[(number * 7919 + sequence) % len(cards)],
                "external_id": f"bench-{uuid.uuid4().hex}",
                "occurred_at": datetime.datetime.now(datetime.UTC).isoformat(),
                "currency": "USD",
                "total": "30.00",
                "lines": [
                    {"sku": "flat-white", "category": "coffee", "amount": "10.00"},
                    {"sku": "croissant", "category": "bakery", "amount": "10.00"},
                    {"sku": "milk", "category": "groceries", "amount": "10.00"},
                ],
            })  # fmt: skip
            started = time.perf_counter()
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            try:
                conn.request("POST", path, body=body, headers={
                    "Authorization": f"Api-Key {key}", "Content-Type": "application/json",
                    "Host": "localhost",
                })  # fmt: skip
                response = conn.getresponse()
                response.read()
                codes[response.status] += 1
            except OSError as error:
                codes[type(error).__name__] += 1
            finally:
                conn.close()
            mine.append((time.perf_counter() - started) * 1000)
        with lock:
            latencies.extend(mine)
            statuses.update(codes)

    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return latencies, statuses


@contextlib.contextmanager
def _gunicorn(port: int, workers: int):
    """gunicorn serving the app with the bench settings on 127.0.0.1:`port`, until exit."""
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "loyalty.settings.bench"}
    server = subprocess.Popen(  # noqa: S603
        [str(Path(sys.executable).parent / "gunicorn"), "loyalty.wsgi:application",
         "--bind", f"127.0.0.1:{port}", "--workers", str(workers), "--log-level", "warning"],
        cwd=BASE_DIR, env=env,
    )  # fmt: skip
    try:
        for _ in range(150):
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
                conn.request("GET", "/healthz", headers={"Host": "localhost"})
                conn.getresponse().read()
                break
            except OSError:
                time.sleep(0.2)
        yield
    finally:
        server.terminate()
        server.wait(timeout=30)


def _load_spread(ports: list[int], path: str, key: str, cards: list[str], seconds: float,
                 clients: int):  # fmt: skip
    """`clients` split evenly over the servers on `ports`, all at once."""
    results: list = [None] * len(ports)

    def run(index: int) -> None:
        results[index] = _load(
            ports[index], path, key, cards[index :: len(ports)], seconds, clients // len(ports)
        )

    threads = [threading.Thread(target=run, args=(index,)) for index in range(len(ports))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    latencies, statuses = [], Counter()
    for part_latencies, part_statuses in results:
        latencies.extend(part_latencies)
        statuses.update(part_statuses)
    return latencies, statuses


def _api_key() -> str:
    from bench.data import bench_store
    from loyalty.services.api_keys import api_key_create

    _api_key, raw_key = api_key_create(store=bench_store(), name="bench load")
    return raw_key


def _workers() -> int:
    return (os.cpu_count() or 1) * 2 + 1


def earn_http(*, cards: list[str], seconds: float, clients: int = 16, port: int = 8765) -> Row:
    raw_key = _api_key()
    workers = _workers()
    purchases_before = Purchase.objects.count()
    points_before = _purchase_points()
    with _gunicorn(port, workers):
        _load(port, "/bench/floor/earn/", raw_key, cards, 2, clients)  # warm every worker
        floor, floor_codes = _load(port, "/bench/floor/earn/", raw_key, cards, seconds, clients)
        earn, earn_codes = _load(port, "/api/v1/purchases/", raw_key, cards, seconds, clients)
        # One till alone: the time a purchase takes when nothing queues in front of it.
        alone, alone_codes = _load(port, "/api/v1/purchases/", raw_key, cards, seconds / 3, 1)
    earned = Purchase.objects.count() - purchases_before - alone_codes[201]
    credited = _purchase_points() - points_before
    earn_rate, floor_rate = earn_codes[201] / seconds, floor_codes[201] / seconds
    p99 = percentile(earn, 0.99)
    checks = []
    _check(checks, set(earn_codes) == {201}, f"earn answers {dict(earn_codes)}")
    _check(checks, set(floor_codes) == {201}, f"floor answers {dict(floor_codes)}")
    _check(checks, set(alone_codes) == {201}, f"one client's answers {dict(alone_codes)}")
    _check(checks, earned == earn_codes[201], f"{earned} purchases recorded")
    _check(
        checks,
        earned > 0 and credited >= earned * MIN_POINTS_PER_BASKET,
        f"{credited} points credited (every basket earns at least {MIN_POINTS_PER_BASKET})",
    )
    return Row(
        name=f"earn over HTTP: {clients} clients, {seconds:.0f} s, gunicorn {workers} workers",
        measured=f"{earn_rate:.0f}/s, p50 {statistics.median(earn):.0f} ms, p99 {p99:.0f} ms; "
        f"one client alone: p50 {statistics.median(alone):.0f} ms, "
        f"p99 {percentile(alone, 0.99):.0f} ms",
        floor=f"{floor_rate:.0f}/s, p50 {statistics.median(floor):.0f} ms, "
        f"p99 {percentile(floor, 0.99):.0f} ms",
        ratio=earn_rate / floor_rate if floor_rate else None,
        goal="≥ 0.5 x floor, p99 ≤ 50 ms",
        met=earn_rate >= 0.5 * floor_rate and p99 <= 50,
        checks=checks,
        data={"per_second": earn_rate, "p50_ms": statistics.median(earn), "p99_ms": p99,
              "floor_per_second": floor_rate, "floor_p50_ms": statistics.median(floor),
              "floor_p99_ms": percentile(floor, 0.99), "workers": workers,
              "clients": clients, "seconds": seconds, "points_credited": credited,
              "alone_p50_ms": statistics.median(alone), "alone_p99_ms": percentile(alone, 0.99),
              "alone_per_second": alone_codes[201] / (seconds / 3)},
    )  # fmt: skip


# The bench basket (coffee, bakery, groceries at 10.00 each) earns 30 base points, more with
# the coffee multiplier, the promotion, the threshold bonus and a tier.
MIN_POINTS_PER_BASKET = 30


def _purchase_points() -> int:
    from django.db.models import Sum

    return Purchase.objects.aggregate(total=Sum("points"))["total"] or 0


# --- (3) expiry -----------------------------------------------------------------------------

# The same writes as points_expire_due, set-based: lock the accounts, one EXPIRY entry and one
# allocation per due lot with its running balance_after, zero the lots, lower the balances.
_FLOOR_EXPIRY = [
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


def _expire_in_child(now: datetime.datetime) -> dict:
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
    small = _expire_in_child(today)

    due = PointsLot.objects.filter(is_pending=False, remaining__gt=0, expires_at__lte=now)
    due_lots = due.count()
    due_accounts = due.values("account_id").distinct().count()
    phases = {}
    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        for number, statement in enumerate(_FLOOR_EXPIRY):
            phase_started = time.perf_counter()
            cursor.execute(statement, {"now": now})
            phases[f"floor_step_{number}"] = time.perf_counter() - phase_started
        transaction.set_rollback(True)  # the floor leaves the data as it found it
    floor_seconds = time.perf_counter() - started

    full = _expire_in_child(now)
    seconds = full["seconds"]
    peak_mb = max(small["rss_peak_kb"], full["rss_peak_kb"]) / 1024
    baseline_mb = full["rss_before_kb"] / 1024
    scaling = (seconds / max(full["expired"], 1)) / (small["seconds"] / max(small["expired"], 1))

    from loyalty.services.expiry import points_expire_due

    again = points_expire_due(now=now)
    checks = []
    _check(checks, small["expired"] == tenth.lots, f"{small['expired']} of {tenth.lots} (tenth)")
    _check(checks, full["expired"] == due_lots, f"{full['expired']} of {due_lots} expired")
    _check(checks, again == 0, f"second run expired {again}")
    _check(
        checks,
        not PointsAccount.objects.filter(balance__lt=0).exists(),
        "no negative balance",
    )
    if audit:
        started = time.perf_counter()
        problems = ledger_problems()
        phases["audit"] = time.perf_counter() - started
        _check(checks, not problems, f"audit after expiry: {problems[:3] or 'clean'}")
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


# --- (6) scale-out --------------------------------------------------------------------------


def scale_out_earn(*, cards: list[str], seconds: float, clients: int = 16,
                   ports: tuple[int, int] = (8765, 8766)) -> Row:  # fmt: skip
    """Earn against one gunicorn instance, then against two (each with the same workers, as
    if on their own machines) sharing one PostgreSQL and Redis, the clients split over both."""
    raw_key = _api_key()
    workers = _workers()
    path = "/api/v1/purchases/"
    purchases_before = Purchase.objects.count()
    with _gunicorn(ports[0], workers):
        _load(ports[0], path, raw_key, cards, 2, clients)  # warm every worker
        one, one_codes = _load(ports[0], path, raw_key, cards, seconds, clients)
    with _gunicorn(ports[0], workers), _gunicorn(ports[1], workers):
        _load_spread(list(ports), path, raw_key, cards, 2, clients)
        two, two_codes = _load_spread(list(ports), path, raw_key, cards, seconds, clients)
    recorded = Purchase.objects.count() - purchases_before
    one_rate, two_rate = one_codes[201] / seconds, two_codes[201] / seconds
    checks = []
    _check(checks, set(one_codes) == {201}, f"one instance answers {dict(one_codes)}")
    _check(checks, set(two_codes) == {201}, f"two instances answer {dict(two_codes)}")
    warm = recorded - one_codes[201] - two_codes[201]
    _check(checks, warm >= 0, f"{recorded} purchases recorded ({warm} while warming up)")
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


_DOUBLE_EXPIRY = """
SELECT count(*) FROM (
  SELECT a.lot_id FROM loyalty_lotallocation a
  JOIN loyalty_pointsentry e ON e.id = a.entry_id AND e.kind = 'expiry'
  GROUP BY a.lot_id HAVING count(*) > 1
) doubled
"""


@contextlib.contextmanager
def _celery_workers(queues: list[str]):
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
        cursor.execute(_EXPECTED_REMINDERS, {"now": now, "zone": settings.TIME_ZONE})
        (expected,) = cursor.fetchone()
    outbox_before = OutboxEmail.objects.count()
    queues = ["bench-nightly-a", "bench-nightly-b"]
    with _celery_workers(queues):
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
        cursor.execute(_DOUBLE_EXPIRY)
        (doubled,) = cursor.fetchone()
    checks = []
    _check(checks, ran_on == {f"{queue}@bench" for queue in queues}, f"ran on {sorted(ran_on)}")
    _check(checks, sum(expired_by) == due, f"expired {expired_by} of {due} due lots")
    _check(checks, doubled == 0, f"{doubled} lots expired twice")
    _check(checks, not due_lots.exists(), "no due lot left")
    _check(
        checks,
        sum(reminded_by) == expected == written,
        f"reminders {reminded_by}, {expected} expected, {written} written",
    )
    _check(checks, not PointsAccount.objects.filter(balance__lt=0).exists(), "no negative balance")
    problems = ledger_problems(account_ids=generated.account_ids)
    _check(checks, not problems, f"audit: {problems[:3] or 'clean'}")
    return Row(
        name=f"scale-out nightly: 2 workers at once, {due} due lots, {expected} reminders",
        measured=f"{seconds:.1f} s for expiry + reminders in both workers",
        goal="each lot expired once, each reminder once",
        met=_all_ok(checks),
        checks=checks,
        data={"seconds": seconds, "due_lots": due, "expired_by_worker": expired_by,
              "reminders_expected": expected, "reminders_by_worker": reminded_by,
              "members": generated.members},
    )  # fmt: skip
