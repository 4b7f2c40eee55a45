"""Referrals: codes, attribution at sign-up, qualification, rewards, and the review queue.

Both members are credited through the points ledger, pending until the qualifying purchase's
return window has passed (or its own hold, if longer). A return that takes the purchase below
the qualifying amount cancels the rewards: pending points are cancelled, released ones are
taken back as any return takes back points (debt where the balance cannot cover them).
"""

import datetime

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from loyalty.models import EntryKind, PointsLot, Purchase, kept_amount_of
from loyalty.platform.db import atomic_with_retry
from loyalty.platform.singleton import singleton_get
from loyalty.services import lock_accounts, program_settings_get
from loyalty.services.ledger import credit_locked, points_take_back_locked
from loyalty.services.outbox import email_queue
from loyalty.services.program import lot_expires_at, program_timezone
from referrals.codes import email_canonical, referral_code_generate, referral_code_normalize
from referrals.exceptions import (
    AlreadyReferred,
    InvalidReferralCode,
    ReviewNotAllowed,
    SelfReferral,
)
from referrals.models import Referral, ReferralCode, ReferralSettings, ReferralStatus

_CODE_ATTEMPTS = 8
# A referral in one of these states is decided; review can no longer change it.
_SETTLED = frozenset({ReferralStatus.REWARDED, ReferralStatus.REJECTED, ReferralStatus.CANCELLED})


def referral_settings_get() -> ReferralSettings:
    return singleton_get(ReferralSettings)


def referral_code_for(*, member) -> ReferralCode:
    """The member's referral code, made the first time it is needed."""
    existing = ReferralCode.objects.filter(member=member).first()
    if existing is not None:
        return existing
    for _attempt in range(_CODE_ATTEMPTS):
        try:
            with transaction.atomic():
                return ReferralCode.objects.create(member=member, code=referral_code_generate())
        except IntegrityError:
            existing = ReferralCode.objects.filter(member=member).first()
            if existing is not None:
                return existing
    raise RuntimeError("No free referral code found.")


def referral_code_find(*, code: str) -> ReferralCode | None:
    code = referral_code_normalize(code)
    if not code:
        return None
    return ReferralCode.objects.select_related("member__user").filter(code=code).first()


def referral_link_opened(*, referral_code: ReferralCode) -> None:
    """Count a visit of the share link (for the referral funnel in the reports)."""
    ReferralCode.objects.filter(pk=referral_code.pk).update(link_opens=F("link_opens") + 1)


def _self_referral_reason(referrer, friend) -> str | None:
    """Why `friend` looks like the referrer under another account, or None.

    Phone numbers need no check here: the database keeps them unique per member.
    """
    if email_canonical(referrer.user.email) == email_canonical(friend.user.email):
        return _("The friend's email address is the inviting member's own.")
    return None


@transaction.atomic
def referral_attach(*, friend, code: str, ip: str | None = None) -> Referral | None:
    """Record that `friend`, who just signed up, came with `code`.

    Raises `InvalidReferralCode` for an unknown code, `SelfReferral` for one's own code and
    `AlreadyReferred` for a member who was referred before. A referral that fails an
    anti-abuse check is recorded as rejected, with the reason; one that looks like a burst of
    sign-ups is flagged for review. Returns None when referrals are switched off.
    """
    settings = referral_settings_get()
    if not settings.is_enabled:
        return None
    referral_code = referral_code_find(code=code)
    if referral_code is None:
        raise InvalidReferralCode()
    referrer = referral_code.member
    if referrer.pk == friend.pk:
        raise SelfReferral()
    if Referral.objects.filter(friend=friend).exists():
        raise AlreadyReferred()
    now = timezone.now()
    fields = {
        "referrer": referrer,
        "friend": friend,
        "code": referral_code.code,
        "signup_ip": ip or None,
    }
    reason = _self_referral_reason(referrer, friend)
    if reason is None and (
        Purchase.objects.filter(member=friend).exists()
        or friend.joined_at < now - datetime.timedelta(days=1)
    ):
        reason = _("The friend was already a member before the invitation.")
    if reason is not None:
        return Referral.objects.create(status=ReferralStatus.REJECTED, reasons=[reason], **fields)
    reasons = []
    if ip:
        same_day = Referral.objects.filter(
            code=referral_code.code, signup_ip=ip, created_at__gte=now - datetime.timedelta(days=1)
        ).count()
        if same_day >= settings.signups_per_ip_per_day:
            reasons.append(
                _("More than %(count)d sign-ups with this code from %(ip)s in a day.")
                % {"count": settings.signups_per_ip_per_day, "ip": ip}
            )
    try:
        with transaction.atomic():
            return Referral.objects.create(is_flagged=bool(reasons), reasons=reasons, **fields)
    except IntegrityError as error:
        raise AlreadyReferred() from error


