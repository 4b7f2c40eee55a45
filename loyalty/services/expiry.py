"""Expiry of points: lots past their date, and (optionally) balances of inactive members.

Set-based and batched: each batch locks its accounts in pk order, then writes one entry (and
its allocation) per lot with a few set-based statements in a single transaction. A crash
between batches loses nothing, and a second run finds nothing left to do.
"""

import datetime

from django.db import connection
from django.db.models import Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from loyalty.models import EntryKind, PointsAccount, PointsLot
from loyalty.platform.db import atomic_with_retry
from loyalty.services.program import program_settings_get

BATCH_SIZE = 10_000


def points_expire_due(*, now: datetime.datetime | None = None, batch_size: int = BATCH_SIZE) -> int:
    """Expire what remains of every available lot whose `expires_at` has passed.

    Returns the number of lots expired.
    """
    now = now or timezone.now()
    expired = 0
    after: int | None = 0
    while after is not None:
        done, after = _expire_batch(now=now, batch_size=batch_size, after=after)
        expired += done
    return expired


def _due_lots(now: datetime.datetime):
    return PointsLot.objects.filter(is_pending=False, remaining__gt=0, expires_at__lte=now)


@atomic_with_retry
def _expire_batch(*, now: datetime.datetime, batch_size: int, after: int) -> tuple[int, int | None]:
    """Expire the first `batch_size` due lots with a pk above `after`.

    Returns how many lots expired and the pk to continue after (None when none is left).
    """
    candidates = list(
        _due_lots(now)
        .filter(pk__gt=after)
        .order_by("pk")
        .values_list("pk", "account_id")[:batch_size]
    )
    if not candidates:
        return 0, None
    _lock_account_ids({account_id for _pk, account_id in candidates})
    expired = _expire_lots([pk for pk, _account in candidates], note=_("Points expired"))
    return expired, candidates[-1][0] if len(candidates) == batch_size else None


def _lock_account_ids(account_ids: set[int]) -> None:
    """`lock_accounts` (pk order) without building model instances nobody reads here, and
    with the ids as one array parameter on PostgreSQL. SQLite has no row locks: its
    transactions take the database's write lock when they begin."""
    id_in, params = _id_in("id", sorted(account_ids))
    for_update = " FOR UPDATE" if connection.features.has_select_for_update else ""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT id FROM loyalty_pointsaccount WHERE {id_in} ORDER BY id{for_update}",  # noqa: S608  # nosec B608
            params,
        )


def _id_in(column: str, ids: list[int]) -> tuple[str, list]:
    """SQL for "`column` is one of `ids`", with its parameters. On PostgreSQL one array
    parameter: sending thousands of separate parameters costs more than the statement."""
    if connection.vendor == "postgresql":
        return f"{column} = ANY(%s)", [ids]
    return f"{column} IN ({', '.join(['%s'] * len(ids))})", ids


# The batch's lots still to expire, each with the balance its account has after it: the
# account's balance minus the running total of its lots, soonest-expiring first (no-expiry
# last), then by pk. (The CAST keeps PostgreSQL's SUM of bigints from turning numeric.)
_EXPIRING_LOTS = """
    INSERT INTO expiring_lot (lot_id, account_id, remaining, purchase_id, balance_after)
    SELECT lot.id, lot.account_id, lot.remaining, lot.purchase_id,
           CAST(account.balance - SUM(lot.remaining) OVER (
               PARTITION BY lot.account_id
               ORDER BY lot.expires_at IS NULL, lot.expires_at, lot.id
           ) AS BIGINT)
    FROM loyalty_pointslot lot
    JOIN loyalty_pointsaccount account ON account.id = lot.account_id
    WHERE {lot_id_in} AND lot.remaining > 0 AND NOT lot.is_pending
"""


