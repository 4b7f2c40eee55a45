"""The points ledger: credit, spend, reverse, adjust, release. Every balance change is an entry.

Callers never touch `PointsAccount` fields: they call these functions, which lock the account
row, re-read it, and write the entry, the lots and the account in one transaction.
"""

import datetime
import logging
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from loyalty.exceptions import (
    AlreadyReversed,
    DuplicateRequest,
    InsufficientPoints,
    InvalidAdjustment,
    MemberClosed,
)
from loyalty.models import EntryKind, LotAllocation, PointsAccount, PointsEntry, PointsLot
from loyalty.platform.db import atomic_with_retry
from loyalty.services.program import lot_expires_at, program_settings_get

logger = logging.getLogger(__name__)


def lock_accounts(account_ids: Iterable[int]) -> dict[int, PointsAccount]:
    """Lock the accounts' rows in pk order (so two services never deadlock on each other) and
    return them freshly read. The caller is inside a transaction."""
    accounts = (
        PointsAccount.objects.filter(pk__in=set(account_ids))
        .order_by("pk")
        .select_for_update(of=("self",))
    )
    return {account.pk: account for account in accounts}


def lock_account(account_id: int) -> PointsAccount:
    return lock_accounts([account_id])[account_id]


@transaction.atomic
def points_account_open(*, member) -> PointsAccount:
    """The member's points account, created empty if it does not exist yet."""
    account, _created = PointsAccount.objects.get_or_create(member=member)
    return account


def _write_entry(
    account: PointsAccount, *, points: int, debt_change: int = 0, **fields
) -> PointsEntry:
    """Apply a change to the locked `account` and record it. The caller holds the lock."""
    account.balance += points
    account.debt += debt_change
    account.save(update_fields=["balance", "debt", "pending", "lifetime_earned", "updated_at"])
    return PointsEntry.objects.create(
        account=account,
        points=points,
        debt_change=debt_change,
        balance_after=account.balance,
        **fields,
    )


def _fefo_lots(account: PointsAccount, *, exclude_lot_id: int | None = None):
    """Spendable lots, soonest-expiring first, never-expiring last."""
    lots = PointsLot.objects.filter(account=account, is_pending=False, remaining__gt=0)
    if exclude_lot_id is not None:
        lots = lots.exclude(pk=exclude_lot_id)
    return lots.order_by(F("expires_at").asc(nulls_last=True), "earned_at", "pk")


def _take_from_lots(
    account: PointsAccount, points: int, *, exclude_lot_id: int | None = None
) -> list[tuple[PointsLot, int]]:
    """Take up to `points` FEFO from the account's lots; returns what came from which lot."""
    taken: list[tuple[PointsLot, int]] = []
    still_needed = points
    for lot in _fefo_lots(account, exclude_lot_id=exclude_lot_id).iterator(chunk_size=200):
        if still_needed == 0:
            break
        amount = min(lot.remaining, still_needed)
        lot.remaining -= amount
        taken.append((lot, amount))
        still_needed -= amount
    PointsLot.objects.bulk_update([lot for lot, _amount in taken], ["remaining"])
    return taken


def _allocate(entry: PointsEntry, changes: list[tuple[PointsLot, int]]) -> None:
    LotAllocation.objects.bulk_create(
        [LotAllocation(entry=entry, lot=lot, points=amount) for lot, amount in changes if amount]
    )


@dataclass(frozen=True)
class Credit:
    """What a credit did: the entry (None while pending) and the lot it filled."""

    entry: PointsEntry | None
    lot: PointsLot


