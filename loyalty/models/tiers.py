"""Tiers and every change of a member's tier."""

from decimal import Decimal

from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from loyalty.models.ledger import PointsAccount
from loyalty.platform.colours import FALLBACK_COLOUR, colour_validator


class Tier(models.Model):
    """A level of the program (Silver, Gold, …), reached by spend or points over 12 months."""

    name = models.CharField(_("name"), max_length=60)
    rank = models.PositiveSmallIntegerField(
        _("rank"), unique=True, help_text=_("1 is the first tier above none; higher is better.")
    )
    threshold = models.DecimalField(
        _("qualifying threshold"),
        max_digits=12,
        decimal_places=2,
        help_text=_("Spend (money) or points over the last 12 months, per the program settings."),
    )
    earn_multiplier = models.DecimalField(
        _("earn multiplier"),
        max_digits=4,
        decimal_places=2,
        default=1,
        validators=[MinValueValidator(Decimal("1"))],
        help_text=_("1.5 = half as many points again on every purchase."),
    )
    benefits = models.TextField(_("benefits"), blank=True)
    colour = models.CharField(
        _("colour"),
        max_length=7,
        default=FALLBACK_COLOUR,
        validators=[colour_validator],
        help_text=_("e.g. #d4af37"),
    )

    class Meta:
        ordering = ["rank"]
        verbose_name = _("tier")
        verbose_name_plural = _("tiers")
        constraints = [
            models.CheckConstraint(condition=Q(threshold__gte=0), name="tier_threshold_gte_0"),
            models.CheckConstraint(
                condition=Q(earn_multiplier__gte=1), name="tier_multiplier_gte_1"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean_fields(self, exclude=None) -> None:
        self.colour = (self.colour or "").strip().lower()
        super().clean_fields(exclude=exclude)


class TierChange(models.Model):
    """Every move between tiers, with its reason."""

    account = models.ForeignKey(
        PointsAccount,
        on_delete=models.CASCADE,
        related_name="tier_changes",
        verbose_name=_("account"),
    )
    from_tier = models.ForeignKey(
        Tier,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("from"),
    )
    to_tier = models.ForeignKey(
        Tier,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("to"),
    )
    reason = models.CharField(_("reason"), max_length=255)
    created_at = models.DateTimeField(_("time"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("tier change")
        verbose_name_plural = _("tier changes")

    def __str__(self) -> str:
        return f"{self.from_tier} → {self.to_tier}"
