"""`python -m bench [--quick]`: generate data, run the workloads, print the table, write JSON.

Needs PostgreSQL and Redis (loyalty.settings.bench: BENCH_DATABASE_URL, REDIS_URL). The bench
database is emptied and regenerated on every run; it must be one whose name contains "bench".
"""

import argparse
import datetime
import json
import os
import platform
import sys
import time
from dataclasses import asdict
from pathlib import Path

RESULTS_DIR = Path(__file__).resolve().parent / "results"

SIZES = {
    # members, lots and entries per member (full: 100k members, 1M lots, 1M entries), and the
    # purchase history (full: 10k purchases a day over two years)
    "quick": {"members": 2000, "lots_per_member": 10, "entries_per_member": 10,
              "purchases_per_day": 100},
    "full": {"members": 100_000, "lots_per_member": 10, "entries_per_member": 10,
             "purchases_per_day": 10_000},
}  # fmt: skip
HISTORY_DAYS = 730

# Everything the generator and the workloads write, emptied before a run.
_TABLES = (
    "members_user, members_member, loyalty_pointsaccount, loyalty_pointsentry, "
    "loyalty_pointslot, loyalty_lotallocation, loyalty_purchase, loyalty_store, "
    "loyalty_outboxemail, loyalty_programsettings, rewards_reward, rewards_redemption, "
    "loyalty_earningrule, loyalty_tier, loyalty_tierchange, loyalty_challenge, "
    "loyalty_productcategory, loyalty_surveyinvitation"
)


WORKLOADS = ("pages", "reminders", "redemption", "earn", "expiry", "scaleout")


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="small sizes, about a minute")
    parser.add_argument("--members", type=int)
    parser.add_argument("--lots-per-member", type=int)
    parser.add_argument("--entries-per-member", type=int)
    parser.add_argument("--purchases-per-day", type=int, help="history over two years")
    parser.add_argument("--heavy-entries", type=int, default=10_000)
    parser.add_argument("--heavy-lots", type=int, default=500)
    parser.add_argument("--earn-seconds", type=float, help="default 10 (quick) or 30")
    parser.add_argument("--skip-earn", action="store_true", help="no gunicorn workload")
    parser.add_argument("--audit", action="store_true", help="ledger audit (always in --quick)")
    parser.add_argument(
        "--only",
        help=f"comma-separated workloads to run, of: {', '.join(WORKLOADS)} (default: all)",
    )
    return parser.parse_args()


def _refuse(message: str) -> None:
    print(f"PostgreSQL and Redis are required: {message}", file=sys.stderr)
    sys.exit(2)


def _services_check() -> str:
    """The PostgreSQL server version; exits with a clear message when a service is missing."""
    import psycopg
    import redis
    from django.conf import settings

    database = settings.DATABASES["default"]
    if database["ENGINE"] != "django.db.backends.postgresql":
        _refuse(f"BENCH_DATABASE_URL is not PostgreSQL ({database['ENGINE']}).")
    if "bench" not in database["NAME"]:
        _refuse(f"the database {database['NAME']!r} is not a bench database (it is emptied).")
    try:
        with psycopg.connect(
            dbname=database["NAME"], user=database["USER"], password=database["PASSWORD"] or None,
            host=database["HOST"] or None, port=database["PORT"] or None, connect_timeout=3,
        ) as conn:  # fmt: skip
            version = conn.execute("SHOW server_version").fetchone()[0]
    except psycopg.Error as error:
        _refuse(f"cannot reach PostgreSQL database {database['NAME']!r}: {error}".strip())
    try:
        redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=2).ping()
    except redis.RedisError as error:
        _refuse(f"cannot reach Redis at {settings.REDIS_URL}: {error}")
    return version


def _reset() -> None:
    from django.db import connection

    from bench.views import floor_table_create

    floor_table_create()
    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {_TABLES}, bench_floor_row RESTART IDENTITY CASCADE")