def credit_locked(
    account: PointsAccount,
    *,
    points: int,
    kind: str,
    earned_at: datetime.datetime,
    available_at: datetime.datetime | None = None,
    expires_at: datetime.datetime | None = None,
    now: datetime.datetime | None = None,
    purchase=None,
    held: bool = False,
    **entry_fields,
) -> Credit:
    """Credit `points` to the locked `account`: a lot, and an entry unless the lot is pending.

    Debt is paid off first: the entry adds to the balance only what is left after the debt.
    A `held` credit stays pending, whatever `available_at` says, until `held_lot_release`.
    """
    if points <= 0:
        raise ValueError("A credit is a positive number of points.")
    if account.closed_at is not None:
        raise MemberClosed()
    now = now or timezone.now()
    available_at = available_at or earned_at
    is_pending = held or available_at > now
    lot = PointsLot(
        account=account,
        idempotency_key=entry_fields.get("idempotency_key"),
        kind=kind,
        purchase=purchase,
        points=points,
        remaining=points,
        is_pending=is_pending,
        is_held=held,
        earned_at=earned_at,
        available_at=available_at,
        expires_at=expires_at,
    )
    account.lifetime_earned += points
    if is_pending:
        account.pending += points
        account.save(update_fields=["pending", "lifetime_earned", "updated_at"])
        lot.save()
        return Credit(entry=None, lot=lot)
    entry = _make_available(account, lot, kind=kind, purchase=purchase, **entry_fields)
    return Credit(entry=entry, lot=lot)


def _make_available(account: PointsAccount, lot: PointsLot, **entry_fields) -> PointsEntry | None:
    """Turn the lot's points into balance, paying debt first. The caller holds the lock."""
    debt_paid = min(lot.remaining, account.debt)
    lot.remaining -= debt_paid
    lot.is_pending = False
    if lot.remaining == 0 and debt_paid == 0:
        lot.save()
        return None
    entry = _write_entry(account, points=lot.remaining, debt_change=-debt_paid, **entry_fields)
    lot.entry = entry
    lot.save()
    return entry


@atomic_with_retry
def points_credit(
    *,
    account: PointsAccount,
    points: int,
    kind: str = EntryKind.BONUS,
    earned_at: datetime.datetime | None = None,
    hold_until: datetime.datetime | None = None,
    rule=None,
    actor=None,
    store=None,
    note: str = "",
    idempotency_key: str | None = None,
) -> Credit:
    """Credit points outside a purchase (bonuses, adjustments); expiry per the program policy.

    With `hold_until` in the future the points are pending until then. A repeated
    `idempotency_key` returns the first credit and changes nothing.
    """
    existing = _credit_with_key(idempotency_key)
    if existing is not None:
        return existing
    now = timezone.now()
    earned_at = earned_at or now
    locked = lock_account(account.pk)
    existing = _credit_with_key(idempotency_key)
    if existing is not None:
        return existing
    program = program_settings_get()
    return credit_locked(
        locked,
        points=points,
        kind=kind,
        earned_at=earned_at,
        available_at=hold_until,
        expires_at=lot_expires_at(program, earned_at),
        now=now,
        rule=rule,
        actor=actor,
        store=store,
        note=note,
        idempotency_key=idempotency_key,
    )


def _entry_with_key(idempotency_key: str | None, account: PointsAccount) -> PointsEntry | None:
    """The entry an earlier request with this key wrote on this account, if any. A key that
    belongs to another account is a client's mistake, never a way to read that account."""
    if not idempotency_key:
        return None
    existing = PointsEntry.objects.filter(idempotency_key=idempotency_key).first()
    if existing is not None and existing.account_id != account.pk:
        raise DuplicateRequest()
    return existing


def _credit_with_key(idempotency_key: str | None) -> Credit | None:
    """The credit an earlier request with this key made (held or not), if any."""
    if not idempotency_key:
        return None
    lot = PointsLot.objects.filter(idempotency_key=idempotency_key).select_related("entry").first()
    if lot is not None:
        return Credit(entry=lot.entry, lot=lot)
    if PointsEntry.objects.filter(idempotency_key=idempotency_key).exists():
        raise DuplicateRequest()
    return None


def spend_locked(
    account: PointsAccount, *, points: int, kind: str = EntryKind.SPEND, **entry_fields
) -> PointsEntry:
    """Spend `points` FEFO from the locked `account`, or raise `InsufficientPoints`."""
    if points <= 0:
        raise ValueError("A spend is a positive number of points.")
    if account.closed_at is not None:
        raise MemberClosed()
    if account.balance < points:
        raise InsufficientPoints(
            _("Not enough points: %(balance)d available, %(points)d needed.")
            % {"balance": account.balance, "points": points}
        )
    taken = _take_from_lots(account, points)
    entry = _write_entry(account, points=-points, kind=kind, **entry_fields)
    _allocate(entry, [(lot, -amount) for lot, amount in taken])
    return entry


