"""A member's own data: download it as JSON, or close the account.

Closing erases what identifies the person and keeps the ledger, so every balance and report
still adds up (`points_audit` passes) while nothing points back to them.
"""

import datetime
from urllib.parse import urlsplit

from allauth.account.models import EmailAddress
from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from loyalty.models import PointsEntry, Purchase
from loyalty.services.ledger import lock_accounts, points_forfeit_locked
from members.models import Member, PhoneVerification, PushSubscription, WalletPass
from members.wallet.services import wallet_passes_remove_locked
from referrals.models import Referral, ReferralCode
from rewards.models import Redemption, RedemptionStatus
from rewards.services import redemption_void


def _when(moment: datetime.datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def member_data_export(*, member: Member) -> dict:
    """Everything the portal holds about the member, as plain JSON-ready data."""
    user = member.user
    account = member.points_account
    return {
        "exported_at": timezone.now().isoformat(),
        "profile": {
            "email": user.email,
            "first_name": user.first_name,
            "last_name": user.last_name,
            "phone": member.phone,
            "phone_verified_at": _when(member.phone_verified_at),
            "birthday": member.birthday.isoformat() if member.birthday else None,
            "card_number": member.card_number,
            "joined_at": _when(member.joined_at),
            "reminder_emails": member.reminder_emails,
            "marketing_emails": member.marketing_emails,
        },
        "points": {
            "available": account.balance,
            "pending": account.pending,
            "debt": account.debt,
            "lifetime_earned": account.lifetime_earned,
            "tier": account.tier.name if account.tier else None,
        },
        "ledger": [
            {
                "time": _when(entry.created_at),
                "kind": entry.kind,
                "points": entry.points,
                "note": entry.note,
            }
            for entry in PointsEntry.objects.filter(account=account).order_by("created_at", "pk")
        ],
        "purchases": [
            {
                "time": _when(purchase.occurred_at),
                "store": purchase.store.name,
                "receipt": purchase.external_id,
                "total": str(purchase.total),
                "currency": purchase.currency,
                "points": purchase.points,
                "points_reversed": purchase.points_reversed,
            }
            for purchase in Purchase.objects.filter(member=member)
            .select_related("store")
            .order_by("occurred_at")
        ],
        "vouchers": [
            {
                "reward": redemption.reward.name,
                "code": redemption.code,
                "status": redemption.status,
                "points": redemption.points,
                "issued_at": _when(redemption.issued_at),
                "expires_at": _when(redemption.expires_at),
            }
            for redemption in Redemption.objects.filter(member=member)
            .select_related("reward")
            .order_by("issued_at")
        ],
        "referrals_made": [
            {"status": referral.status, "signed_up": _when(referral.created_at)}
            for referral in Referral.objects.filter(referrer=member).order_by("created_at")
        ],
        # Where the member's notifications and card go; not the keys they are sent with.
        "notification_browsers": [
            {
                "push_service": urlsplit(subscription.endpoint).hostname,
                "since": _when(subscription.created_at),
                "last_delivered": _when(subscription.last_success_at),
            }
            for subscription in PushSubscription.objects.filter(member=member).order_by(
                "created_at", "pk"
            )
        ],
        "wallet_passes": [
            {
                "wallet": wallet_pass.kind,
                "added": _when(wallet_pass.created_at),
                "devices": wallet_pass.devices,
            }
            for wallet_pass in WalletPass.objects.filter(member=member)
            .annotate(devices=Count("registrations"))
            .order_by("created_at", "pk")
        ],
    }


@transaction.atomic
def member_close(*, member: Member) -> Member:
    """Close the account: vouchers voided, points forfeited (one ledger entry), personal data
    erased, sign-in impossible; the points account neither earns nor spends from then on.

    The ledger, purchases and redemptions stay (without anything personal) so totals and
    reports remain right. Returns the anonymised member.
    """
    lock_accounts([member.points_account.pk])
    user = member.user
    # Vouchers past their date are the expiry run's to settle; the others are voided now.
    outstanding = Redemption.objects.filter(
        member=member, status=RedemptionStatus.ISSUED, expires_at__gt=timezone.now()
    )
    for redemption in outstanding:
        redemption_void(redemption=redemption, actor=user, reason="Account closed")
    # After the vouchers (their points came back): what is left is forfeited, in the ledger.
    # (Read again under the lock: the voids changed the account.)
    account = lock_accounts([member.points_account.pk])[member.points_account.pk]
    points_forfeit_locked(account, actor=user, note="Account closed")
    ReferralCode.objects.filter(member=member).delete()
    wallet_passes_remove_locked(member=member)
    EmailAddress.objects.filter(user=user).delete()
    user.email = f"closed-{user.pk}@invalid.example"
    user.first_name = ""
    user.last_name = ""
    user.is_active = False  # an inactive user's sessions no longer sign anyone in
    user.set_unusable_password()
    user.save()
    member.phone = ""
    member.phone_verified_at = None
    PhoneVerification.objects.filter(member=member).delete()
    PushSubscription.objects.filter(member=member).delete()  # and the pushes queued for them
    member.birthday = None
    member.reminder_emails = False
    member.marketing_emails = False
    member.save()
    return member