def _program_setup():
    """A program like a real one, so that earning does all its work: a base rate, a category
    multiplier and exclusion, a running promotion, a threshold bonus, a daily cap, two tiers,
    a stamp card and the NPS survey (see docs/earning-rules.md)."""
    from decimal import Decimal

    from django.utils import timezone

    from engagement.models import Challenge
    from loyalty.models import EarningRule, ExpiryPolicy, ProductCategory, RuleKind, Tier
    from loyalty.services.program import program_settings_get

    program = program_settings_get()
    program.expiry_policy = ExpiryPolicy.DAYS
    program.expiry_days = 365
    program.reminder_stages = "30,7"
    program.nps_enabled = True
    program.save()
    categories = {
        code: ProductCategory.objects.get_or_create(code=code, defaults={"name": code.title()})[0]
        for code in ("coffee", "bakery", "groceries", "gift-cards")
    }
    now = timezone.now()
    EarningRule.objects.create(name="1 point per unit", kind=RuleKind.BASE_RATE, rate=Decimal(1))
    double = EarningRule.objects.create(
        name="Double coffee", kind=RuleKind.CATEGORY_MULTIPLIER, multiplier=Decimal(2)
    )
    double.categories.add(categories["coffee"])
    excluded = EarningRule.objects.create(name="No gift cards", kind=RuleKind.CATEGORY_EXCLUSION)
    excluded.categories.add(categories["gift-cards"])
    EarningRule.objects.create(
        name="Bench week", kind=RuleKind.PROMOTION, multiplier=Decimal("1.5"),
        starts_at=now - datetime.timedelta(days=1), ends_at=now + datetime.timedelta(days=30),
    )  # fmt: skip
    EarningRule.objects.create(
        name="Spend 25, get 10", kind=RuleKind.THRESHOLD_BONUS,
        threshold_amount=Decimal(25), points=10,
    )  # fmt: skip
    EarningRule.objects.create(name="Daily cap", kind=RuleKind.DAILY_CAP, points=5000)
    Tier.objects.create(
        name="Silver", rank=1, threshold=Decimal(500), earn_multiplier=Decimal("1.25")
    )
    Tier.objects.create(
        name="Gold", rank=2, threshold=Decimal(5000), earn_multiplier=Decimal("1.5")
    )
    Challenge.objects.create(
        name="Coffee club", starts_at=now - datetime.timedelta(days=30), purchases_needed=5,
        category=categories["coffee"], reward_points=100, repeatable=True,
    )  # fmt: skip


