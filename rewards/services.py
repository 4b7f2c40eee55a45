"""Redeeming rewards, using and voiding vouchers. Each function is one transaction.

Points move only through the points engine (`spend_locked`, `points_spend_reverse`), under the
member's account lock; stock moves by conditional UPDATE, so neither can go below zero.
"""

import datetime
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from loyalty.exceptions import InsufficientPoints, MemberClosed, VoidNotAllowed
from loyalty.models import ApiKey, EntryKind, OutboxEmail
from loyalty.money import points_cash_value
from loyalty.platform.db import atomic_with_retry
from loyalty.platform.errors import DomainError
from loyalty.platform.languages import in_language_of
from loyalty.services import lock_accounts, points_spend_reverse, program_settings_get
from loyalty.services.counter import own_account_refused, same_store_required, store_required
from loyalty.services.ledger import spend_locked
from loyalty.services.outbox import email_queue, email_subject_render
from loyalty.services.program import program_timezone
from loyalty.services.push import PushToQueue, pushes_queue
from rewards.codes import (
    voucher_code_format,
    voucher_code_generate,
    voucher_code_is_valid,
    voucher_code_normalize,
)
from rewards.exceptions import (
    InvalidVoucher,
    RewardLimitReached,
    RewardOutOfStock,
    RewardUnavailable,
    VoucherExpired,
    VoucherUsed,
    VoucherVoid,
)
from rewards.models import (
    LimitPeriod,
    Redemption,
    RedemptionChannel,
    RedemptionStatus,
    Reward,
    RewardKind,
)

_CODE_ATTEMPTS = 8


def reward_availability_problem(
    reward: Reward, *, now: datetime.datetime | None = None
) -> str | None:
    """Why `reward` cannot be redeemed now (inactive, outside its window, out of stock), or None."""
    now = now or timezone.now()
    if not reward.is_active:
        return _("This reward is no longer offered.")
    if reward.available_from and now < reward.available_from:
        return _("This reward is not available yet.")
    if reward.available_until and now >= reward.available_until:
        return _("This reward is no longer available.")
    if reward.kind == RewardKind.DONATION and (reward.cause is None or not reward.cause.is_active):
        return _("This cause is not taking donations now.")
    if reward.stock == 0:
        return _("This reward is out of stock.")
    return None


def limit_period_start(period: str, now: datetime.datetime) -> datetime.datetime | None:
    """Start of the current limit period in the program's time zone; None for "ever"."""
    if period == LimitPeriod.EVER:
        return None
    zone = program_timezone()
    today = timezone.localtime(now, zone).date()
    start = {
        LimitPeriod.DAY: today,
        LimitPeriod.WEEK: today - datetime.timedelta(days=today.weekday()),
        LimitPeriod.MONTH: today.replace(day=1),
        LimitPeriod.YEAR: today.replace(month=1, day=1),
    }[period]
    return datetime.datetime.combine(start, datetime.time(), tzinfo=zone)


def redemptions_counted_for_limit(*, member, reward: Reward, now: datetime.datetime) -> int:
    redemptions = Redemption.objects.filter(member=member, reward=reward).exclude(
        status=RedemptionStatus.VOID
    )
    start = limit_period_start(reward.limit_period, now)
    if start is not None:
        redemptions = redemptions.filter(issued_at__gte=start)
    return redemptions.count()


def redemption_value(reward: Reward, points: int) -> Decimal | None:
    """What a redemption of `points` on `reward` is worth (the desk shows it before confirming)."""
    if reward.kind in {RewardKind.STORE_CREDIT, RewardKind.DONATION}:
        return points_cash_value(points)
    return reward.value


def _existing(idempotency_key: str | None, member) -> Redemption | None:
    if not idempotency_key:
        return None
    existing = Redemption.objects.filter(idempotency_key=idempotency_key).first()
    if existing is not None and existing.member_id != member.pk:
        raise RewardUnavailable(_("This request was already used for another member."))
    return existing


