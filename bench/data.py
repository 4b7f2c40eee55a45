"""A fast, ledger-consistent data generator: COPY through psycopg, a chunk of members at a time.

Every member gets a user, a member profile with a Luhn-valid card number, a points account,
`lots` purchases (one line each) each crediting one lot (one PURCHASE entry per lot), and
`entries - lots`
more entries: pairs of a SPEND from a lot and its SPEND_REVERSAL putting the points back
(with their lot allocations), plus one final 1-point SPEND when the difference is odd. So for
every account, balance == sum(entries) == sum(remaining of available lots), which
`loyalty.audit.ledger_problems()` checks.

Lots are earned over the last year and expire at the midnight ending the 365th day after
earning (the "N days" policy). Each member's first lot expires within the next 30 days, so
every generated member is in the expiry-reminder window at `now`; every lot is due at
`now + 400 days`.

`history()` adds older purchases (10k a day over two years at full size) for reports and tier
sums to run on real volumes.
"""

import datetime
import random
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import connection
from django.utils import timezone

from loyalty.models import EntryKind, Store
from members.identifiers import luhn_check_digit

PURCHASE = EntryKind.PURCHASE.value
SPEND = EntryKind.SPEND.value
SPEND_REVERSAL = EntryKind.SPEND_REVERSAL.value

EXPIRY_DAYS = 365
HISTORY_DAYS = 364
CHUNK_MEMBERS = 5000
BENCH_STORE_CODE = "bench"

USER_COLUMNS = [
    "id",
    "password",
    "is_superuser",
    "first_name",
    "last_name",
    "is_staff",
    "is_active",
    "date_joined",
    "email",
]
MEMBER_COLUMNS = [
    "id",
    "user_id",
    "card_number",
    "phone",
    "reminder_emails",
    "marketing_emails",
    "language",
    "joined_at",
]
ACCOUNT_COLUMNS = [
    "id",
    "member_id",
    "balance",
    "pending",
    "debt",
    "lifetime_earned",
    "created_at",
    "updated_at",
]
PURCHASE_COLUMNS = [
    "id",
    "member_id",
    "store_id",
    "external_id",
    "occurred_at",
    "recorded_at",
    "total",
    "currency",
    "points",
    "bonus_points",
    "cap_reduction",
    "breakdown",
    "points_reversed",
]
ENTRY_COLUMNS = [
    "id",
    "account_id",
    "kind",
    "points",
    "balance_after",
    "debt_change",
    "note",
    "created_at",
    "purchase_id",
    "store_id",
    "reverses_id",
]
LOT_COLUMNS = [
    "id",
    "account_id",
    "entry_id",
    "kind",
    "purchase_id",
    "points",
    "remaining",
    "is_pending",
    "earned_at",
    "available_at",
    "expires_at",
]
ALLOCATION_COLUMNS = ["entry_id", "lot_id", "points"]
LINE_COLUMNS = [
    "purchase_id",
    "position",
    "sku",
    "description",
    "category_id",
    "quantity",
    "amount",
    "points",
    "eligible",
    "returned_quantity",
]


@dataclass
class Generated:
    prefix: str
    now: datetime.datetime
    members: int = 0
    lots: int = 0
    entries: int = 0
    account_ids: list[int] = field(default_factory=list)
    member_ids: list[int] = field(default_factory=list)
    user_ids: list[int] = field(default_factory=list)
    card_numbers: list[str] = field(default_factory=list)


def bench_store() -> Store:
    store, _created = Store.objects.get_or_create(
        code=BENCH_STORE_CODE, defaults={"name": "Benchmark store"}
    )
    return store


def card_number_for(member_id: int) -> str:
    body = "9" + f"{member_id:010d}"
    return body + luhn_check_digit(body)


def expires_for(earned_at: datetime.datetime) -> datetime.datetime:
    """Midnight (UTC, the bench program's zone) ending the 365th day after earning."""
    day = earned_at.date() + datetime.timedelta(days=EXPIRY_DAYS + 1)
    return datetime.datetime.combine(day, datetime.time.min, tzinfo=datetime.UTC)


def _reserve_ids(cursor, table: str, count: int) -> int:
    """The first of `count` consecutive ids taken from the table's sequence."""
    if connection.vendor != "postgresql":
        cursor.execute(f"SELECT COALESCE(MAX(id), 0) + 1 FROM {table}")  # noqa: S608
        (first,) = cursor.fetchone()
        return first
    cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [table])
    (sequence,) = cursor.fetchone()
    cursor.execute("SELECT nextval(%s)", [sequence])
    (first,) = cursor.fetchone()
    cursor.execute("SELECT setval(%s, %s)", [sequence, first + count])
    return first


