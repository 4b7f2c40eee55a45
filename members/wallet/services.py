"""The wallet's pass rows: created when a member first saves the card, kept in step with the
points account by `wallet_passes_update`, registered by Apple's devices, removed on closing."""

import datetime
import secrets
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import F, OuterRef, Q, Subquery
from django.db.models.functions import Greatest
from django.utils import timezone
from django.utils.translation import gettext as _

from loyalty.models import PointsAccount
from loyalty.platform.db import atomic_with_retry
from loyalty.services.program import program_settings_get
from members.models import Member, WalletKind, WalletPass, WalletRegistration
from members.wallet.apple import CardFigures
from members.wallet.backends import Push, google_backend, push_backend
from members.wallet.config import apple_config, google_config
from members.wallet.google import loyalty_object

UPDATE_BATCH_SIZE = 500


def update_tag_at(moment: datetime.datetime) -> int:
    """A pass's update tag: microseconds since the epoch, so tags of all passes compare."""
    return int(moment.timestamp() * 1_000_000)


def card_figures(*, member: Member, wallet_pass: WalletPass) -> CardFigures:
    """What the pass shows: the figures stored on its row, as its last update left them."""
    return CardFigures(
        program_name=program_settings_get().program_name,
        member_name=member.display_name,
        card_number=member.card_number,
        balance=wallet_pass.shown_balance,
        tier_name=wallet_pass.shown_tier.name if wallet_pass.shown_tier else _("None yet"),
    )


@atomic_with_retry
def wallet_pass_for_member(*, member: Member, kind: str) -> WalletPass:
    """The member's pass for this wallet, made now if it is the first, showing the account's
    current balance and tier (a pass row whose figures were stale is brought up to date and
    its tag bumped, as the worker would)."""
    account = PointsAccount.objects.select_related("tier").get(member=member)
    now = timezone.now()
    try:
        with transaction.atomic():
            wallet_pass, created = WalletPass.objects.select_for_update().get_or_create(
                member=member,
                kind=kind,
                defaults={
                    "serial_number": secrets.token_hex(16),
                    "authentication_token": secrets.token_urlsafe(32),
                    "shown_balance": account.balance,
                    "shown_tier": account.tier,
                    "update_tag": update_tag_at(now),
                    "updated_at": now,
                },
            )
    except IntegrityError:  # a second request made it first
        wallet_pass, created = (
            WalletPass.objects.select_for_update().get(member=member, kind=kind),
            False,
        )
    if not created and (
        wallet_pass.shown_balance != account.balance or wallet_pass.shown_tier_id != account.tier_id
    ):
        # Brought up to date as the worker would, other devices told after commit.
        pushes, objects = _passes_update([wallet_pass.pk])
        transaction.on_commit(lambda: _send(pushes, objects))
        wallet_pass.refresh_from_db()
    return wallet_pass


def _stale() -> Q:
    """Passes whose figures differ from their member's points account (NULL tiers compared)."""
    balance = F("member__points_account__balance")
    tier = F("member__points_account__tier")
    return (
        ~Q(shown_balance=balance)
        | Q(shown_tier__isnull=True, member__points_account__tier__isnull=False)
        | Q(shown_tier__isnull=False, member__points_account__tier__isnull=True)
        | (
            Q(shown_tier__isnull=False, member__points_account__tier__isnull=False)
            & ~Q(shown_tier=tier)
        )
    )


@dataclass(frozen=True)
class WalletUpdate:
    passes: int
    pushes: int
    google_objects: int


def _passes_update(pks: list[int]) -> tuple[list[Push], list[dict]]:
    """Copy each pass's account figures onto it and bump its tag, in one UPDATE; what to send
    for them. The caller holds the rows' locks."""
    account = PointsAccount.objects.filter(member=OuterRef("member"))
    now = timezone.now()
    WalletPass.objects.filter(pk__in=pks).update(
        shown_balance=Subquery(account.values("balance")[:1]),
        shown_tier=Subquery(account.values("tier")[:1]),
        update_tag=Greatest(F("update_tag") + 1, update_tag_at(now)),
        updated_at=now,
    )
    apple = apple_config()
    pushes = [
        Push(
            push_token=registration.push_token,
            pass_type_identifier=apple.pass_type_identifier if apple else "",
            serial_number=registration.wallet_pass.serial_number,
        )
        for registration in WalletRegistration.objects.filter(
            wallet_pass__in=pks, wallet_pass__kind=WalletKind.APPLE
        )
        .select_related("wallet_pass")
        .order_by("pk")
    ]
    google = google_config()
    objects = []
    if google is not None:
        for wallet_pass in (
            WalletPass.objects.filter(pk__in=pks, kind=WalletKind.GOOGLE)
            .select_related("member__user", "shown_tier")
            .order_by("pk")
        ):
            figures = card_figures(member=wallet_pass.member, wallet_pass=wallet_pass)
            objects.append(
                loyalty_object(
                    config=google, serial_number=wallet_pass.serial_number, figures=figures
                )
            )
    return pushes, objects


def _send(pushes: list[Push], objects: list[dict]) -> tuple[int, int]:
    sent = push_backend().send(pushes) if pushes else 0
    updated = google_backend().update(objects) if objects else 0
    return sent, updated


@atomic_with_retry
def _update_batch(*, batch_size: int) -> tuple[list[int], list[Push], list[dict]]:
    pks = list(
        WalletPass.objects.filter(_stale())
        .order_by("pk")
        .select_for_update(skip_locked=True, of=("self",))
        .values_list("pk", flat=True)[:batch_size]
    )
    if not pks:
        return [], [], []
    pushes, objects = _passes_update(pks)
    return pks, pushes, objects


def wallet_passes_update(*, batch_size: int = UPDATE_BATCH_SIZE) -> WalletUpdate:
    """Bring every pass whose member's balance or tier changed up to date, in batches: the
    figures and the tag in one UPDATE per batch, then a push to each registered device and the
    Google object to its backend. Idempotent: a second run finds nothing to change."""
    passes = pushes = objects = 0
    while True:
        pks, batch_pushes, batch_objects = _update_batch(batch_size=batch_size)
        if not pks:
            break
        passes += len(pks)
        sent, updated = _send(batch_pushes, batch_objects)
        pushes += sent
        objects += updated
    return WalletUpdate(passes=passes, pushes=pushes, google_objects=objects)


@atomic_with_retry
def wallet_device_register(
    *, wallet_pass: WalletPass, device_library_identifier: str, push_token: str
) -> bool:
    """Register the device for the pass's updates; True when it was not registered yet (a
    second registration keeps the row and takes the newest push token)."""
    registration, created = WalletRegistration.objects.get_or_create(
        wallet_pass=wallet_pass,
        device_library_identifier=device_library_identifier,
        defaults={"push_token": push_token},
    )
    if not created and registration.push_token != push_token:
        registration.push_token = push_token
        registration.save(update_fields=["push_token"])
    return created


@atomic_with_retry
def wallet_device_unregister(*, wallet_pass: WalletPass, device_library_identifier: str) -> bool:
    deleted, _by_model = WalletRegistration.objects.filter(
        wallet_pass=wallet_pass, device_library_identifier=device_library_identifier
    ).delete()
    return deleted > 0


def wallet_passes_remove_locked(*, member: Member) -> int:
    """Remove the member's passes and their device registrations (closing the account; the
    caller holds the transaction). Devices asking for the pass then get 404."""
    deleted, _by_model = WalletPass.objects.filter(member=member).delete()
    return deleted
