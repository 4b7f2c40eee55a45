"""Reminders before points expire: one email per member, expiry date and stage. Never twice."""

import datetime
from collections.abc import Iterable, Iterator
from itertools import islice

from django.conf import settings
from django.contrib.humanize.templatetags.humanize import intcomma
from django.db.models import Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import ngettext

from loyalty.models import PointsAccount, PointsLot, ProgramSettings
from loyalty.platform.languages import in_language_of
from loyalty.services.expiry import inactive_accounts
from loyalty.services.outbox import (
    EmailToQueue,
    email_subject_render,
    emails_queue_bulk,
    outbox_keys_taken,
)
from loyalty.services.program import program_settings_get, program_timezone
from loyalty.services.push import PushToQueue, pushes_queue
from members.unsubscribe import unsubscribe_url
from rewards.selectors import rewards_redeemable_now, rewards_within_reach

# Emails written per round trip: a few queries and one INSERT for each chunk, not ten queries
# an email. Below SQLite's 999 variables a query, so `key IN (...)` needs no splitting.
CHUNK_SIZE = 500


def reminder_stages(program: ProgramSettings | None = None) -> list[int]:
    """The configured stages in days, largest first: "30,7" -> [30, 7]."""
    raw = (program or program_settings_get()).reminder_stages
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
    program = program_settings_get()
    stages = reminder_stages(program)
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
        for rows in _chunks(due.iterator(chunk_size=CHUNK_SIZE), CHUNK_SIZE):
            queued += _queue_expiry_chunk(rows, stage=stage, program=program, redeemable=redeemable)
    return queued


def _chunks(items: Iterable, size: int) -> Iterator[list]:
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk


def _queue_expiry_chunk(
    rows: list[dict], *, stage: int, program: ProgramSettings, redeemable: list
) -> int:
    """Three queries for the whole chunk: keys already queued, the accounts, the INSERT."""
    zone = program_timezone()
    due = {}
    for row in rows:
        expires_on = timezone.localtime(row["expires_at"], zone).date()
        key = f"expiry-reminder:{row['account_id']}:{expires_on.isoformat()}:{stage}"
        due.setdefault(key, (row, expires_on))  # one email a key: the first row wins
    for key in outbox_keys_taken(due):
        del due[key]
    if not due:
        return 0
    accounts = PointsAccount.objects.select_related("member__user").in_bulk(
        {row["account_id"] for row, _expires_on in due.values()}
    )
    emails, pushes = [], []
    for key, (row, expires_on) in due.items():
        account = accounts.get(row["account_id"])
        if account is None:  # deleted since the lots were read
            continue
        member = account.member
        url = _unsubscribe_url(member)
        context = {
            "member": member,
            "points": row["points"],
            # The last day they can be spent: lots expire at the midnight that ends it.
            "last_day": expires_on - datetime.timedelta(days=1),
            "balance": account.balance,
            "rewards": rewards_within_reach(
                balance=account.balance, limit=3, redeemable=redeemable
            ),
            "unsubscribe_url": url,
        }
        emails.append(
            EmailToQueue(
                key=key,
                to=member.user.email,
                template="expiry_reminder",
                member=member,
                context=context,
                headers=_unsubscribe_headers(url),
            )
        )
        pushes.append(_reminder_push(key, member, "expiry_reminder", context, program))
    queued = emails_queue_bulk(emails, program=program)
    pushes_queue(push for push in pushes if push.key in queued)
    return len(queued)


def _reminder_push(key: str, member, template: str, context: dict, program) -> PushToQueue:
    """The reminder's push, in the member's language: the email's subject as its title; a tap
    opens the rewards."""
    balance = context["balance"]
    with in_language_of(member):
        return PushToQueue(
            key=key,
            member_id=member.pk,
            title=email_subject_render(template=template, context=context, program=program),
            body=ngettext(
                "You have %(balance)s point in all. See what it can get you.",
                "You have %(balance)s points in all. See what they can get you.",
                balance,
            )
            % {"balance": intcomma(balance)},
            url=reverse("rewards:list"),
        )


def _unsubscribe_url(member) -> str:
    return unsubscribe_url(base_url=settings.LOYALTY_BASE_URL, member=member, purpose="reminders")


def _unsubscribe_headers(url: str) -> dict:
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
    for chunk in _chunks(accounts.iterator(chunk_size=CHUNK_SIZE), CHUNK_SIZE):
        queued += _queue_inactivity_chunk(chunk, program=program)
    return queued


def _queue_inactivity_chunk(accounts: list[PointsAccount], *, program: ProgramSettings) -> int:
    zone = program_timezone()
    due = {}
    for account in accounts:
        last = account.last_purchase or account.member.joined_at
        last_day = timezone.localtime(last, zone).date()
        due[f"inactivity-reminder:{account.pk}:{last_day.isoformat()}"] = (account, last)
    for key in outbox_keys_taken(due):
        del due[key]
    emails, pushes = [], []
    for key, (account, last) in due.items():
        member = account.member
        url = _unsubscribe_url(member)
        deadline = timezone.localtime(
            last + datetime.timedelta(days=program.inactivity_days), zone
        ).date()
        context = {
            "member": member,
            "balance": account.balance,
            "deadline": deadline,
            "unsubscribe_url": url,
        }
        emails.append(
            EmailToQueue(
                key=key,
                to=member.user.email,
                template="inactivity_reminder",
                member=member,
                context=context,
                headers=_unsubscribe_headers(url),
            )
        )
        pushes.append(_reminder_push(key, member, "inactivity_reminder", context, program))
    queued = emails_queue_bulk(emails, program=program)
    pushes_queue(push for push in pushes if push.key in queued)
    return len(queued)
