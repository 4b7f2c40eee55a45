"""Challenges (stamp cards): a purchase that qualifies adds a stamp; the last stamp pays out.

Called by the checkout (`engagement.services.checkout`) inside the purchase's or the return's
transaction, with the member's account locked, so concurrent purchases and returns of one
member stamp, complete and reopen a card exactly once. A returned purchase that no longer
qualifies takes its stamp back off its card, completed or not; a completed card that falls short
reopens and gives its prize back. The running challenges are kept per process under the
program's rules version, like the engine's rule book.
"""

import copy
import datetime

from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils import timezone
from django.utils.translation import gettext as _

from engagement.models import Challenge, ChallengeCard, ChallengeStamp
from engagement.selectors import challenges_running
from loyalty.models import (
    EntryKind,
    PointsAccount,
    ProgramSettings,
    Purchase,
    PurchaseLine,
    kept_amount_of,
)
from loyalty.platform.errors import DomainError
from loyalty.services.ledger import credit_locked, lock_account, points_take_back_locked
from loyalty.services.program import lot_expires_at, program_settings_get
from loyalty.services.rulebook import rules_changed
from rewards.models import RedemptionChannel, Reward
from rewards.services import reward_redeem, voucher_take_back_locked


def challenge_receivers_connect() -> None:
    """Editing a challenge or its stores writes a new rules version, as editing a rule does."""
    post_save.connect(rules_changed, sender=Challenge)
    post_delete.connect(rules_changed, sender=Challenge)
    m2m_changed.connect(rules_changed, sender=Challenge.stores.through)


def _qualifies(challenge: Challenge, purchase: Purchase, lines=None) -> bool:
    """Whether what the member kept of `purchase` meets the challenge's conditions. `lines`
    are the purchase's lines when the caller has them already."""
    store_ids = {store.pk for store in challenge.stores.all()}
    if store_ids and purchase.store_id not in store_ids:
        return False
    lines = purchase.lines.all() if lines is None else lines
    kept = [line for line in lines if line.returnable_quantity]
    if not kept:
        return False
    if challenge.min_amount is not None and kept_amount_of(kept) < challenge.min_amount:
        return False
    if challenge.category_id is not None:
        return any(line.category_id == challenge.category_id for line in kept)
    return True


def _return_unqualifies(challenge: Challenge, purchase: Purchase, purchase_return) -> bool:
    """Whether this return is what takes the purchase's stamp away: nothing of it is kept, or
    it met the challenge's conditions just before the return and no longer does. The
    conditions are today's; a purchase they would no longer stamp (a manager raised the
    minimum since) keeps its stamp when a return of one line leaves the rest as it was."""
    lines = list(purchase.lines.all())
    if not any(line.returnable_quantity for line in lines):
        return True
    if _qualifies(challenge, purchase, lines):
        return False
    if purchase_return is None:
        return True
    given_back = {row.line_id: row.quantity for row in purchase_return.lines.all()}
    before = []
    for line in lines:
        line_before = copy.copy(line)
        line_before.returned_quantity -= given_back.get(line.pk, 0)
        before.append(line_before)
    return _qualifies(challenge, purchase, before)


def _open_card(challenge: Challenge, account: PointsAccount) -> ChallengeCard | None:
    """The card to stamp: the open one (the earliest, when a return reopened an older round),
    a new round of a repeatable challenge, or None."""
    cards = ChallengeCard.objects.filter(challenge=challenge, account=account)
    open_card = cards.filter(completed_at__isnull=True).order_by("round").first()
    if open_card is not None:
        return open_card
    latest = cards.order_by("-round").first()
    if latest is None:
        return ChallengeCard.objects.create(challenge=challenge, account=account, round=1)
    if challenge.repeatable:
        return ChallengeCard.objects.create(
            challenge=challenge, account=account, round=latest.round + 1
        )
    return None


def challenge_stamp_purchase(
    *,
    purchase: Purchase,
    account: PointsAccount,
    lines: list[PurchaseLine],
    program: ProgramSettings | None = None,
) -> list[ChallengeCard]:
    """Stamp every active challenge the purchase (with its `lines`) qualifies for; pay out
    completed cards.

    The caller holds the member's `account` locked. Returns the cards this purchase completed.
    """
    completed = []
    for challenge in challenges_running(purchase.occurred_at, program=program):
        if not _qualifies(challenge, purchase, lines):
            continue
        card = _open_card(challenge, account)
        if card is None:
            continue
        ChallengeStamp.objects.create(card=card, challenge=challenge, purchase=purchase)
        card.stamps += 1
        if card.stamps >= challenge.purchases_needed:
            card.completed_at = timezone.now()
            _pay_out(card, purchase=purchase, account=account)
            completed.append(card)
        card.save()
    return completed