@atomic_with_retry
def points_spend(
    *,
    account: PointsAccount,
    points: int,
    kind: str = EntryKind.SPEND,
    actor=None,
    store=None,
    note: str = "",
    idempotency_key: str | None = None,
) -> PointsEntry:
    """Spend points, soonest-expiring first. A repeated idempotency key returns the first entry."""
    existing = _entry_with_key(idempotency_key, account)
    if existing is not None:
        return existing
    locked = lock_account(account.pk)
    existing = _entry_with_key(idempotency_key, account)
    if existing is not None:
        return existing
    return spend_locked(
        locked,
        points=points,
        kind=kind,
        actor=actor,
        store=store,
        note=note,
        idempotency_key=idempotency_key,
    )


@atomic_with_retry
def points_spend_reverse(
    *, entry: PointsEntry, actor=None, store=None, note: str = ""
) -> PointsEntry:
    """Put a spend's points back into the very lots it drew from (a void or a refund).

    A lot that has expired meanwhile gets its points back too; the next expiry run takes them.
    """
    if entry.points >= 0 or entry.kind not in {EntryKind.SPEND, EntryKind.ADJUSTMENT}:
        raise AlreadyReversed(_("Only spent points can be given back."))
    locked = lock_account(entry.account_id)
    if PointsEntry.objects.filter(reverses=entry).exists():
        raise AlreadyReversed()
    allocations = list(entry.allocations.select_related("lot"))
    for allocation in allocations:
        PointsLot.objects.filter(pk=allocation.lot_id).update(
            remaining=F("remaining") - allocation.points
        )
    try:
        with transaction.atomic():
            reversal = _write_entry(
                locked,
                points=-entry.points,
                kind=EntryKind.SPEND_REVERSAL,
                reverses=entry,
                actor=actor,
                store=store,
                note=note,
            )
    except IntegrityError as error:
        raise AlreadyReversed() from error
    _allocate(reversal, [(allocation.lot, -allocation.points) for allocation in allocations])
    return reversal


@atomic_with_retry
def points_adjust(
    *, account: PointsAccount, points: int, reason: str, actor, idempotency_key: str | None = None
) -> PointsEntry:
    """A manager's correction, up or down, with the reason recorded on the entry.

    A positive adjustment pays off debt first and expires under the program's policy; a
    negative one spends FEFO and never takes the balance below zero.
    """
    reason = (reason or "").strip()
    if not reason:
        raise InvalidAdjustment(_("Give a reason for the adjustment."))
    if points == 0:
        raise InvalidAdjustment(_("An adjustment changes the balance by at least one point."))
    existing = _entry_with_key(idempotency_key, account)
    if existing is not None:
        return existing
    locked = lock_account(account.pk)
    existing = _entry_with_key(idempotency_key, account)
    if existing is not None:
        return existing
    fields = {"actor": actor, "note": reason[:255], "idempotency_key": idempotency_key}
    if points < 0:
        return spend_locked(locked, points=-points, kind=EntryKind.ADJUSTMENT, **fields)
    now = timezone.now()
    credit = credit_locked(
        locked,
        points=points,
        kind=EntryKind.ADJUSTMENT,
        earned_at=now,
        expires_at=lot_expires_at(program_settings_get(), now),
        now=now,
        **fields,
    )
    if credit.entry is None:
        raise AssertionError("an adjustment is never pending")
    return credit.entry