@atomic_with_retry
def reward_redeem(
    *,
    member,
    reward: Reward,
    channel: str,
    steps: int = 1,
    actor=None,
    store=None,
    idempotency_key: str | None = None,
    api_key: ApiKey | None = None,
) -> Redemption:
    """Spend the member's points on `reward` and issue its voucher.

    At the counter (`channel=COUNTER`) the voucher is used at once. A repeated
    `idempotency_key` (a double-clicked confirm, a retried request) returns the first
    redemption. Raises `MemberClosed`, `RewardUnavailable`, `RewardOutOfStock`,
    `RewardLimitReached` or `InsufficientPoints`, and then nothing is spent and the stock is
    unchanged. At the counter a store is needed (`NoStore`), and nobody redeems at a store for
    their own account (`OwnAccount`). `api_key` is the key of a till or shop that redeemed
    through the API, kept on the redemption for the activity log.
    """
    if channel == RedemptionChannel.COUNTER:
        store_required(store)
    own_account_refused(actor=actor, member=member, store=store)
    existing = _existing(idempotency_key, member)
    if existing is not None:
        return existing
    now = timezone.now()
    if not isinstance(steps, int) or steps < 1 or (steps > 1 and not reward.allows_steps):
        raise RewardUnavailable(_("Choose how many steps to redeem, from 1."))
    if steps > reward.max_steps:
        raise RewardUnavailable(
            _("At most %(steps)d steps can be redeemed at once.") % {"steps": reward.max_steps}
        )
    account = lock_accounts([member.points_account.pk])[member.points_account.pk]
    existing = _existing(idempotency_key, member)
    if existing is not None:
        return existing
    if account.closed_at is not None:
        raise MemberClosed()
    reward = Reward.objects.select_related("cause", "minimum_tier").get(pk=reward.pk)
    problem = reward_availability_problem(reward, now=now)
    if problem:
        raise RewardOutOfStock(problem) if reward.stock == 0 else RewardUnavailable(problem)
    if not reward.tier_allows(account.tier):
        raise RewardUnavailable(
            _("This reward is for %(tier)s members and above.") % {"tier": reward.minimum_tier.name}
        )
    if reward.per_member_limit is not None:
        used = redemptions_counted_for_limit(member=member, reward=reward, now=now)
        if used >= reward.per_member_limit:
            raise RewardLimitReached()
    points = reward.points_cost * steps
    if account.balance < points:
        raise InsufficientPoints(
            _("This reward needs %(points)d points; %(balance)d are available.")
            % {"points": points, "balance": account.balance}
        )
    if reward.stock is not None:
        taken = Reward.objects.filter(pk=reward.pk, stock__gt=0).update(stock=F("stock") - 1)
        if not taken:
            raise RewardOutOfStock()
    entry = spend_locked(
        account, points=points, kind=EntryKind.SPEND, note=reward.name, actor=actor, store=store
    )
    # A donation is given at once; there is nothing to show at a till.
    at_counter = channel == RedemptionChannel.COUNTER or reward.kind == RewardKind.DONATION
    fields = {
        "member": member,
        "reward": reward,
        "steps": steps,
        "points": points,
        "value": redemption_value(reward, points),
        "status": RedemptionStatus.FULFILLED if at_counter else RedemptionStatus.ISSUED,
        "channel": channel,
        "spend_entry": entry,
        "idempotency_key": idempotency_key or None,
        "issued_at": now,
        "expires_at": now + datetime.timedelta(days=reward.voucher_valid_days),
        "store": store,
        "issued_by": actor,
        "api_key": api_key,
        "fulfilled_at": now if at_counter else None,
        "fulfilled_store": store if at_counter else None,
        "fulfilled_by": actor if at_counter else None,
        "fulfilled_api_key": api_key if at_counter else None,
    }
    redemption = _create_with_fresh_code(fields)
    if not at_counter:
        _email_voucher(redemption, template="voucher_issued", key=f"voucher-issued:{redemption.pk}")
    return redemption


def _create_with_fresh_code(fields: dict) -> Redemption:
    for _attempt in range(_CODE_ATTEMPTS):
        try:
            with transaction.atomic():
                return Redemption.objects.create(code=voucher_code_generate(), **fields)
        except IntegrityError:
            key = fields.get("idempotency_key")
            if key and Redemption.objects.filter(idempotency_key=key).exists():
                raise
    raise RuntimeError("No free voucher code found.")


def _email_voucher(redemption: Redemption, *, template: str, key: str) -> None:
    """The voucher's email, and the same news as a push to the member's phones beside it."""
    member = redemption.member
    context = {
        "member": member,
        "redemption": redemption,
        "code": voucher_code_format(redemption.code),
    }
    email_queue(
        key=key,
        to=member.user.email,
        template=template,
        member=member,
        qr_data=redemption.code if template == "voucher_issued" else "",
        context=context,
    )
    with in_language_of(member):
        if template == "voucher_issued":
            body = _("Show the code at the till: %(code)s") % {"code": context["code"]}
        else:
            body = _("Use it by %(date)s.") % {
                "date": date_format(timezone.localtime(redemption.expires_at), "DATE_FORMAT")
            }
        title = email_subject_render(
            template=template, context=context, program=program_settings_get()
        )
    pushes_queue(
        [
            PushToQueue(
                key=key,
                member_id=member.pk,
                title=title,
                body=body,
                url=reverse("member_rewards:detail", args=[redemption.pk]),
            )
        ]
    )