def _expire_lots(lot_ids: list[int], *, note: str) -> int:
    """One EXPIRY entry and its allocation per lot of `lot_ids` that still has points; the
    accounts' balances go down by as much. The caller holds the accounts' locks. Returns the
    number of lots expired.

    Raw SQL, for PostgreSQL and SQLite >= 3.35 (window functions, RETURNING, UPDATE ... FROM):
    with the ORM (a model instance per lot, entry and allocation, bulk_update's CASE over the
    balances) two thirds of the time went to Python rather than to the writes. The batch's
    lots are computed once into a temporary table, created and dropped inside the
    transaction (a rollback removes it too).
    """
    if not lot_ids:
        return 0
    lot_id_in, lot_params = _id_in("lot.id", lot_ids)
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TEMPORARY TABLE expiring_lot (lot_id bigint, account_id bigint,"
            " remaining bigint, purchase_id bigint, balance_after bigint)"
        )
        cursor.execute(_EXPIRING_LOTS.format(lot_id_in=lot_id_in), lot_params)
        # Columns left out are NULL, as the ORM writes them; debt_change is its default, 0.
        # Ids follow the running balance, as the history lists entries.
        cursor.execute(
            "INSERT INTO loyalty_pointsentry (account_id, kind, points, balance_after,"
            " debt_change, note, created_at, purchase_id)"
            " SELECT account_id, %s, -remaining, balance_after, 0, %s, %s, purchase_id"
            " FROM expiring_lot ORDER BY account_id, balance_after DESC"
            " RETURNING id",
            [EntryKind.EXPIRY.value, note, now],
        )
        entry_ids = [entry_id for (entry_id,) in cursor.fetchall()]
        if entry_ids:
            # Within an account the balances after are strictly decreasing (every lot has
            # points), so among these entries (account, balance after) names each one's lot.
            entry_id_in, entry_params = _id_in("entry.id", entry_ids)
            cursor.execute(
                "INSERT INTO loyalty_lotallocation (entry_id, lot_id, points)"  # noqa: S608  # nosec B608
                " SELECT entry.id, expiring.lot_id, entry.points FROM expiring_lot expiring"
                " JOIN loyalty_pointsentry entry ON entry.account_id = expiring.account_id"
                " AND entry.balance_after = expiring.balance_after"
                f" WHERE {entry_id_in}",
                entry_params,
            )
            cursor.execute(
                "UPDATE loyalty_pointsaccount SET balance = balance - expiring.total,"
                " updated_at = %s"
                " FROM (SELECT account_id, SUM(remaining) AS total FROM expiring_lot"
                "       GROUP BY account_id) expiring"
                " WHERE loyalty_pointsaccount.id = expiring.account_id",
                [now],
            )
            # By the ids rather than a join with expiring_lot: the planner knows nothing of
            # the temporary table and may scan every lot.
            cursor.execute(
                "UPDATE loyalty_pointslot AS lot SET remaining = 0"  # noqa: S608  # nosec B608
                f" WHERE {lot_id_in} AND lot.remaining > 0 AND NOT lot.is_pending",
                lot_params,
            )
        cursor.execute("DROP TABLE expiring_lot")
    return len(entry_ids)


def inactive_accounts(*, now: datetime.datetime, days: int):
    """Accounts with a balance and no purchase (nor sign-up) in the last `days` days."""
    cutoff = now - datetime.timedelta(days=days)
    return (
        PointsAccount.objects.filter(balance__gt=0, member__joined_at__lte=cutoff)
        .annotate(last_purchase=Max("member__purchases__occurred_at"))
        .filter(Q(last_purchase__isnull=True) | Q(last_purchase__lte=cutoff))
    )


def points_expire_inactive(*, now: datetime.datetime | None = None, batch_size: int = 500) -> int:
    """With the inactivity policy on, expire the whole balance of inactive members.

    Returns the number of accounts whose balance expired; 0 when the policy is off.
    """
    days = program_settings_get().inactivity_days
    if not days:
        return 0
    now = now or timezone.now()
    expired = 0
    while True:
        account_ids = list(
            inactive_accounts(now=now, days=days)
            .order_by("pk")
            .values_list("pk", flat=True)[:batch_size]
        )
        if not account_ids:
            return expired
        done = _expire_inactive_batch(account_ids=account_ids, now=now, days=days)
        if done == 0:
            return expired
        expired += done


@atomic_with_retry
def _expire_inactive_batch(*, account_ids: list[int], now: datetime.datetime, days: int) -> int:
    _lock_account_ids(set(account_ids))
    still_inactive = set(
        inactive_accounts(now=now, days=days)
        .filter(pk__in=account_ids)
        .values_list("pk", flat=True)
    )
    lot_ids = list(
        PointsLot.objects.filter(
            account_id__in=still_inactive, is_pending=False, remaining__gt=0
        ).values_list("pk", flat=True)
    )
    _expire_lots(
        lot_ids,
        note=_("Balance expired after %(days)d days without a purchase") % {"days": days},
    )
    return len(still_inactive)
