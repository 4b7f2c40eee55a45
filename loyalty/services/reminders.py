"""Reminders before points expire: one email per member, expiry date and stage. Never twice."""

import datetime

from django.conf import settings
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from members.unsubscribe import unsubscribe_url
from rewards.selectors import rewards_redeemable_now, rewards_within_reach

from ..models import OutboxEmail, PointsAccount, PointsLot
from .expiry import inactive_accounts
from .outbox import email_queue
from .program import program_settings_get, program_timezone


def reminder_stages() -> list[int]:
    """The configured stages in days, largest first: "30,7" -> [30, 7]."""
    raw = program_settings_get().reminder_stages
    days = {int(part) for part in raw.split(",") if part.strip().isdigit() and int(part) > 0}
    return sorted(days, reverse=True)


def expiry_reminders_queue(*, now: datetime.datetime | None = None) -> int:
    """Queue the reminders that are due now; returns how many were queued.

    A lot expiring in d days belongs to the smallest stage s with d <= s (so with stages 30
    and 7, 20 days out is the 30-day reminder and 5 days out the 7-day one). Points already
    spent or expired have no `remaining` and are never mentioned; members who turned
    reminders off get none.
    """
    now = now or timezone.now()
    stages = reminder_stages()
    redeemable = rewards_redeemable_now(now=now)
    queued = 0
    for index, stage in enumerate(stages):
        lower = stages[index + 1] if index + 1 < len(stages) else 0
        due = (
            PointsLot.objects.filter(
                is_pending=False,
                remaining__gt=0,
                expires_at__gt=now + datetime.timedelta(days=lower),
                expires_at__lte=now + datetime.timedelta(days=stage),
                account__member__reminder_emails=True,
                account__member__user__is_active=True,
            )
            .values("account_id", "expires_at")
            .annotate(points=Sum("remaining"))
            .order_by("account_id", "expires_at")
        )
        for row in due.iterator(chunk_size=1000):
            queued += _queue_one(row, stage=stage, now=now, redeemable=redeemable)
    return queued


def _queue_one(row: dict, *, stage: int, now: datetime.datetime, redeemable: list) -> int:
    expires_on = timezone.localtime(row["expires_at"], program_timezone()).date()
    key = f"expiry-reminder:{row['account_id']}:{expires_on.isoformat()}:{stage}"
    if OutboxEmail.objects.filter(key=key).exists():
        return 0
    account = PointsAccount.objects.select_related("member__user").get(pk=row["account_id"])
    member = account.member
    # The last day they can be spent: lots expire at the midnight that ends it.
    last_day = expires_on - datetime.timedelta(days=1)
    with transaction.atomic():
        email_queue(
            key=key,
            to=member.user.email,
            template="expiry_reminder",
            member=member,
            context={
                "member": member,
                "points": row["points"],
                "last_day": last_day,
                "balance": account.balance,
                "rewards": rewards_within_reach(
                    balance=account.balance, limit=3, redeemable=redeemable
                ),
                "unsubscribe_url": unsubscribe_url(
                    base_url=settings.LOYALTY_BASE_URL, member=member, purpose="reminders"
                ),
            },
            headers=_unsubscribe_headers(member),
        )
    return 1


def _unsubscribe_headers(member) -> dict:
    url = unsubscribe_url(base_url=settings.LOYALTY_BASE_URL, member=member, purpose="reminders")
    return {"List-Unsubscribe": f"<{url}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}


def inactivity_reminders_queue(*, now: datetime.datetime | None = None) -> int:
    """With the inactivity policy on, warn members whose balance will expire for inactivity.

    One email per member and period of inactivity (keyed on their last purchase), sent once
    they are within the reminder days of losing their balance.
    """
    program = program_settings_get()
    if not program.inactivity_days:
        return 0
    now = now or timezone.now()
    warn_after = max(program.inactivity_days - program.inactivity_reminder_days, 0)
    queued = 0
    accounts = (
        inactive_accounts(now=now, days=warn_after)
        .filter(member__reminder_emails=True, member__user__is_active=True)
        .select_related("member__user")
        .order_by("pk")
    )
    for account in accounts.iterator(chunk_size=500):
        last = account.last_purchase or account.member.joined_at
        last_day = timezone.localtime(last, program_timezone()).date()
        key = f"inactivity-reminder:{account.pk}:{last_day.isoformat()}"
        if OutboxEmail.objects.filter(key=key).exists():
            continue
        member = account.member
        deadline = timezone.localtime(
            last + datetime.timedelta(days=program.inactivity_days), program_timezone()
        ).date()
        email_queue(
            key=key,
            to=member.user.email,
            template="inactivity_reminder",
            member=member,
            context={
                "member": member,
                "balance": account.balance,
                "deadline": deadline,
                "unsubscribe_url": unsubscribe_url(
                    base_url=settings.LOYALTY_BASE_URL, member=member, purpose="reminders"
                ),
            },
            headers=_unsubscribe_headers(member),
        )
        queued += 1
    return queued
