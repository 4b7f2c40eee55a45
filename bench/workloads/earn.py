"""(1) Earning over HTTP: purchases through gunicorn under concurrent clients."""

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
from pathlib import Path

from bench.workloads.core import BASE_DIR, Row, check, percentile
from loyalty.models import Purchase

# --- (1) earn over HTTP ---------------------------------------------------------------------


def load(port: int, path: str, key: str, cards: list[str], seconds: float, clients: int):
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
def gunicorn(port: int, workers: int):
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


def load_spread(ports: list[int], path: str, key: str, cards: list[str], seconds: float,
                 clients: int):  # fmt: skip
    """`clients` split evenly over the servers on `ports`, all at once."""
    results: list = [None] * len(ports)

    def run(index: int) -> None:
        results[index] = load(
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


def api_key() -> str:
    from bench.data import bench_store
    from loyalty.services.api_keys import api_key_create

    _api_key, raw_key = api_key_create(store=bench_store(), name="bench load")
    return raw_key


def worker_count() -> int:
    return (os.cpu_count() or 1) * 2 + 1


def earn_http(*, cards: list[str], seconds: float, clients: int = 16, port: int = 8765) -> Row:
    raw_key = api_key()
    workers = worker_count()
    purchases_before = Purchase.objects.count()
    points_before = purchase_points()
    with gunicorn(port, workers):
        load(port, "/bench/floor/earn/", raw_key, cards, 2, clients)  # warm every worker
        floor, floor_codes = load(port, "/bench/floor/earn/", raw_key, cards, seconds, clients)
        earn, earn_codes = load(port, "/api/v1/purchases/", raw_key, cards, seconds, clients)
        # One till alone: the time a purchase takes when nothing queues in front of it.
        alone, alone_codes = load(port, "/api/v1/purchases/", raw_key, cards, seconds / 3, 1)
    earned = Purchase.objects.count() - purchases_before - alone_codes[201]
    credited = purchase_points() - points_before
    earn_rate, floor_rate = earn_codes[201] / seconds, floor_codes[201] / seconds
    p99 = percentile(earn, 0.99)
    checks = []
    check(checks, set(earn_codes) == {201}, f"earn answers {dict(earn_codes)}")
    check(checks, set(floor_codes) == {201}, f"floor answers {dict(floor_codes)}")
    check(checks, set(alone_codes) == {201}, f"one client's answers {dict(alone_codes)}")
    check(checks, earned == earn_codes[201], f"{earned} purchases recorded")
    check(
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


def purchase_points() -> int:
    from django.db.models import Sum

    return Purchase.objects.aggregate(total=Sum("points"))["total"] or 0