def points_take_back_locked(
    account: PointsAccount, *, lot: PointsLot | None, points: int, **entry_fields
) -> tuple[int, int]:
    """Take back `points` of a credit whose lot is `lot` (a return takes back a purchase's).

    First what is left in that lot (while it is pending, without an entry: pending points were
    never in the balance), then the balance (FEFO); what the balance cannot cover becomes debt.
    One entry records it, with `entry_fields` (kind, source, actor...), and the lots it drew
    from. The caller holds the account's lock. Returns (points taken from the balance, debt
    added).
    """
    if lot is not None and lot.is_pending:
        take = min(points, lot.remaining)
        lot.remaining -= take
        lot.save(update_fields=["remaining"])
        account.pending -= take
        account.lifetime_earned = max(0, account.lifetime_earned - take)
        account.save(update_fields=["pending", "lifetime_earned", "updated_at"])
        points -= take
        if points == 0:
            return 0, 0
    changes: list[tuple[PointsLot, int]] = []
    from_lot = 0
    if lot is not None and not lot.is_pending and lot.remaining:
        from_lot = min(points, lot.remaining)
        lot.remaining -= from_lot
        lot.save(update_fields=["remaining"])
        changes.append((lot, from_lot))
    rest = points - from_lot
    available_elsewhere = account.balance - from_lot
    others = _take_from_lots(
        account, min(rest, available_elsewhere), exclude_lot_id=lot.pk if lot else None
    )
    changes.extend(others)
    from_balance = from_lot + sum(amount for _lot, amount in others)
    debt_added = points - from_balance
    account.lifetime_earned = max(0, account.lifetime_earned - points)
    entry = _write_entry(account, points=-from_balance, debt_change=debt_added, **entry_fields)
    _allocate(entry, [(changed_lot, -amount) for changed_lot, amount in changes])
    return from_balance, debt_added


def points_forfeit_locked(account: PointsAccount, *, actor=None, note: str = "") -> int:
    """Close the locked `account`: available points leave in one `FORFEIT` entry, pending ones
    are cancelled (no entry), debt stays; it never earns or spends again. Returns the points."""
    forfeited, taken = account.balance, _take_from_lots(account, account.balance)
    account.lifetime_earned = max(0, account.lifetime_earned - account.pending)
    account.pending = 0
    account.closed_at = timezone.now()
    PointsLot.objects.filter(account=account, is_pending=True, remaining__gt=0).update(remaining=0)
    account.save(update_fields=["pending", "lifetime_earned", "closed_at", "updated_at"])
    if forfeited:
        entry = _write_entry(
            account, points=-forfeited, kind=EntryKind.FORFEIT, actor=actor, note=note
        )
        _allocate(entry, [(lot, -amount) for lot, amount in taken])
    return forfeited


def held_lot_release(
    account: PointsAccount, lot: PointsLot, *, now: datetime.datetime | None = None, **entry_fields
) -> PointsEntry | None:
    """Lift a limit's hold (a manager approved): the points become available now (an entry with
    `entry_fields`) or stay pending until `available_at`. The caller holds the lock; a lot not
    held is left as it is. Returns the entry, if one was written."""
    now = now or timezone.now()
    lot.refresh_from_db()
    if not lot.is_held or lot.account_id != account.pk:
        return None
    lot.is_held = False
    if not lot.is_pending or lot.available_at > now:
        lot.save(update_fields=["is_held"])
        return None
    account.pending -= lot.remaining
    entry = _make_available(account, lot, kind=lot.kind, purchase=lot.purchase, **entry_fields)
    account.save(update_fields=["pending", "updated_at"])
    return entry


def points_release_due(*, now: datetime.datetime | None = None, batch_size: int = 500) -> int:
    """Make pending lots whose hold has passed available: an entry each. Returns how many.

    Each account is released in its own short transaction; running it twice releases nothing
    the second time, and a crash part-way loses nothing.
    """
    now = now or timezone.now()
    released = 0
    while True:
        account_ids = list(
            PointsLot.objects.filter(is_pending=True, is_held=False, available_at__lte=now)
            .values_list("account_id", flat=True)
            .distinct()[:batch_size]
        )
        if not account_ids:
            return released
        for account_id in account_ids:
            released += _release_account(account_id=account_id, now=now)


@atomic_with_retry
def _release_account(*, account_id: int, now: datetime.datetime) -> int:
    account = lock_account(account_id)
    lots = list(
        PointsLot.objects.filter(
            account=account, is_pending=True, is_held=False, available_at__lte=now
        )
        .select_related("purchase__store")
        .order_by("available_at", "pk")
    )
    for lot in lots:
        account.pending -= lot.remaining
        _make_available(
            account,
            lot,
            kind=lot.kind,
            purchase=lot.purchase,
            store=lot.purchase.store if lot.purchase else None,
            note=_("Pending points released"),
        )
    account.save(update_fields=["pending", "updated_at"])
    return len(lots)
