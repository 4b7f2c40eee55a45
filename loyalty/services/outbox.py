"""Emails through the outbox: queued inside the caller's transaction, sent by the worker."""

import datetime
import logging
from collections.abc import Iterable
from dataclasses import dataclass
from email.mime.image import MIMEImage
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, connection, transaction
from django.template import Context
from django.template.loader import get_template, render_to_string
from django.utils import timezone

from loyalty.models import OutboxEmail, OutboxStatus, ProgramSettings
from loyalty.platform.languages import in_language_of
from loyalty.services.program import program_settings_get
from members.qr import qr_png

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 6


def _render_plain(template_name: str, context: dict) -> str:
    """Render a plain-text template: no HTML escaping, so "O'Brien & Co" stays as written."""
    return get_template(template_name).template.render(Context(context, autoescape=False))


def _render(
    *, template: str, context: dict, program: ProgramSettings, member=None
) -> tuple[str, str, str]:
    """Subject, text and HTML of templates/emails/<template>{_subject.txt,.txt,.html}, in the
    language of the member it is sent to (`loyalty/platform/languages.py`)."""
    with in_language_of(member) as language:
        subject = email_subject_render(template=template, context=context, program=program)
        context = {
            "program": program,
            "base_url": settings.LOYALTY_BASE_URL.rstrip("/"),
            "language": language,
            **context,
        }
        return (
            subject,
            _render_plain(f"emails/{template}.txt", context),
            render_to_string(f"emails/{template}.html", context),
        )


def email_subject_render(*, template: str, context: dict, program: ProgramSettings) -> str:
    """The subject `email_queue` gives an email of `template`: one line, as the member reads it
    (a push notification of the same event takes it as its title)."""
    context = {"program": program, "base_url": settings.LOYALTY_BASE_URL.rstrip("/"), **context}
    return " ".join(_render_plain(f"emails/{template}_subject.txt", context).split())[:255]


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
    subject, body_text, body_html = _render(
        template=template, context=context, program=program_settings_get(), member=member
    )
    try:
        with transaction.atomic():
            return OutboxEmail.objects.create(
                key=key,
                member=member,
                to_email=to,
                subject=subject,
                body_text=body_text,
                body_html=body_html,
                qr_data=qr_data,
                headers=headers or {},
                send_after=send_after or timezone.now(),
            )
    except IntegrityError:
        return OutboxEmail.objects.get(key=key)


@dataclass(frozen=True)
class EmailToQueue:
    """One email for `emails_queue_bulk`; the fields mean what `email_queue`'s arguments do."""

    key: str
    to: str
    template: str
    context: dict
    member: Any = None
    qr_data: str = ""
    headers: dict | None = None
    send_after: datetime.datetime | None = None


def outbox_keys_taken(keys: Iterable[str]) -> set[str]:
    """Which of `keys` are in the outbox already (to skip rendering what would not be written)."""
    keys = list(keys)
    batch = connection.features.max_query_params or max(len(keys), 1)  # SQLite: 999 a query
    taken = set()
    for start in range(0, len(keys), batch):
        taken.update(
            OutboxEmail.objects.filter(key__in=keys[start : start + batch]).values_list(
                "key", flat=True
            )
        )
    return taken


def emails_queue_bulk(
    emails: Iterable[EmailToQueue], *, program: ProgramSettings | None = None
) -> set[str]:
    """Queue many emails at once, rendered as `email_queue` renders them; returns the keys of
    those actually written.

    Idempotent on `key` like `email_queue`: a key already in the outbox, or written by another
    worker at the same moment, is skipped and not returned, so `len()` of the result counts
    exactly the new messages. Within `emails`, the first email of a key wins. Pass `program`
    to read the program settings once for many calls.
    """
    program = program or program_settings_get()
    queued_at = timezone.now()
    rows, seen = [], set()
    for email in emails:
        if email.key in seen:
            continue
        seen.add(email.key)
        subject, body_text, body_html = _render(
            template=email.template, context=email.context, program=program, member=email.member
        )
        rows.append(
            OutboxEmail(
                key=email.key,
                member=email.member,
                to_email=email.to,
                subject=subject,
                body_text=body_text,
                body_html=body_html,
                qr_data=email.qr_data,
                headers=email.headers or {},
                send_after=email.send_after or queued_at,
            )
        )
    if not rows:
        return set()
    # Two workers writing overlapping keys then take the key locks in the same order: no deadlock.
    rows.sort(key=lambda row: row.key)
    return _insert_new(rows)


def _insert_new(rows: list[OutboxEmail]) -> set[str]:
    """INSERT ... ON CONFLICT (key) DO NOTHING RETURNING key: the keys this statement wrote.

    `bulk_create(ignore_conflicts=True)` cannot tell which rows went in; RETURNING can, and
    stays exact when two workers insert the same keys at once (the second waits for the first
    and skips its rows). Both PostgreSQL and SQLite (3.35+) speak this SQL.
    """
    meta = OutboxEmail._meta
    fields = [field for field in meta.concrete_fields if not field.primary_key]
    quote = connection.ops.quote_name
    columns = ", ".join(quote(field.column) for field in fields)
    key = quote(meta.get_field("key").column)
    # Only names from the model's own metadata go into the SQL; every value is a parameter.
    sql_head = f"INSERT INTO {quote(meta.db_table)} ({columns}) VALUES "  # noqa: S608  # nosec B608
    sql_tail = f" ON CONFLICT ({key}) DO NOTHING RETURNING {key}"
    placeholders = "(" + ", ".join(["%s"] * len(fields)) + ")"
    # PostgreSQL's bulk_batch_size is "all of them"; its statements take at most 65,535 values.
    batch = min(connection.ops.bulk_batch_size(fields, rows), 1000)
    written = set()
    with transaction.atomic(), connection.cursor() as cursor:
        for start in range(0, len(rows), batch):
            chunk = rows[start : start + batch]
            params = [
                # What Model.save() would send: auto_now_add, then the field's database value.
                field.get_db_prep_save(field.pre_save(row, True), connection)
                for row in chunk
                for field in fields
            ]
            cursor.execute(sql_head + ", ".join([placeholders] * len(chunk)) + sql_tail, params)
            written.update(row_key for (row_key,) in cursor.fetchall())
    return written


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