def _print_table(rows) -> None:
    header = ("workload", "measured", "floor (same run)", "ratio", "goal", "status")
    lines = [
        (row.name, row.measured, row.floor, f"{row.ratio:.2f}x" if row.ratio else "-", row.goal,
         row.status)
        for row in rows
    ]  # fmt: skip
    widths = [max(len(str(line[i])) for line in [header, *lines]) for i in range(len(header))]
    print()
    print(" | ".join(title.ljust(width) for title, width in zip(header, widths, strict=True)))
    print("-+-".join("-" * width for width in widths))
    for line in lines:
        print(" | ".join(str(cell).ljust(width) for cell, width in zip(line, widths, strict=True)))
    for row in rows:
        for check in row.checks:
            print(f"  [{row.name.split(':')[0].split(' (')[0]}] {check}")


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "loyalty.settings.bench")
    arguments = _arguments()
    import django

    django.setup()
    postgres_version = _services_check()

    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from bench import workloads
    from bench.data import generate, history
    from loyalty.audit import ledger_problems

    mode = "quick" if arguments.quick else "full"
    sizes = dict(SIZES[mode])
    for name in sizes:
        if getattr(arguments, name) is not None:
            sizes[name] = getattr(arguments, name)
    if sizes != SIZES[mode]:
        mode = "custom"
    chosen = set(WORKLOADS)
    if arguments.only:
        chosen = {name.strip() for name in arguments.only.split(",") if name.strip()}
        unknown = chosen - set(WORKLOADS)
        if unknown:
            sys.exit(f"Unknown workload(s): {', '.join(sorted(unknown))}; choose from {WORKLOADS}")
    if arguments.skip_earn:
        chosen.discard("earn")
    earn_seconds = arguments.earn_seconds or (10 if arguments.quick else 30)
    audit = arguments.quick or arguments.audit
    print(f"bench ({mode}): {sizes}, {os.cpu_count()} CPUs, PostgreSQL {postgres_version}")

    rows = []
    now = timezone.now().replace(microsecond=0)
    started = time.perf_counter()
    _reset()
    _program_setup()
    per_day = sizes.pop("purchases_per_day")
    main_data = generate(now=now, prefix="m", **sizes)
    sizes["purchases_per_day"] = per_day
    history_purchases = history(
        member_ids=main_data.member_ids, per_day=per_day, days=HISTORY_DAYS, now=now
    )
    heavy = generate(
        now=now, prefix="heavy", members=1, lots_per_member=arguments.heavy_lots,
        entries_per_member=arguments.heavy_entries,
    )  # fmt: skip
    generate_seconds = time.perf_counter() - started
    # users, members, accounts, entries, lots, purchases and lines written
    rows_written = 3 * main_data.members + 2 * main_data.lots + main_data.entries
    rows_written += 2 * history_purchases
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    row = workloads.Row(
        name=f"setup: generate {main_data.members} members, {main_data.entries} entries, "
        f"{main_data.lots} lots, {history_purchases} older purchases "
        f"(+1 member with {heavy.entries} entries)",
        measured=f"{generate_seconds:.1f} s, {rows_written / generate_seconds:.0f} rows/s",
        data={"seconds": generate_seconds, "rows": rows_written, **sizes},
    )
    if audit:
        audit_started = time.perf_counter()
        problems = ledger_problems()
        row.data["audit_seconds"] = time.perf_counter() - audit_started
        workloads.check(row.checks, not problems, f"ledger audit: {problems[:3] or 'clean'}")
    rows.append(row)
    print(f"generated in {generate_seconds:.1f} s")

    manager = get_user_model().objects.create_superuser(email="bench-manager@bench.example")
    repeat = 30 if arguments.quick else 100
    if "pages" in chosen:
        rows += workloads.pages(heavy=heavy, small=main_data, manager=manager, repeat=repeat)
        print("pages done")
    if "reminders" in chosen:
        rows.append(workloads.reminders(now=now))
        print("reminders done")
    if "redemption" in chosen:
        rows.append(workloads.redemptions())
        print("redemptions done")
    if "earn" in chosen:
        rows.append(
            workloads.earn_http(cards=main_data.card_numbers[:10_000], seconds=earn_seconds)
        )
        print("earn done")
    if "expiry" in chosen:
        keys = ("members", "lots_per_member", "entries_per_member")
        due_at = now + datetime.timedelta(days=400)
        rows.append(
            workloads.expiry(now=due_at, audit=audit, sizes={key: sizes[key] for key in keys})
        )
        print("expiry done")
    if "scaleout" in chosen:
        cards = main_data.card_numbers[:10_000]
        rows.append(workloads.scale_out_earn(cards=cards, seconds=earn_seconds))
        rows.append(workloads.scale_out_nightly(members=max(100, sizes["members"] // 4)))

    _print_table(rows)
    RESULTS_DIR.mkdir(exist_ok=True)
    stem = datetime.date.today().isoformat()
    if chosen != set(WORKLOADS):
        stem += "-only-" + "-".join(sorted(chosen))  # a partial run keeps the full one
    path = RESULTS_DIR / f"{stem}.json"
    path.write_text(
        json.dumps(
            {
                "mode": mode,
                "sizes": sizes,
                "workloads_run": [name for name in WORKLOADS if name in chosen],
                "at": datetime.datetime.now(datetime.UTC).isoformat(),
                "machine": {"cpu_count": os.cpu_count(), "platform": platform.platform()},
                "versions": {
                    "python": platform.python_version(),
                    "django": django.get_version(),
                    "postgresql": postgres_version,
                },
                "workloads": [{**asdict(row), "status": row.status} for row in rows],
            },
            indent=2,
            default=str,
        )
    )
    print(f"\nwritten {path.relative_to(Path.cwd()) if path.is_relative_to(Path.cwd()) else path}")
    failed = [row.name for row in rows if row.status == "CHECK FAILED"]
    if failed:
        # Speed never fails a run; a wrong outcome does (so CI catches a benchmark gone stale).
        sys.exit(f"Exact-outcome checks failed in: {'; '.join(failed)}")


if __name__ == "__main__":
    main()