def _copy(cursor, table: str, columns: list[str], rows: list[tuple]) -> None:
    if not rows:
        return
    if connection.vendor != "postgresql":
        # SQLite (the test suite without DATABASE_URL): no COPY, one executemany instead.
        marks = ", ".join(["%s"] * len(columns))
        with connection.cursor() as django_cursor:
            django_cursor.executemany(
                f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})",  # noqa: S608
                rows,
            )
        return
    with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)


def generate(
    *,
    members: int,
    lots_per_member: int,
    entries_per_member: int,
    prefix: str = "m",
    now: datetime.datetime | None = None,
    seed: int = 42,
    points_range: tuple[int, int] = (10, 500),
) -> Generated:
    """Write `members` members with their ledgers; returns what was written.

    `entries_per_member` must be at least `lots_per_member` (one earning entry per lot).
    """
    if entries_per_member < lots_per_member or lots_per_member < 1:
        raise ValueError("Need 1 <= lots_per_member <= entries_per_member.")
    now = (now or timezone.now()).replace(microsecond=0)
    rng = random.Random(seed)  # noqa: S311 - reproducible data, not secrets
    store_id = bench_store().pk
    result = Generated(prefix=prefix, now=now)
    with connection.cursor() as wrapper:
        cursor = wrapper.cursor if connection.vendor == "postgresql" else wrapper
        for chunk_start in range(0, members, CHUNK_MEMBERS):
            count = min(CHUNK_MEMBERS, members - chunk_start)
            _generate_chunk(
                cursor,
                rng=rng,
                result=result,
                count=count,
                lots_per_member=lots_per_member,
                entries_per_member=entries_per_member,
                store_id=store_id,
                points_range=points_range,
            )
    return result


