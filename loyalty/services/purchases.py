"""Purchases earn points; returns and voids take back exactly what the returned lines earned.

These are the engine's part of a sale: the points, the tier. What a purchase starts above the
engine (a referral qualifying, a stamp, a survey invitation) is started by the checkout in
`engagement.services.checkout`, which the desk and the API call; it calls these functions in its
own transaction and acts only when they say they created something.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from loyalty.exceptions import (
    InvalidPurchase,
    InvalidReturn,
    MemberClosed,
    PurchaseConflict,
    ReturnConflict,
    VoidNotAllowed,
)
from loyalty.models import (
    ApiKey,
    EntryKind,
    HoldStatus,
    PointsAccount,
    PointsEntry,
    PointsLot,
    Purchase,
    PurchaseLine,
    PurchaseReturn,
    PurchaseReturnLine,
    RuleKind,
    Store,
    kept_amount_of,
)
from loyalty.platform.db import atomic_with_retry
from loyalty.services.counter import own_account_refused, same_store_required
from loyalty.services.earning import (
    BasketLine,
    basket_clean,
    bonus_rule_best,
    earned_on_day,
    earning_compute,
    sale_time_check,
)
from loyalty.services.ledger import (
    credit_locked,
    lock_account,
    points_credit,
    points_take_back_locked,
)
from loyalty.services.limits import limit_check_locked
from loyalty.services.program import lot_expires_at, program_settings_get
from loyalty.services.rulebook import rulebook
from loyalty.services.tiers import tier_review_after_return, tier_upgrade_if_reached


@dataclass(frozen=True)
class RecordedPurchase:
    """What `purchase_record` did. On creation it also hands over the member's account (still
    locked by the caller's transaction) and the lines it wrote, so that what follows in the
    same transaction needs no second read of them."""

    purchase: Purchase
    created: bool
    account: PointsAccount | None = None
    lines: tuple[PurchaseLine, ...] = ()


@dataclass(frozen=True)
class RecordedReturn:
    purchase_return: PurchaseReturn
    created: bool


def _validate_purchase(
    *, member, store: Store, external_id: str, lines, occurred_at, currency, total, program, now
) -> tuple[list[BasketLine], Decimal]:
    external_id = (external_id or "").strip()
    if not external_id or len(external_id) > 100:
        raise InvalidPurchase(_("A receipt id of 1 to 100 characters is needed."))
    if not store.is_active:
        raise InvalidPurchase(
            _("The store %(store)s is closed in the program.") % {"store": store.code}
        )
    if not member.user.is_active:
        raise MemberClosed()
    sale_time_check(member=member, occurred_at=occurred_at, program=program, now=now)
    if currency is not None and currency.upper() != program.currency:
        raise InvalidPurchase(
            _("The program counts in %(currency)s; this purchase is in %(given)s.")
            % {"currency": program.currency, "given": currency}
        )
    lines = basket_clean(lines)
    lines_total = sum((line.amount for line in lines), Decimal("0"))
    if total is not None and Decimal(total) != lines_total:
        raise InvalidPurchase(
            _("The total %(total)s does not match the lines, which add up to %(sum)s.")
            % {"total": total, "sum": lines_total}
        )
    return lines, lines_total


def _same_purchase(purchase: Purchase, *, member, lines: list[BasketLine]) -> Purchase:
    """The purchase already recorded under this receipt id, when the request is that sale
    again (a till retrying). Another member or another basket (line by line: SKU, category,
    quantity, amount) under the same receipt id is a conflict: answering with the first
    purchase would silently leave the second one unrecorded."""
    recorded = [
        (line.sku, line.category_id, line.quantity, line.amount) for line in purchase.lines.all()
    ]
    asked = [
        (line.sku[:64], line.category.pk if line.category else None, line.quantity, line.amount)
        for line in lines
    ]
    if purchase.member_id != member.pk or recorded != asked:
        raise PurchaseConflict()
    return purchase


@atomic_with_retry
def purchase_record(
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
    """Record a purchase and credit what it earns; idempotent on (store, external_id).

    A retry with the same receipt id and basket returns the first purchase and credits nothing
    more; the same receipt id for another member or another basket raises `PurchaseConflict`.
    Bad input raises `InvalidPurchase` before anything is written; staff recording on their
    own member account, `OwnAccount`.

    The recorder's limits apply (`actor` at the desk, `api_key` in the API, see
    `loyalty.services.limits`): above one the purchase is refused (`LimitExceeded`, nothing
    written) or recorded with its points held until a manager approves (`Purchase.is_held`).
    """
    own_account_refused(actor=actor, member=member, store=store)
    program = program_settings_get()
    now = timezone.now()
    occurred_at = occurred_at or now
    external_id = (external_id or "").strip()
    lines, lines_total = _validate_purchase(
        member=member,
        store=store,
        external_id=external_id,
        lines=lines,
        occurred_at=occurred_at,
        currency=currency,
        total=total,
        program=program,
        now=now,
    )
    # Under the member's lock, a retry of the same receipt finds the first purchase.
    account = lock_account(member.points_account.pk)
    existing = Purchase.objects.filter(store=store, external_id=external_id).first()
    if existing is not None:
        return RecordedPurchase(_same_purchase(existing, member=member, lines=lines), created=False)

    book = rulebook(program=program)
    # What the member earned that day matters only to a daily cap: no cap, no query.
    capped_daily = any(rule.kind == RuleKind.DAILY_CAP for rule in book.rules_in_force(occurred_at))
    earning = earning_compute(
        lines=lines,
        store=store,
        at=occurred_at,
        earned_today=earned_on_day(member=member, at=occurred_at) if capped_daily else 0,
        tier=book.tier(account.tier_id) or account.tier,  # a tier newer than the book: its row
        program=program,
    )
    held_reason = limit_check_locked(
        program=program, total=lines_total, points=earning.total, actor=actor, api_key=api_key
    )
    try:
        with transaction.atomic():
            purchase = Purchase.objects.create(
                member=member,
                store=store,
                external_id=external_id,
                occurred_at=occurred_at,
                recorded_by=actor,
                total=lines_total,
                currency=program.currency,
                points=earning.total,
                bonus_points=earning.bonus,
                bonus_threshold=earning.bonus_threshold,
                cap_reduction=earning.cap_reduction,
                breakdown=earning.breakdown,
                api_key=api_key,
                held_reason=held_reason[:200],
                hold_status=HoldStatus.HELD if held_reason else HoldStatus.NONE,
            )
    except IntegrityError:
        # The same receipt id for another member, committed between our check and insert.
        existing = Purchase.objects.get(store=store, external_id=external_id)
        return RecordedPurchase(_same_purchase(existing, member=member, lines=lines), created=False)
    purchase_lines = PurchaseLine.objects.bulk_create(
        [
            PurchaseLine(
                purchase=purchase,
                position=position,
                sku=line.sku[:64],
                description=line.description[:200],
                category=line.category,
                quantity=line.quantity,
                amount=Decimal(line.amount),
                points=points,
                eligible=eligible,
            )
            for position, (line, points, eligible) in enumerate(
                zip(lines, earning.line_points, earning.line_eligible, strict=True), start=1
            )
        ]
    )
    if earning.total > 0:
        credit_locked(
            account,
            points=earning.total,
            kind=EntryKind.PURCHASE,
            earned_at=occurred_at,
            # The pending period runs from when the sale reached us, not from the time the
            # till says it happened: a sale sent days late still waits its whole period.
            available_at=max(occurred_at, now) + datetime.timedelta(days=program.pending_days),
            expires_at=lot_expires_at(program, occurred_at),
            now=now,
            purchase=purchase,
            held=bool(held_reason),
            actor=actor,
            store=store,
        )
    if not held_reason:
        # A purchase that reaches a higher tier moves the member up at once (never down); a
        # held one counts when it is approved.
        tier_upgrade_if_reached(account=account, now=now, program=program)
    return RecordedPurchase(purchase, created=True, account=account, lines=tuple(purchase_lines))


@dataclass(frozen=True)
class ReturnRequest:
    line_id: int
    quantity: int


def _points_kept(purchase: Purchase, lines: list[PurchaseLine]) -> int:
    """What the purchase earns for what the member keeps: kept share of each line's points,
    the threshold bonus if the kept eligible amount still reaches it, never above the credit."""
    kept_points = sum(line.kept_points for line in lines)
    kept_eligible = kept_amount_of(line for line in lines if line.eligible)
    bonus_kept = (
        purchase.bonus_points
        and purchase.bonus_threshold is not None
        and kept_eligible >= purchase.bonus_threshold
    )
    if bonus_kept:
        kept_points += purchase.bonus_points
    return min(purchase.points, kept_points)


def _same_return(existing: PurchaseReturn, lines: list[ReturnRequest] | None) -> PurchaseReturn:
    """The return already recorded under this return id, when the request is that return
    again. Other lines or quantities under the same id are a conflict: answering with the first
    return would silently leave the second one unrecorded. A request for "everything left"
    (`lines=None`) repeats whatever the first return took."""
    if lines is None:
        return existing
    recorded = sorted(existing.lines.values_list("line_id", "quantity"))
    asked = sorted((request.line_id, request.quantity) for request in lines)
    if recorded != asked:
        raise ReturnConflict()
    return existing


def _requested_quantities(
    purchase_lines: dict[int, PurchaseLine], lines: list[ReturnRequest] | None
) -> dict[int, int]:
    """Line id → quantity coming back; `InvalidReturn` for a request the purchase cannot take."""
    if lines is None:
        requested = {
            line.pk: line.returnable_quantity
            for line in purchase_lines.values()
            if line.returnable_quantity > 0
        }
    else:
        requested = {}
        for request in lines:
            if request.line_id not in purchase_lines:
                raise InvalidReturn(_("A returned line is not part of this purchase."))
            if request.line_id in requested:
                raise InvalidReturn(_("Each line can be named once in a return."))
            if not isinstance(request.quantity, int) or request.quantity <= 0:
                raise InvalidReturn(_("Returned quantities must be whole numbers from 1."))
            line = purchase_lines[request.line_id]
            if request.quantity > line.returnable_quantity:
                raise InvalidReturn(
                    _("Line %(line)s: %(asked)d returned but only %(left)d left to return.")
                    % {"line": line, "asked": request.quantity, "left": line.returnable_quantity}
                )
            requested[request.line_id] = request.quantity
    if not requested:
        raise InvalidReturn(_("Nothing is left to return on this purchase."))
    return requested


def _points_back(
    purchase: Purchase, purchase_lines: dict[int, PurchaseLine], requested: dict[int, int]
) -> int:
    """The points a return of `requested` takes back. Counts the quantities onto the lines
    (in memory): the caller saves them, or throws the lines away after a preview."""
    credited_before = purchase.points - purchase.points_reversed
    for line_id, quantity in requested.items():
        purchase_lines[line_id].returned_quantity += quantity
    credited_after = _points_kept(purchase, list(purchase_lines.values()))
    return max(0, credited_before - credited_after)


def purchase_return_points(*, purchase: Purchase, lines: list[ReturnRequest] | None) -> int:
    """The points a return of `lines` (None: everything left, as a void) would take back now.

    Records nothing: the desk shows it on the confirmation page before staff confirm, and
    `purchase_return` takes back the same number by the same rule. Raises `InvalidReturn` as
    `purchase_return` would, so a request it refuses is refused before it is confirmed.
    """
    purchase_lines = {line.pk: line for line in purchase.lines.all()}
    requested = _requested_quantities(purchase_lines, lines)
    return _points_back(purchase, purchase_lines, requested)


@atomic_with_retry
def purchase_return(
    *,
    purchase: Purchase,
    lines: list[ReturnRequest] | None,
    actor=None,
    store: Store | None = None,
    external_id: str | None = None,
    is_void: bool = False,
    api_key: ApiKey | None = None,
) -> RecordedReturn:
    """Return chosen lines (or, with `lines=None`, everything not yet returned).

    Takes back exactly what the returned lines earned. A repeated `external_id` for the same
    purchase returns the first return, with `created` False. Raises `InvalidReturn` for lines
    of another purchase, quantities above what is left to return, or nothing left to return;
    `OtherStore` at a store that did not record the purchase, `OwnAccount` for staff returning
    on their own member account. `api_key` (the API's) is kept on the return with `actor`
    (the desk's), so the activity log says who asked.
    """
    same_store_required(store=store, owner_store_id=purchase.store_id)
    own_account_refused(actor=actor, member=purchase.member, store=store)
    if external_id:
        existing = PurchaseReturn.objects.filter(purchase=purchase, external_id=external_id).first()
        if existing is not None:
            return RecordedReturn(_same_return(existing, lines), created=False)
    account = lock_account(purchase.member.points_account.pk)
    purchase = Purchase.objects.get(pk=purchase.pk)
    if external_id:
        existing = PurchaseReturn.objects.filter(purchase=purchase, external_id=external_id).first()
        if existing is not None:
            return RecordedReturn(_same_return(existing, lines), created=False)
    purchase_lines = {line.pk: line for line in purchase.lines.all()}
    requested = _requested_quantities(purchase_lines, lines)
    points_back = _points_back(purchase, purchase_lines, requested)

    purchase_return_row = PurchaseReturn.objects.create(
        purchase=purchase,
        external_id=external_id or None,
        is_void=is_void,
        points=points_back,
        store=store,
        actor=actor,
        api_key=api_key,
    )
    PurchaseReturnLine.objects.bulk_create(
        [
            PurchaseReturnLine(
                purchase_return=purchase_return_row, line=purchase_lines[line_id], quantity=quantity
            )
            for line_id, quantity in requested.items()
        ]
    )
    PurchaseLine.objects.bulk_update(
        [purchase_lines[line_id] for line_id in requested], ["returned_quantity"]
    )
    if points_back:
        _from_balance, debt_added = points_take_back_locked(
            account,
            lot=PointsLot.objects.filter(purchase=purchase, kind=EntryKind.PURCHASE).first(),
            points=points_back,
            purchase=purchase,
            kind=EntryKind.RETURN,
            purchase_return=purchase_return_row,
            actor=actor,
            store=store,
            note=_("Void") if is_void else "",
        )
        purchase_return_row.debt_added = debt_added
        purchase_return_row.save(update_fields=["debt_added"])
        purchase.points_reversed += points_back
    if is_void:
        purchase.voided_at = timezone.now()
    purchase.save(update_fields=["points_reversed", "voided_at"])
    # A tier that only the returned lines reached is not protected by the downgrade hold.
    tier_review_after_return(account=account, now=timezone.now())
    return RecordedReturn(purchase_return_row, created=True)


def purchase_void_allowed(
    *, purchase: Purchase, actor, now: datetime.datetime | None = None
) -> bool:
    """Staff may void a purchase they recorded themselves, within the program's void window,
    while something of it is left to return."""
    now = now or timezone.now()
    window = datetime.timedelta(minutes=program_settings_get().void_window_minutes)
    return (
        purchase.voided_at is None
        and actor is not None
        and purchase.recorded_by_id == actor.pk
        and now - purchase.recorded_at <= window
        and purchase.lines.filter(returned_quantity__lt=F("quantity")).exists()
    )


def purchase_void_problem(*, purchase: Purchase, actor) -> str | None:
    """Why `actor` cannot void `purchase` now, or None: `purchase_void` refuses with it, and
    the desk says it instead of offering a confirmation that could only fail."""
    if purchase.voided_at is not None:
        return _("This purchase was already voided.")
    if not purchase.lines.filter(returned_quantity__lt=F("quantity")).exists():
        return _("Everything on this purchase was already returned.")
    if not purchase_void_allowed(purchase=purchase, actor=actor):
        return _(
            "Only the person who recorded a purchase can void it, within %(minutes)d minutes."
        ) % {"minutes": program_settings_get().void_window_minutes}
    return None


@atomic_with_retry
def purchase_void(*, purchase: Purchase, actor, store: Store | None = None) -> RecordedReturn:
    """Undo a mistake: a full return of what is left, allowed to its recorder within the window,
    at the store that recorded it."""
    same_store_required(store=store, owner_store_id=purchase.store_id)
    lock_account(purchase.member.points_account.pk)
    purchase = Purchase.objects.get(pk=purchase.pk)
    problem = purchase_void_problem(purchase=purchase, actor=actor)
    if problem is not None:
        raise VoidNotAllowed(problem)
    return purchase_return(purchase=purchase, lines=None, actor=actor, store=store, is_void=True)


def signup_bonus_grant(*, member) -> PointsEntry | None:
    """The welcome bonus of the best active sign-up rule, once per member ever."""
    rule = bonus_rule_best(kind=RuleKind.SIGNUP_BONUS)
    if rule is None:
        return None
    credit = points_credit(
        account=member.points_account,
        points=rule.points,
        kind=EntryKind.SIGNUP_BONUS,
        rule=rule,
        note=rule.name,
        idempotency_key=f"signup-bonus:{member.pk}",
    )
    return credit.entry
