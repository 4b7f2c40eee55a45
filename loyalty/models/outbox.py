"""The outbox: one row per email, sent after commit by the worker."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class OutboxStatus(models.TextChoices):
    PENDING = "pending", _("Waiting to be sent")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")


class Delivery(models.Model):
    """Where a message of the outbox is on its way: its tries, its last error, when it may go
    next and when it went (the emails and the web pushes keep the same)."""

    status = models.CharField(
        _("status"), max_length=10, choices=OutboxStatus.choices, default=OutboxStatus.PENDING
    )
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    send_after = models.DateTimeField(_("send after"))
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    created_at = models.DateTimeField(_("queued"), auto_now_add=True)

    class Meta:
        abstract = True


class OutboxEmail(Delivery):
    """One email to send. Written in the transaction of what caused it; sent by the worker.

    The unique `key` (e.g. "voucher-issued:42") makes queueing idempotent: nobody gets the
    same message twice, and a broker outage loses nothing.
    """

    key = models.CharField(_("key"), max_length=200, unique=True)
    member = models.ForeignKey(
        "members.Member",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="emails",
        verbose_name=_("member"),
    )
    to_email = models.EmailField(_("to"))
    subject = models.CharField(_("subject"), max_length=255)
    body_text = models.TextField(_("text"))
    body_html = models.TextField(_("HTML"), blank=True)
    headers = models.JSONField(_("headers"), default=dict, blank=True)
    qr_data = models.CharField(
        _("QR code content"),
        max_length=200,
        blank=True,
        help_text=_("Sent as an inline image the HTML shows with cid:qr."),
    )

    class Meta(Delivery.Meta):
        ordering = ["-created_at", "-pk"]
        verbose_name = _("email")
        verbose_name_plural = _("outbox")
        indexes = [
            models.Index(
                fields=["send_after"], condition=Q(status="pending"), name="outbox_pending_due"
            )
        ]

    def __str__(self) -> str:
        return f"{self.subject} → {self.to_email}"


class OutboxPush(Delivery):
    """One web push notification to one of a member's browsers, sent by the worker.

    Beside the email of the same event and independent of it: its own row, its own tries.
    The unique `key` ("<event key>:push:<subscription>") makes queueing idempotent. A
    subscription the push service no longer knows (404, 410) is deleted, and its rows with it.
    """

    key = models.CharField(_("key"), max_length=200, unique=True)
    subscription = models.ForeignKey(
        "members.PushSubscription",
        on_delete=models.CASCADE,
        related_name="outbox",
        verbose_name=_("push subscription"),
        # No database constraint: a browser unsubscribing while a reminder is being queued must
        # not fail the reminder's transaction at commit. The sender drops a row left orphaned.
        db_constraint=False,
    )
    title = models.CharField(_("title"), max_length=120)
    body = models.CharField(_("text"), max_length=500)
    url = models.CharField(_("address"), max_length=500)

    class Meta(Delivery.Meta):
        ordering = ["-created_at", "-pk"]
        verbose_name = _("push notification")
        verbose_name_plural = _("push outbox")
        indexes = [
            models.Index(
                fields=["send_after"], condition=Q(status="pending"), name="outbox_push_pending_due"
            )
        ]

    def __str__(self) -> str:
        return f"{self.title} → {self.subscription_id}"
