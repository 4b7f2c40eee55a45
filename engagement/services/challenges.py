"""Challenges (stamp cards): a purchase that qualifies adds a stamp; the last stamp pays out.

Called by the checkout (`engagement.services.checkout`) inside the purchase's or the return's
transaction, with the member's account locked, so concurrent purchases of one member stamp and
complete a card exactly once. The running challenges are kept per process under the program's
rules version, like the engine's rule book.
"""

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
from loyalty.services.ledger import credit_locked
from loyalty.services.program import lot_expires_at, program_settings_get
from loyalty.services.rulebook import rules_changed
from rewards.models import RedemptionChannel, Reward
from rewards.services import reward_redeem


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


def _open_card(challenge: Challenge, account: PointsAccount) -> ChallengeCard | None:
    """The card to stamp: the open one, a new round of a repeatable challenge, or None."""
    latest = (
        ChallengeCard.objects.filter(challenge=challenge, account=account)
        .order_by("-round")
        .first()
    )
    if latest is None:
        return ChallengeCard.objects.create(challenge=challenge, account=account, round=1)
    if latest.completed_at is None:
        return latest
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
        idempotency_key=f"challenge:{card.challenge_id}:{card.account_id}:{card.round}",
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
                idempotency_key=f"challenge-voucher:{card.challenge_id}:{card.account_id}:{card.round}",
            )
    except DomainError:
        # The prize is out of stock or no longer offered: the member keeps its points.
        card.prize_redemption = None


def challenge_unstamp_returned(*, purchase: Purchase) -> int:
    """A returned purchase that no longer qualifies loses its stamps on open cards.

    Called by the checkout after a return, the member's account locked. Returns stamps removed.
    """
    removed = 0
    stamps = ChallengeStamp.objects.filter(
        purchase=purchase, card__completed_at__isnull=True
    ).select_related("card", "challenge")
    for stamp in stamps:
        if _qualifies(stamp.challenge, purchase):
            continue
        card = stamp.card
        stamp.delete()
        card.stamps -= 1
        card.save(update_fields=["stamps"])
        removed += 1
    return removed