def vouchers_remind_expiring(*, now: datetime.datetime | None = None, within_days: int = 3) -> int:
    """Queue one reminder per unused voucher that expires within `within_days`. Idempotent."""
    now = now or timezone.now()
    due = Redemption.objects.filter(
        status=RedemptionStatus.ISSUED,
        expires_at__gt=now,
        expires_at__lte=now + datetime.timedelta(days=within_days),
    ).select_related("reward", "member__user")
    queued = 0
    for redemption in due.iterator(chunk_size=500):
        key = f"voucher-expiring:{redemption.pk}"
        with transaction.atomic():
            if OutboxEmail.objects.filter(key=key).exists():
                continue
            _email_voucher(redemption, template="voucher_expiring", key=key)
            queued += 1
    return queued


def voucher_find(*, code: str) -> Redemption:
    """The redemption behind a voucher code, or `InvalidVoucher` (a bad check character too)."""
    code = voucher_code_normalize(code)
    if not voucher_code_is_valid(code):
        raise InvalidVoucher()
    redemption = (
        Redemption.objects.select_related("reward", "member__user").filter(code=code).first()
    )
    if redemption is None:
        raise InvalidVoucher()
    return redemption


def voucher_problem(redemption: Redemption, *, now: datetime.datetime | None = None):
    """The exception a use of this voucher would raise now, or None when it can be used."""
    now = now or timezone.now()
    if redemption.status == RedemptionStatus.FULFILLED:
        when = timezone.localtime(redemption.fulfilled_at, program_timezone())
        return VoucherUsed(
            _("This voucher was already used on %(date)s.")
            % {"date": when.strftime("%Y-%m-%d %H:%M")}
        )
    if redemption.status == RedemptionStatus.VOID:
        return VoucherVoid()
    if redemption.status_at(now) == RedemptionStatus.EXPIRED:
        return VoucherExpired()
    return None


@atomic_with_retry
def voucher_use(*, code: str, actor, store, api_key: ApiKey | None = None) -> Redemption:
    """Mark a voucher used at `store`: exactly once, however many tills try at the same time.

    A voucher of the program is good at every store; using one needs a store (`NoStore`), and
    staff never take their own member account's voucher (`OwnAccount`). `api_key`, the till's
    key when it comes through the API, is kept for the activity log.
    """
    store_required(store)
    redemption = voucher_find(code=code)
    own_account_refused(actor=actor, member=redemption.member, store=store)
    now = timezone.now()
    used = Redemption.objects.filter(
        pk=redemption.pk, status=RedemptionStatus.ISSUED, expires_at__gt=now
    ).update(
        status=RedemptionStatus.FULFILLED,
        fulfilled_at=now,
        fulfilled_by=actor,
        fulfilled_store=store,
        fulfilled_api_key=api_key,
    )
    redemption.refresh_from_db()
    if not used:
        raise voucher_problem(redemption, now=now) or VoucherUsed()
    return redemption


def redemption_void_allowed(
    *, redemption: Redemption, actor, now: datetime.datetime | None = None
) -> bool:
    """An unused voucher can always be voided; a counter redemption by its staff member, and a
    donation by anyone allowed to void, within the program's void window."""
    now = now or timezone.now()
    if redemption.status == RedemptionStatus.ISSUED:
        # Past its date it is the expiry run's to settle, by the program's setting.
        return redemption.status_at(now) == RedemptionStatus.ISSUED
    if redemption.status != RedemptionStatus.FULFILLED or actor is None:
        return False
    window = datetime.timedelta(minutes=program_settings_get().void_window_minutes)
    if now - redemption.fulfilled_at > window:
        return False
    if redemption.reward.kind == RewardKind.DONATION:
        return True
    return (
        redemption.channel == RedemptionChannel.COUNTER and redemption.fulfilled_by_id == actor.pk
    )


def redemption_void_problem(
    *, redemption: Redemption, actor, store=None, now: datetime.datetime | None = None
) -> DomainError | None:
    """The error `redemption_void` refuses `actor` at `store` with now, or None: the desk says
    it instead of offering a confirmation that could only fail."""
    try:
        same_store_required(store=store, owner_store_id=redemption.store_id)
        own_account_refused(actor=actor, member=redemption.member, store=store)
    except DomainError as error:
        return error
    if redemption.status == RedemptionStatus.VOID:
        return VoucherVoid(_("This redemption was already voided."))
    if not redemption_void_allowed(redemption=redemption, actor=actor, now=now):
        return VoidNotAllowed(
            _(
                "Used or expired vouchers cannot be voided; a counter redemption only by its "
                "staff member and a donation only within %(minutes)d minutes."
            )
            % {"minutes": program_settings_get().void_window_minutes}
        )
    return None