def _generate_chunk(
    cursor,
    *,
    rng: random.Random,
    result: Generated,
    count: int,
    lots_per_member: int,
    entries_per_member: int,
    store_id: int,
    points_range: tuple[int, int],
) -> None:
    now = result.now
    lot_count = count * lots_per_member
    entry_count = count * entries_per_member
    next_user = _reserve_ids(cursor, "members_user", count)
    next_member = _reserve_ids(cursor, "members_member", count)
    next_account = _reserve_ids(cursor, "loyalty_pointsaccount", count)
    next_purchase = _reserve_ids(cursor, "loyalty_purchase", lot_count)
    next_entry = _reserve_ids(cursor, "loyalty_pointsentry", entry_count)
    next_lot = _reserve_ids(cursor, "loyalty_pointslot", lot_count)

    users, member_rows, accounts, purchases, lines, entries, lots, allocations = (
        [] for _ in range(8)
    )
    joined = now - datetime.timedelta(days=HISTORY_DAYS + 1)
    for index in range(count):
        user_id, member_id, account_id = (
            next_user + index,
            next_member + index,
            next_account + index,
        )
        card_number = card_number_for(member_id)
        users.append(
            (user_id, "!bench", False, "Bench", str(member_id), False, True, joined,
             f"{result.prefix}-{member_id}@bench.example")
        )  # fmt: skip
        member_rows.append((member_id, user_id, card_number, "", True, False, "", joined))

        # Credits: one purchase, entry and lot each; the first lot expires within 30 days.
        timeline = []  # (time, order, kind, points, purchase_id, lot_index, reverses_index)
        member_lots = []  # [lot_id, entry_index, points, remaining, earned_at, purchase_id]
        for lot_index in range(lots_per_member):
            if lot_index == 0:
                age = datetime.timedelta(days=EXPIRY_DAYS - 1 - rng.uniform(1.5, 27))
            else:
                age = datetime.timedelta(seconds=rng.uniform(3600, HISTORY_DAYS * 86400))
            earned_at = (now - age).replace(microsecond=0)
            points = rng.randint(*points_range)
            purchase_id = next_purchase
            next_purchase += 1
            purchases.append(
                (purchase_id, member_id, store_id, f"{result.prefix}-{purchase_id}", earned_at,
                 earned_at, Decimal(points), "USD", points, 0, 0, "[]", 0)
            )  # fmt: skip
            lines.append((purchase_id, 1, "", "", None, 1, Decimal(points), points, True, 0))
            member_lots.append([next_lot, None, points, points, earned_at, purchase_id])
            next_lot += 1
            timeline.append((earned_at, 0, PURCHASE, points, purchase_id, lot_index))

        # Spends and their reversals leave the lots as they were; an odd one out spends 1.
        extra = entries_per_member - lots_per_member
        for pair in range(extra // 2):
            lot_index = pair % lots_per_member
            lot = member_lots[lot_index]
            round_ = pair // lots_per_member
            taken = rng.randint(1, lot[2])
            spent_at = lot[4] + datetime.timedelta(seconds=2 * round_ + 1)
            timeline.append((spent_at, 1, SPEND, -taken, None, lot_index))
            timeline.append(
                (spent_at + datetime.timedelta(seconds=1), 2, SPEND_REVERSAL, taken,
                 None, lot_index)
            )  # fmt: skip
        if extra % 2:
            last = max(item[0] for item in timeline) + datetime.timedelta(seconds=1)
            timeline.append((last, 3, SPEND, -1, None, 0))
            member_lots[0][3] -= 1

        timeline.sort(key=lambda item: (item[0], item[1]))
        balance = 0
        last_spend_entry = None
        for created_at, _order, kind, points, purchase_id, lot_index in timeline:
            entry_id = next_entry
            next_entry += 1
            balance += points
            lot = member_lots[lot_index]
            reverses = last_spend_entry if kind == SPEND_REVERSAL else None
            entries.append(
                (entry_id, account_id, kind, points, balance, 0, "", created_at, purchase_id,
                 store_id if purchase_id else None, reverses)
            )  # fmt: skip
            if kind == PURCHASE:
                lot[1] = entry_id
            else:
                allocations.append((entry_id, lot[0], points))
            last_spend_entry = entry_id if kind == SPEND else None
        for lot_id, entry_id, points, remaining, earned_at, purchase_id in member_lots:
            lots.append(
                (lot_id, account_id, entry_id, PURCHASE, purchase_id, points, remaining,
                 False, earned_at, earned_at, expires_for(earned_at))
            )  # fmt: skip
        lifetime = sum(lot[2] for lot in member_lots)
        accounts.append((account_id, member_id, balance, 0, 0, lifetime, joined, now))
        result.account_ids.append(account_id)
        result.member_ids.append(member_id)
        result.user_ids.append(user_id)
        result.card_numbers.append(card_number)

    _copy(cursor, "members_user", USER_COLUMNS, users)
    _copy(cursor, "members_member", MEMBER_COLUMNS, member_rows)
    _copy(cursor, "loyalty_pointsaccount", ACCOUNT_COLUMNS, accounts)
    _copy(cursor, "loyalty_purchase", PURCHASE_COLUMNS, purchases)
    _copy(cursor, "loyalty_purchaseline", LINE_COLUMNS, lines)
    _copy(cursor, "loyalty_pointsentry", ENTRY_COLUMNS, entries)
    _copy(cursor, "loyalty_pointslot", LOT_COLUMNS, lots)
    _copy(cursor, "loyalty_lotallocation", ALLOCATION_COLUMNS, allocations)
    result.members += count
    result.lots += len(lots)
    result.entries += len(entries)


HISTORY_CHUNK = 50_000


def history(
    *,
    member_ids: list[int],
    per_day: int,
    days: int,
    now: datetime.datetime | None = None,
    seed: int = 7,
) -> int:
    """Purchase history: `per_day` purchases a day over the last `days` days, for random
    members, one line each, so that reports and tier sums work on real volumes.

    They carry no points: whatever they earned has left the ledger the generator writes, so
    the ledger invariant is untouched. Returns the number of purchases written.
    """
    from loyalty.models import ProductCategory

    if not member_ids or per_day <= 0 or days <= 0:
        return 0
    now = (now or timezone.now()).replace(microsecond=0)
    rng = random.Random(seed)  # noqa: S311 - reproducible data, not secrets
    store_id = bench_store().pk
    category_ids = [None, *ProductCategory.objects.values_list("pk", flat=True)]
    total = per_day * days
    start = now - datetime.timedelta(days=days)
    written = 0
    with connection.cursor() as wrapper:
        cursor = wrapper.cursor if connection.vendor == "postgresql" else wrapper
        while written < total:
            count = min(HISTORY_CHUNK, total - written)
            first = _reserve_ids(cursor, "loyalty_purchase", count)
            purchases, lines = [], []
            for offset in range(count):
                purchase_id = first + offset
                occurred_at = start + datetime.timedelta(
                    seconds=(written + offset) * days * 86400 // total + rng.randint(0, 59)
                )
                amount = Decimal(rng.randint(100, 12_000)) / 100
                purchases.append(
                    (purchase_id, rng.choice(member_ids), store_id, f"history-{purchase_id}",
                     occurred_at, occurred_at, amount, "USD", 0, 0, 0, "[]", 0)
                )  # fmt: skip
                lines.append(
                    (purchase_id, 1, "", "", rng.choice(category_ids), 1, amount, 0, True, 0)
                )
            _copy(cursor, "loyalty_purchase", PURCHASE_COLUMNS, purchases)
            _copy(cursor, "loyalty_purchaseline", LINE_COLUMNS, lines)
            written += count
    return written
