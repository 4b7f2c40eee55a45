"""Emails through the outbox: queued inside the caller's transaction, sent by the worker."""

import datetime
import logging
from email.mime.image import MIMEImage

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.template import Context
from django.template.loader import get_template, render_to_string
from django.utils import timezone

from ..models import OutboxEmail, OutboxStatus
from .program import program_settings_get

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 6


def _render_plain(template_name: str, context: dict) -> str:
    """Render a plain-text template: no HTML escaping, so "O'Brien & Co" stays as written."""
    return get_template(template_name).template.render(Context(context, autoescape=False))


def email_queue(
    *,
    key: str,
    to: str,
    template: str,
    context: dict,
    member=None,
    qr_data: str = "",
    headers: dict | None = None,
    send_after: datetime.datetime | None = None,
) -> OutboxEmail:
    """Queue the email rendered from templates/emails/<template>{_subject.txt,.txt,.html}.

    Idempotent on `key`: queueing the same key again returns the first message. Call it inside
    the transaction of what the email is about, so that both happen or neither does.
    """
    existing = OutboxEmail.objects.filter(key=key).first()
    if existing is not None:
        return existing
    program = program_settings_get()
    context = {"program": program, "base_url": settings.LOYALTY_BASE_URL.rstrip("/"), **context}
    subject = " ".join(_render_plain(f"emails/{template}_subject.txt", context).split())
    try:
        with transaction.atomic():
            return OutboxEmail.objects.create(
                key=key,
                member=member,
                to_email=to,
                subject=subject[:255],
                body_text=_render_plain(f"emails/{template}.txt", context),
                body_html=render_to_string(f"emails/{template}.html", context),
                qr_data=qr_data,
                headers=headers or {},
                send_after=send_after or timezone.now(),
            )
    except IntegrityError:
        return OutboxEmail.objects.get(key=key)


def _message(email: OutboxEmail) -> EmailMultiAlternatives:
    message = EmailMultiAlternatives(
        subject=email.subject,
        body=email.body_text,
        to=[email.to_email],
        headers=email.headers or None,
    )
    if email.body_html:
        message.attach_alternative(email.body_html, "text/html")
        if email.qr_data:
            from members.qr import qr_png

            image = MIMEImage(qr_png(email.qr_data, module_pixels=6), _subtype="png")
            image.add_header("Content-ID", "<qr>")
            image.add_header("Content-Disposition", "inline", filename="qr.png")
            message.mixed_subtype = "related"
            message.attach(image)
    return message


def _backoff(attempts: int) -> datetime.timedelta:
    """1, 2, 4, 8, 16 minutes between tries."""
    return datetime.timedelta(minutes=2 ** (attempts - 1))


def outbox_send_due(*, now: datetime.datetime | None = None, batch_size: int = 100) -> int:
    """Send the emails that are due; returns how many went out.

    Each message is claimed with SKIP LOCKED, so two workers never send the same one. A
    failure is retried with back-off; after MAX_ATTEMPTS the message is marked failed and
    stays visible in the admin.
    """
    now = now or timezone.now()
    due = list(
        OutboxEmail.objects.filter(status=OutboxStatus.PENDING, send_after__lte=now)
        .order_by("send_after", "pk")
        .values_list("pk", flat=True)[:batch_size]
    )
    sent = 0
    for email_id in due:
        with transaction.atomic():
            email = (
                OutboxEmail.objects.select_for_update(skip_locked=True)
                .filter(pk=email_id, status=OutboxStatus.PENDING)
                .first()
            )
            if email is None:
                continue
            email.attempts += 1
            try:
                _message(email).send()
            except Exception as error:  # any transport failure: keep it, try again later
                logger.warning("Sending email %s failed: %s", email.key, error)
                email.last_error = f"{type(error).__name__}: {error}"[:2000]
                if email.attempts >= MAX_ATTEMPTS:
                    email.status = OutboxStatus.FAILED
                else:
                    email.send_after = timezone.now() + _backoff(email.attempts)
            else:
                email.status = OutboxStatus.SENT
                email.sent_at = timezone.now()
                email.last_error = ""
                sent += 1
            email.save(update_fields=["attempts", "status", "send_after", "sent_at", "last_error"])
    return sent


def outbox_retry(*, email_ids) -> int:
    """Put failed emails back in the queue, due now, with a fresh count of attempts."""
    return OutboxEmail.objects.filter(pk__in=email_ids, status=OutboxStatus.FAILED).update(
        status=OutboxStatus.PENDING, attempts=0, send_after=timezone.now()
    )