def _pay_out(card: ChallengeCard, *, purchase: Purchase, account: PointsAccount) -> None:
    challenge = card.challenge
    now = timezone.now()
    program = program_settings_get()
    note = _("Challenge completed: %(name)s") % {"name": challenge.name}
    prize = None
    if challenge.reward_id and not challenge.reward_points:
        # Read fresh: the challenge is the rule book's shared copy, the reward's cost may change.
        prize = Reward.objects.get(pk=challenge.reward_id)
    points = challenge.reward_points or (prize.points_cost if prize is not None else 0)
    hold = purchase.occurred_at + datetime.timedelta(days=program.pending_days)
    credit = credit_locked(
        account,
        points=points,
        kind=EntryKind.BONUS,
        earned_at=now,
        # A voucher prize is spent on the voucher at once, so it is never held.
        available_at=now if not challenge.reward_points else max(now, hold),
        expires_at=lot_expires_at(program, now),
        now=now,
        note=note,
        # The completing purchase is part of the key: a card a return reopened pays again
        # when another purchase completes it.
        idempotency_key=f"challenge:{card.challenge_id}:{card.account_id}:{card.round}:{purchase.pk}",
    )
    card.prize_lot = credit.lot
    if prize is None:
        return
    try:
        with transaction.atomic():
            card.prize_redemption = reward_redeem(
                member=purchase.member,
                reward=prize,
                channel=RedemptionChannel.ONLINE,
                idempotency_key=(
                    f"challenge-voucher:{card.challenge_id}:{card.account_id}:{card.round}"
                    f":{purchase.pk}"
                ),
            )
    except DomainError:
        # The prize is out of stock or no longer offered: the member keeps its points.
        card.prize_redemption = None


def challenge_unstamp_returned(*, purchase: Purchase, purchase_return=None) -> int:
    """A returned purchase that no longer qualifies loses its stamps, on open and completed
    cards alike. A completed card left short takes a stamp from a later open round of the same
    challenge when there is one (the member still made enough qualifying purchases); otherwise
    it reopens and its prize comes back (`_prize_take_back`).

    Called by the checkout after a return, the member's account locked. Returns stamps removed.
    """
    removed = 0
    stamps = ChallengeStamp.objects.filter(purchase=purchase).select_related("card", "challenge")
    for stamp in stamps:
        if not _return_unqualifies(stamp.challenge, purchase, purchase_return):
            continue
        card, challenge = stamp.card, stamp.challenge
        stamp.delete()
        card.stamps -= 1
        removed += 1
        short = card.completed_at is not None and card.stamps < challenge.purchases_needed
        if short and not _stamp_from_later_round(card):
            _prize_take_back(card, purchase_return=purchase_return)
        card.save(update_fields=["stamps", "completed_at", "prize_lot", "prize_redemption"])
    return removed


def _stamp_from_later_round(card: ChallengeCard) -> bool:
    """Move the first stamp of the latest open round onto `card`, which a return left short."""
    later = (
        ChallengeCard.objects.filter(
            challenge_id=card.challenge_id,
            account_id=card.account_id,
            round__gt=card.round,
            completed_at__isnull=True,
            stamps__gt=0,
        )
        .order_by("-round")
        .first()
    )
    if later is None:
        return False
    moved = later.stamp_rows.order_by("created_at", "pk").first()
    moved.card = card
    moved.save(update_fields=["card"])
    later.stamps -= 1
    later.save(update_fields=["stamps"])
    card.stamps += 1
    return True


def _prize_take_back(card: ChallengeCard, *, purchase_return) -> None:
    """Reopen `card` and take its prize back through the ledger, as a return takes points:
    pending points are cancelled, available ones leave the balance, spent ones become debt.

    A voucher prize not yet used is voided (its points go back into the prize's lot, and from
    there they are taken back, so the balance ends where it was before the card completed). A
    voucher already used becomes debt of its points. One that lapsed unused without a refund gave
    the member nothing, so nothing is taken back for it.
    """
    card.completed_at = None
    lot, redemption = card.prize_lot, card.prize_redemption
    card.prize_lot = card.prize_redemption = None
    if lot is None:
        return
    if lot.account.closed_at is not None:
        return  # closing forfeited its points already; a closed account owes nothing
    note = _("Challenge prize taken back: %(name)s") % {"name": card.challenge.name}
    if redemption is not None:
        voucher_take_back_locked(redemption=redemption, reason=note)
        if not redemption.gave_its_value:
            return
    # Read the account (locked by the caller) after the voucher's refund changed it.
    account = lock_account(card.account_id)
    lot.refresh_from_db()
    points_take_back_locked(
        account,
        lot=lot,
        points=lot.points,
        kind=EntryKind.RETURN,
        purchase_return=purchase_return,
        note=note,
    )
