"""A manager's decision on a purchase whose points a limit held (see `loyalty.services.limits`).

Approving lifts the hold: the points become available now, or stay pending until the usual
release date when the program has a pending period. Rejecting voids the purchase: its held
points are taken back (they never reached the balance, so no entry is needed for them). Each
decision records who, when and a note, runs in one transaction under the member's lock, and is
idempotent: the same decision again changes nothing; the other decision afterwards is refused.
"""

from dataclasses import dataclass

from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from loyalty.exceptions import HoldDecided
from loyalty.models import EntryKind, HoldStatus, PointsAccount, PointsLot, Purchase
from loyalty.platform.db import atomic_with_retry
from loyalty.services.ledger import held_lot_release, lock_account
from loyalty.services.purchases import purchase_return
from loyalty.services.tiers import tier_upgrade_if_reached

NOTE_MAX_LENGTH = 500


@dataclass(frozen=True)
class HoldDecision:
    """What a decision did; on an approval it hands over the member's account, still locked
    and current, for what the checkout starts next in the same transaction."""

    purchase: Purchase
    changed: bool
    account: PointsAccount | None = None


def _locked_held(purchase: Purchase, *, wanted: str) -> tuple[Purchase, bool]:
    """The purchase re-read under its member's lock, and whether the decision is still open.
    Raises `HoldDecided` when it was decided the other way, or was never held."""
    lock_account(purchase.member.points_account.pk)
    purchase = Purchase.objects.select_related("store", "member").get(pk=purchase.pk)
    if purchase.hold_status == wanted:
        return purchase, False
    if purchase.hold_status != HoldStatus.HELD:
        raise HoldDecided()
    return purchase, True


def _decided(purchase: Purchase, *, status: str, actor, note: str, now) -> None:
    purchase.hold_status = status
    purchase.reviewed_by = actor
    purchase.reviewed_at = now
    purchase.review_note = (note or "").strip()[:NOTE_MAX_LENGTH]
    purchase.save(update_fields=["hold_status", "reviewed_by", "reviewed_at", "review_note"])


@atomic_with_retry
def purchase_hold_approve(*, purchase: Purchase, actor, note: str = "") -> HoldDecision:
    """Release the held points of `purchase` (see the module)."""
    purchase, open_ = _locked_held(purchase, wanted=HoldStatus.APPROVED)
    if not open_:
        return HoldDecision(purchase, changed=False)
    now = timezone.now()
    account = lock_account(purchase.member.points_account.pk)
    lot = PointsLot.objects.filter(purchase=purchase, kind=EntryKind.PURCHASE).first()
    if lot is not None:
        held_lot_release(
            account,
            lot,
            now=now,
            actor=actor,
            store=purchase.store,
            note=_("Approved by a manager"),
        )
    _decided(purchase, status=HoldStatus.APPROVED, actor=actor, note=note, now=now)
    tier_upgrade_if_reached(account=account, now=now)
    return HoldDecision(purchase, changed=True, account=account)


@atomic_with_retry
def purchase_hold_reject(*, purchase: Purchase, actor, note: str = "") -> HoldDecision:
    """Void `purchase` and take back its held points (see the module)."""
    purchase, open_ = _locked_held(purchase, wanted=HoldStatus.REJECTED)
    if not open_:
        return HoldDecision(purchase, changed=False)
    now = timezone.now()
    if purchase.lines.filter(returned_quantity__lt=F("quantity")).exists():
        purchase_return(purchase=purchase, lines=None, actor=actor, is_void=True)
        purchase.refresh_from_db()
    _decided(purchase, status=HoldStatus.REJECTED, actor=actor, note=note, now=now)
    return HoldDecision(purchase, changed=True)
