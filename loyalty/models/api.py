"""Store API keys and the answers kept for an `Idempotency-Key`."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from loyalty.models.program import Store


class ApiKey(models.Model):
    """A till's or web shop's key to the REST API, bound to one store.

    Only a SHA-256 hash of the key is stored; `prefix` (the part before the dot) finds the row
    without revealing anything. A key is shown once, when it is created, and is never edited:
    a lost or leaked key is revoked and a new one made.
    """

    name = models.CharField(
        _("name"), max_length=80, help_text=_("What uses the key, e.g. 'Till 3' or 'Web shop'.")
    )
    store = models.ForeignKey(
        Store, on_delete=models.PROTECT, related_name="api_keys", verbose_name=_("store")
    )
    prefix = models.CharField(_("prefix"), max_length=16, unique=True, editable=False)
    hashed_key = models.CharField(_("key hash"), max_length=64, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True, editable=False)
    max_total = models.DecimalField(
        _("largest purchase total"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.01"))],
        help_text=_("Empty = the program's default for keys."),
    )
    max_points = models.PositiveIntegerField(
        _("most points per purchase"),
        null=True,
        blank=True,
        help_text=_("Empty = the program's default for keys."),
    )
    daily_points = models.PositiveIntegerField(
        _("most points per day"),
        null=True,
        blank=True,
        help_text=_("Empty = the program's default for keys."),
    )

    class Meta:
        ordering = ["store", "name", "pk"]
        verbose_name = _("API key")
        verbose_name_plural = _("API keys")

    def __str__(self) -> str:
        return f"{self.name} ({self.store.code}, {self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class IdempotentRequest(models.Model):
    """The first successful response to a POST sent with an `Idempotency-Key` header.

    A retry with the same key and the same request gets this response again and changes
    nothing; the same key with a different request is refused. `status_code` is NULL while the
    first request is still being processed.
    """

    api_key = models.ForeignKey(
        ApiKey,
        on_delete=models.CASCADE,
        related_name="idempotent_requests",
        verbose_name=_("API key"),
    )
    key = models.CharField(_("idempotency key"), max_length=200)
    fingerprint = models.CharField(
        _("request fingerprint"), max_length=64, help_text=_("SHA-256 of method, path and body.")
    )
    status_code = models.PositiveSmallIntegerField(_("status code"), null=True, blank=True)
    response_body = models.JSONField(_("response body"), null=True, blank=True)
    created_at = models.DateTimeField(_("received"), auto_now_add=True)

    class Meta:
        verbose_name = _("idempotent request")
        verbose_name_plural = _("idempotent requests")
        constraints = [
            models.UniqueConstraint(fields=["api_key", "key"], name="idempotent_request_unique_key")
        ]

    def __str__(self) -> str:
        return f"{self.api_key_id}:{self.key}"
