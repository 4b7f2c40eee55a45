"""Expiry of points: lots past their date, and (optionally) balances of inactive members.

Set-based and batched: each batch locks its accounts in pk order, re-reads the due lots,
and writes one entry per lot in a single transaction. A crash between batches loses nothing,
and a second run finds nothing left to do.
"""

import datetime

from django.db.models import Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from ..models import EntryKind, LotAllocation, PointsAccount, PointsEntry, PointsLot
from .ledger import atomic_with_retry, lock_accounts
from .program import program_settings_get

BATCH_SIZE = 2000


def points_expire_due(*, now: datetime.datetime | None = None, batch_size: int = BATCH_SIZE) -> int:
    """Expire what remains of every available lot whose `expires_at` has passed.

    Returns the number of lots expired.
    """
    now = now or timezone.now()
    expired = 0
    while True:
        done = _expire_batch(now=now, batch_size=batch_size)
        expired += done
        if done < batch_size:
            return expired


def _due_lots(now: datetime.datetime):
    return PointsLot.objects.filter(is_pending=False, remaining__gt=0, expires_at__lte=now)


@atomic_with_retry
def _expire_batch(*, now: datetime.datetime, batch_size: int) -> int:
    candidates = list(_due_lots(now).order_by("pk").values_list("pk", "account_id")[:batch_size])
    if not candidates:
        return 0
    accounts = lock_accounts({account_id for _pk, account_id in candidates})
    lots = list(
        _due_lots(now)
        .filter(pk__in=[pk for pk, _account in candidates])
        .order_by("account_id", "expires_at", "pk")
    )
    _expire_lots(lots, accounts, note=_("Points expired"))
    return len(candidates)


def _expire_lots(lots: list[PointsLot], accounts: dict[int, PointsAccount], *, note: str) -> None:
    """One EXPIRY entry per lot, in bulk. The caller holds the accounts' locks."""
    entries = []
    for lot in lots:
        account = accounts[lot.account_id]
        account.balance -= lot.remaining
        entries.append(
            PointsEntry(
                account=account,
                kind=EntryKind.EXPIRY,
                points=-lot.remaining,
                balance_after=account.balance,
                purchase_id=lot.purchase_id,
                note=note,
            )
        )
    PointsEntry.objects.bulk_create(entries)
    LotAllocation.objects.bulk_create(
        [
            LotAllocation(entry=entry, lot=lot, points=entry.points)
            for entry, lot in zip(entries, lots, strict=True)
        ]
    )
    PointsLot.objects.filter(pk__in=[lot.pk for lot in lots]).update(remaining=0)
    changed = {lot.account_id for lot in lots}
    for account_id in changed:
        account = accounts[account_id]
        account.updated_at = timezone.now()
    PointsAccount.objects.bulk_update([accounts[pk] for pk in changed], ["balance", "updated_at"])


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
    accounts = lock_accounts(account_ids)
    still_inactive = set(
        inactive_accounts(now=now, days=days)
        .filter(pk__in=account_ids)
        .values_list("pk", flat=True)
    )
    lots = list(
        PointsLot.objects.filter(
            account_id__in=still_inactive, is_pending=False, remaining__gt=0
        ).order_by("account_id", "pk")
    )
    _expire_lots(
        lots,
        accounts,
        note=_("Balance expired after %(days)d days without a purchase") % {"days": days},
    )
    return len(still_inactive)