def _give_back(redemption: Redemption, *, actor=None, store=None, note: str) -> None:
    """Points back into the lots they came from, stock back on the shelf. Caller holds the lock."""
    points_spend_reverse(entry=redemption.spend_entry, actor=actor, store=store, note=note)
    if redemption.reward.stock is not None:
        Reward.objects.filter(pk=redemption.reward_id).update(stock=F("stock") + 1)


@atomic_with_retry
def redemption_void(
    *,
    redemption: Redemption,
    actor,
    store=None,
    reason: str = "",
    api_key: ApiKey | None = None,
) -> Redemption:
    """Cancel a redemption: points go back to their lots, the stock is restored.

    At a store (`store` given: the desk, the API) only what that store issued, or an online
    voucher, which belongs to no store (`OtherStore`); never on one's own account (`OwnAccount`).
    `api_key` (the API's) is kept for the activity log.
    """
    member = redemption.member
    same_store_required(store=store, owner_store_id=redemption.store_id)
    own_account_refused(actor=actor, member=member, store=store)
    lock_accounts([member.points_account.pk])
    # Lock the voucher row too: a till marking it used at this moment waits for us, then
    # finds it void (and the other way round), so a voucher is never both used and refunded.
    redemption = (
        Redemption.objects.select_for_update(of=("self",))
        .select_related("reward", "spend_entry")
        .get(pk=redemption.pk)
    )
    problem = redemption_void_problem(redemption=redemption, actor=actor, store=store)
    if problem is not None:
        raise problem
    _give_back(redemption, actor=actor, store=store, note=_("Voided"))
    redemption.status = RedemptionStatus.VOID
    redemption.voided_at = timezone.now()
    redemption.voided_by = actor
    redemption.voided_api_key = api_key
    redemption.void_reason = (reason or "").strip()[:255]
    redemption.save(
        update_fields=["status", "voided_at", "voided_by", "voided_api_key", "void_reason"]
    )
    return redemption


def voucher_take_back_locked(*, redemption: Redemption, reason: str) -> bool:
    """Void an unused voucher whose reason fell away (a stamp card's prize whose purchase came
    back): its points go back into the lots they came from, its stock back on the shelf.

    No staff rule applies (the return decided it), and a voucher past its date that the expiry
    run has not reached yet is voided too. The caller holds the member's account lock; the
    conditional UPDATE makes a till using the voucher at this moment either win or find it
    void. Returns whether it voided the voucher: used, expired or void ones are left as they are.
    """
    voided = Redemption.objects.filter(pk=redemption.pk, status=RedemptionStatus.ISSUED).update(
        status=RedemptionStatus.VOID, voided_at=timezone.now(), void_reason=reason[:255]
    )
    redemption.refresh_from_db()
    if voided:
        _give_back(redemption, note=_("Voided"))
    return bool(voided)


def vouchers_expire_due(*, now: datetime.datetime | None = None, batch_size: int = 500) -> int:
    """Expire unused vouchers past their date; their points return per the program setting.

    One short transaction per voucher; running it twice expires nothing the second time.
    """
    now = now or timezone.now()
    expired = 0
    while True:
        due = list(
            Redemption.objects.filter(status=RedemptionStatus.ISSUED, expires_at__lte=now)
            .order_by("expires_at", "pk")
            .values_list("pk", flat=True)[:batch_size]
        )
        if not due:
            return expired
        for redemption_id in due:
            expired += _expire_one(redemption_id=redemption_id, now=now)


@atomic_with_retry
def _expire_one(*, redemption_id: int, now: datetime.datetime) -> int:
    redemption = Redemption.objects.select_related("member__points_account", "reward").get(
        pk=redemption_id
    )
    lock_accounts([redemption.member.points_account.pk])
    changed = Redemption.objects.filter(
        pk=redemption_id, status=RedemptionStatus.ISSUED, expires_at__lte=now
    ).update(status=RedemptionStatus.EXPIRED)
    if not changed:
        return 0
    if program_settings_get().voucher_expiry_returns_points:
        _give_back(redemption, note=_("Voucher expired unused"))
    return 1


@transaction.atomic
def rewards_set_active(*, reward_ids, active: bool) -> int:
    """Put rewards on offer or take them off (the admin's bulk actions); returns how many."""
    return Reward.objects.filter(pk__in=list(reward_ids)).update(
        is_active=active, updated_at=timezone.now()
    )
