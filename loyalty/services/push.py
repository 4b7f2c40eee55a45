"""Web push through the outbox: queued beside an event's email, sent by the worker.

A push is one `OutboxPush` row per subscription of the member, keyed
"<event key>:push:<subscription>", so the event's email and its pushes never share a row, a
try or a failure: a push service that is down delays only the pushes. Queueing is idempotent
on the key; sending claims each row with SKIP LOCKED, retries with the emails' back-off and
gives up after MAX_ATTEMPTS. A push service answering 404 or 410 has forgotten the
subscription: it is deleted, and its rows with it. With no VAPID keys configured nothing is
queued or sent.
"""

import datetime
import json
import logging
from collections.abc import Iterable
from dataclasses import dataclass

import requests
from django.conf import settings
from django.db import DatabaseError, transaction
from django.utils import timezone
from py_vapid import Vapid
from pywebpush import WebPushException, webpush

from loyalty.models import OutboxPush, OutboxStatus
from loyalty.platform.webpush import push_configured, vapid_subject
from members.models import PushSubscription

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 6
SEND_TIMEOUT_SECONDS = 10
# The push service says the browser dropped the subscription: never try it again.
GONE_STATUSES = frozenset({404, 410})


@dataclass(frozen=True)
class PushToQueue:
    """One notification for all of a member's browsers. `key` is the event's own key (the
    email's, such as "voucher-issued:42"); `url` is the page a tap opens, a path of this site."""

    key: str
    member_id: int
    title: str
    body: str
    url: str


def pushes_queue(pushes: Iterable[PushToQueue]) -> int:
    """Queue each push to every subscription of its member; returns how many rows were new.

    Call it inside the transaction of the event, after its email is queued. It never makes
    that transaction fail: a database error here is logged, rolled back to its savepoint and
    the email goes alone.
    """
    if not push_configured():
        return 0
    pushes = list(pushes)
    if not pushes:
        return 0
    try:
        with transaction.atomic():
            return _queue(pushes)
    except DatabaseError:
        logger.exception("Queueing %d web pushes failed; the emails go alone.", len(pushes))
        return 0


def _queue(pushes: list[PushToQueue]) -> int:
    subscriptions: dict[int, list[int]] = {}
    for subscription_id, member_id in PushSubscription.objects.filter(
        member_id__in={push.member_id for push in pushes}
    ).values_list("pk", "member_id"):
        subscriptions.setdefault(member_id, []).append(subscription_id)
    now = timezone.now()
    rows = {}
    for push in pushes:
        for subscription_id in subscriptions.get(push.member_id, []):
            key = f"{push.key}:push:{subscription_id}"
            rows.setdefault(
                key,
                OutboxPush(
                    key=key,
                    subscription_id=subscription_id,
                    title=push.title[:120],
                    body=push.body[:500],
                    url=push.url[:500],
                    send_after=now,
                ),
            )
    if not rows:
        return 0
    taken = set(OutboxPush.objects.filter(key__in=rows).values_list("key", flat=True))
    new = [row for key, row in sorted(rows.items()) if key not in taken]
    # A row another worker wrote in the meantime is skipped, not an error.
    OutboxPush.objects.bulk_create(new, ignore_conflicts=True)
    return len(new)


def push_payload(push: OutboxPush) -> str:
    """What the service worker's `push` handler reads (static/js/service-worker.js)."""
    return json.dumps(
        {"title": push.title, "body": push.body, "url": push.url, "tag": push.key},
        ensure_ascii=False,
        sort_keys=True,
    )


def _backoff(attempts: int) -> datetime.timedelta:
    """1, 2, 4, 8, 16 minutes between tries, as for the emails."""
    return datetime.timedelta(minutes=2 ** (attempts - 1))


def push_send_due(*, now: datetime.datetime | None = None, batch_size: int = 100) -> int:
    """Send the pushes that are due; returns how many the push services accepted."""
    if not push_configured():
        return 0
    now = now or timezone.now()
    due = list(
        OutboxPush.objects.filter(status=OutboxStatus.PENDING, send_after__lte=now)
        .order_by("send_after", "pk")
        .values_list("pk", flat=True)[:batch_size]
    )
    if not due:
        return 0
    vapid = Vapid.from_string(private_key=settings.LOYALTY_VAPID_PRIVATE_KEY)
    sent = 0
    for push_id in due:
        with transaction.atomic():
            push = (
                OutboxPush.objects.select_for_update(skip_locked=True)
                .filter(pk=push_id, status=OutboxStatus.PENDING)
                .first()
            )
            if push is not None:
                sent += _send_locked(push, vapid=vapid)
    return sent


def _send_locked(push: OutboxPush, *, vapid: Vapid) -> int:
    """One try of a claimed row; 1 when the push service accepted it."""
    subscription = PushSubscription.objects.filter(pk=push.subscription_id).first()
    if subscription is None:  # deleted while the row was being queued (no constraint: above)
        push.delete()
        return 0
    push.attempts += 1
    now = timezone.now()
    try:
        webpush(
            subscription_info={
                "endpoint": subscription.endpoint,
                "keys": {"p256dh": subscription.p256dh, "auth": subscription.auth},
            },
            data=push_payload(push),
            vapid_private_key=vapid,
            vapid_claims={"sub": vapid_subject()},
            content_encoding="aes128gcm",
            ttl=settings.LOYALTY_PUSH_TTL_SECONDS,
            timeout=SEND_TIMEOUT_SECONDS,
        )
    except WebPushException as error:
        status = getattr(error.response, "status_code", None)
        if status in GONE_STATUSES:
            logger.info("Push subscription %s is gone (%s): deleted.", subscription.pk, status)
            subscription.delete()  # its queued pushes go with it
            return 0
        _failed(push, subscription, now=now, error=f"{status or ''} {error.message}".strip())
        return 0
    except (requests.RequestException, ValueError) as error:  # network, or keys it cannot use
        _failed(push, subscription, now=now, error=f"{type(error).__name__}: {error}")
        return 0
    push.status = OutboxStatus.SENT
    push.sent_at = now
    push.last_error = ""
    push.save(update_fields=["attempts", "status", "sent_at", "last_error"])
    PushSubscription.objects.filter(pk=subscription.pk).update(last_success_at=now)
    return 1


def _failed(push: OutboxPush, subscription: PushSubscription, *, now, error: str) -> None:
    logger.warning("Sending push %s failed: %s", push.key, error)
    push.last_error = error[:2000]
    if push.attempts >= MAX_ATTEMPTS:
        push.status = OutboxStatus.FAILED
    else:
        push.send_after = now + _backoff(push.attempts)
    push.save(update_fields=["attempts", "status", "send_after", "last_error"])
    PushSubscription.objects.filter(pk=subscription.pk).update(
        last_failure_at=now, last_error=error[:2000]
    )
