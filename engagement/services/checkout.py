"""The checkout: a purchase, a return or a void, and everything it starts above the engine.

The staff desk and the API call these, never the engine's `purchase_record` / `purchase_return`
directly, so that a sale has one path through the code. Each runs in one transaction: the
engine writes the points (the member's account locked), then, only when the engine created
something, the referral, the stamp cards and the survey follow under the same lock. A retried
request (the same receipt id, the same return id) starts nothing a second time.
"""

import datetime
from decimal import Decimal

from engagement.services.challenges import challenge_stamp_purchase, challenge_unstamp_returned
from engagement.services.surveys import survey_invite_after
from loyalty.models import ApiKey, Purchase, Store
from loyalty.platform.db import atomic_with_retry
from loyalty.services.earning import BasketLine
from loyalty.services.holds import HoldDecision, purchase_hold_approve, purchase_hold_reject
from loyalty.services.program import program_settings_get
from loyalty.services.purchases import (
    RecordedPurchase,
    RecordedReturn,
    ReturnRequest,
    purchase_record,
    purchase_return,
    purchase_void,
)
from referrals.services import referral_on_return, referral_qualify


@atomic_with_retry
def checkout_purchase(
    *,
    member,
    store: Store,
    external_id: str,
    lines: list[BasketLine],
    occurred_at: datetime.datetime | None = None,
    currency: str | None = None,
    total: Decimal | None = None,
    actor=None,
    api_key: ApiKey | None = None,
) -> RecordedPurchase:
    """Record a purchase (see `purchase_record`) and what it starts: a friend's first
    qualifying purchase rewards the referral, qualifying purchases stamp cards, and the member
    may be invited to a survey. Who records it decides the limits: `actor` at the desk,
    `api_key` in the API. A purchase held by a limit starts nothing until it is approved."""
    recorded = purchase_record(
        member=member,
        store=store,
        external_id=external_id,
        lines=lines,
        occurred_at=occurred_at,
        currency=currency,
        total=total,
        actor=actor,
        api_key=api_key,
    )
    if recorded.created and not recorded.purchase.is_held:
        _after_purchase(recorded.purchase, account=recorded.account, lines=list(recorded.lines))
    return recorded


def _after_purchase(purchase: Purchase, *, account, lines) -> None:
    program = program_settings_get()
    referral_qualify(purchase=purchase)
    challenge_stamp_purchase(purchase=purchase, account=account, lines=lines, program=program)
    survey_invite_after(purchase=purchase, account=account, program=program)


@atomic_with_retry
def checkout_hold_approve(*, purchase: Purchase, actor, note: str = "") -> HoldDecision:
    """Approve a held purchase (see `purchase_hold_approve`); it then starts what a purchase
    starts (referral, stamps, survey), once."""
    decision = purchase_hold_approve(purchase=purchase, actor=actor, note=note)
    if decision.changed:
        approved = decision.purchase
        _after_purchase(
            approved,
            account=decision.account,
            lines=list(approved.lines.select_related("category")),
        )
    return decision


@atomic_with_retry
def checkout_hold_reject(*, purchase: Purchase, actor, note: str = "") -> HoldDecision:
    """Reject a held purchase (see `purchase_hold_reject`): voided, its points taken back."""
    return purchase_hold_reject(purchase=purchase, actor=actor, note=note)


def _after_return(recorded: RecordedReturn) -> RecordedReturn:
    if recorded.created:
        purchase_return_row = recorded.purchase_return
        purchase = purchase_return_row.purchase
        # What the purchase started comes back with it, in the return's transaction: a
        # referral it qualified is cancelled, its stamps come off their cards (a completed
        # card reopens and gives its prize back).
        referral_on_return(purchase=purchase, purchase_return=purchase_return_row)
        challenge_unstamp_returned(purchase=purchase, purchase_return=purchase_return_row)
    return recorded


@atomic_with_retry
def checkout_return(
    *,
    purchase: Purchase,
    lines: list[ReturnRequest] | None,
    actor=None,
    store: Store | None = None,
    external_id: str | None = None,
    api_key: ApiKey | None = None,
) -> RecordedReturn:
    """Return lines of a purchase (see `purchase_return`) and take back what it started;
    `api_key` names the key that asked, for the activity log."""
    return _after_return(
        purchase_return(
            purchase=purchase,
            lines=lines,
            actor=actor,
            store=store,
            external_id=external_id,
            api_key=api_key,
        )
    )


@atomic_with_retry
def checkout_void(*, purchase: Purchase, actor, store: Store | None = None) -> RecordedReturn:
    """Void a mistaken purchase (see `purchase_void`) and take back what it started."""
    return _after_return(purchase_void(purchase=purchase, actor=actor, store=store))