def _month_start(now: datetime.datetime) -> datetime.datetime:
    zone = program_timezone()
    first = timezone.localtime(now, zone).date().replace(day=1)
    return datetime.datetime.combine(first, datetime.time(), tzinfo=zone)


def referral_qualify(*, purchase: Purchase) -> Referral | None:
    """Called by the checkout (`checkout_purchase`) in its transaction, the account locked.

    The friend's first purchase of at least the qualifying amount, within the qualifying
    days of sign-up, qualifies the referral: both are rewarded at once, unless a check flags
    it for review first (the referrer's monthly cap).
    """
    referral = (
        Referral.objects.select_for_update()
        .select_related("referrer__user", "friend__user")
        .filter(friend_id=purchase.member_id, status=ReferralStatus.SIGNED_UP)
        .first()
    )
    if referral is None:
        return None
    settings = referral_settings_get()
    friend = referral.friend
    deadline = friend.joined_at + datetime.timedelta(days=settings.qualifying_days)
    if (
        not settings.is_enabled
        or purchase.total < settings.qualifying_amount
        or purchase.occurred_at > deadline
    ):
        return None
    now = timezone.now()
    referral.qualifying_purchase = purchase
    referral.qualified_at = now
    reason = _self_referral_reason(referral.referrer, friend)
    if reason is not None:
        referral.status = ReferralStatus.REJECTED
        referral.reasons = [*referral.reasons, reason]
        referral.save()
        return referral
    if referral.reviewed_at is None:
        rewarded_this_month = Referral.objects.filter(
            referrer_id=referral.referrer_id,
            status=ReferralStatus.REWARDED,
            rewarded_at__gte=_month_start(now),
        ).count()
        if rewarded_this_month >= settings.monthly_cap:
            referral.is_flagged = True
            referral.reasons = [
                *referral.reasons,
                _("Over the monthly cap of %(cap)d rewarded referrals.")
                % {"cap": settings.monthly_cap},
            ]
    if referral.is_flagged:
        referral.status = ReferralStatus.QUALIFIED
        referral.save()
        return referral
    _reward(referral, settings=settings, now=now)
    return referral


def _reward(referral: Referral, *, settings: ReferralSettings, now: datetime.datetime) -> None:
    """Credit both members with the qualifying purchase's hold. Locks both accounts."""
    purchase = referral.qualifying_purchase
    friend, referrer = referral.friend, referral.referrer
    accounts = lock_accounts([friend.points_account.pk, referrer.points_account.pk])
    program = program_settings_get()
    purchase_lot = PointsLot.objects.filter(purchase=purchase, kind=EntryKind.PURCHASE).first()
    purchase_hold = (
        purchase_lot.available_at
        if purchase_lot is not None
        else purchase.occurred_at + datetime.timedelta(days=program.pending_days)
    )
    # The rewards wait until the purchase can no longer come back, so a return cancels
    # pending points instead of leaving the members in debt.
    return_window_end = purchase.recorded_at + datetime.timedelta(days=settings.return_window_days)
    expires_at = lot_expires_at(program, now)
    common = {
        "earned_at": now,
        "available_at": max(purchase_hold, return_window_end, now),
        "expires_at": expires_at,
        "now": now,
    }
    # A referrer who closed their account since gets nothing (a closed account never earns).
    referrer_open = accounts[referrer.points_account.pk].closed_at is None
    if settings.referrer_points and referrer_open:
        referral.referrer_lot = credit_locked(
            accounts[referrer.points_account.pk],
            points=settings.referrer_points,
            kind=EntryKind.REFERRAL_REFERRER,
            # Never the friend's name: a stranger typed it, and notes are kept for ever.
            note=_("A friend you invited made their first purchase"),
            idempotency_key=f"referral:{referral.pk}:referrer",
            **common,
        ).lot
    if settings.friend_points:
        referral.friend_lot = credit_locked(
            accounts[friend.points_account.pk],
            points=settings.friend_points,
            kind=EntryKind.REFERRAL_FRIEND,
            note=_("Your first purchase with a friend's invitation"),
            idempotency_key=f"referral:{referral.pk}:friend",
            **common,
        ).lot
    referral.status = ReferralStatus.REWARDED
    referral.rewarded_at = now
    referral.save()
    if not referrer_open:
        return
    email_queue(
        key=f"referral-rewarded:{referral.pk}",
        to=referrer.user.email,
        template="referral_rewarded",
        member=referrer,
        context={
            "member": referrer,
            "friend_name": friend_short_name(friend),
            "points": settings.referrer_points,
            "pending": common["available_at"] > now,
            "available_at": common["available_at"],
        },
    )


def friend_short_name(member) -> str:
    """First name and initial only ("Bob B."), so no one learns more about a friend."""
    user = member.user
    first = (user.first_name or "").strip() or _("A friend")
    initial = (user.last_name or "").strip()[:1]
    return f"{first} {initial}." if initial else first


def referral_on_return(*, purchase: Purchase, purchase_return=None) -> Referral | None:
    """Called by the checkout after a return (`checkout_return`, `checkout_void`), the friend's
    account locked, in the return's transaction.

    When the qualifying purchase no longer reaches the qualifying amount (returned in full,
    voided, or returned below it), the referral is cancelled: rewards still pending are
    cancelled, released ones are taken back through the ledger (from the balance, debt where
    it cannot cover them), and a referral waiting for review will never be rewarded. A partial
    return that keeps the purchase at or above the qualifying amount keeps the rewards.
    """
    referral = (
        Referral.objects.select_for_update(of=("self",))
        .select_related("referrer_lot", "friend_lot")
        .filter(
            qualifying_purchase=purchase,
            status__in=[ReferralStatus.REWARDED, ReferralStatus.QUALIFIED],
        )
        .first()
    )
    if referral is None:
        return None
    if kept_amount_of(purchase.lines.all()) >= referral_settings_get().qualifying_amount:
        return None
    lots = [lot for lot in (referral.referrer_lot, referral.friend_lot) if lot is not None]
    accounts = lock_accounts([lot.account_id for lot in lots])
    for lot in lots:
        account = accounts[lot.account_id]
        if account.closed_at is not None:
            continue  # closing forfeited its points already; a closed account owes nothing
        lot.refresh_from_db()
        points_take_back_locked(
            account,
            lot=lot,
            points=lot.points,
            kind=EntryKind.RETURN,
            # Only the friend's own entry names the return: the referrer never sees the
            # friend's receipts.
            purchase_return=purchase_return if lot.pk == referral.friend_lot_id else None,
            note=_("Referral reward taken back: the qualifying purchase was returned"),
        )
    referral.status = ReferralStatus.CANCELLED
    referral.is_flagged = False
    referral.reasons = [*referral.reasons, _("The qualifying purchase was returned.")]
    referral.save(update_fields=["status", "is_flagged", "reasons"])
    return referral


@atomic_with_retry
def referral_approve(*, referral: Referral, actor) -> Referral:
    """A manager clears a flagged referral: rewarded now if it qualified, else when it does."""
    lock_accounts([referral.friend.points_account.pk, referral.referrer.points_account.pk])
    referral = Referral.objects.select_related(
        "referrer__user", "friend__user", "qualifying_purchase"
    ).get(pk=referral.pk)
    if referral.status in _SETTLED or not referral.is_flagged:
        raise ReviewNotAllowed()
    now = timezone.now()
    referral.is_flagged = False
    referral.reviewed_at = now
    referral.reviewed_by = actor
    referral.save()
    if referral.status == ReferralStatus.QUALIFIED:
        _reward(referral, settings=referral_settings_get(), now=now)
    return referral


@atomic_with_retry
def referral_reject(*, referral: Referral, actor, reason: str = "") -> Referral:
    """A manager turns a referral down; it will never be rewarded."""
    referral = Referral.objects.select_for_update().get(pk=referral.pk)
    if referral.status in _SETTLED:
        raise ReviewNotAllowed()
    referral.status = ReferralStatus.REJECTED
    referral.is_flagged = False
    referral.reviewed_at = timezone.now()
    referral.reviewed_by = actor
    referral.reasons = [*referral.reasons, reason.strip() or _("Rejected in review.")]
    referral.save()
    return referral
