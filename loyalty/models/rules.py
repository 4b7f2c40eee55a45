"""Earning rules and the product categories they name."""

from decimal import Decimal

from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from loyalty.models.program import Store


class ProductCategory(models.Model):
    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=120)

    class Meta:
        ordering = ["name"]
        verbose_name = _("product category")
        verbose_name_plural = _("product categories")

    def __str__(self) -> str:
        return self.name


class RuleKind(models.TextChoices):
    BASE_RATE = "base_rate", _("Base rate (points per currency unit)")
    CATEGORY_MULTIPLIER = "category_multiplier", _("Category multiplier")
    CATEGORY_EXCLUSION = "category_exclusion", _("Category exclusion (earns nothing)")
    PROMOTION = "promotion", _("Promotion multiplier")
    THRESHOLD_BONUS = "threshold_bonus", _("Threshold bonus (spend X, get Y)")
    PURCHASE_CAP = "purchase_cap", _("Cap per purchase")
    DAILY_CAP = "daily_cap", _("Cap per member per day")
    SIGNUP_BONUS = "signup_bonus", _("Welcome bonus at sign-up")
    BIRTHDAY_BONUS = "birthday_bonus", _("Birthday bonus")
    SURVEY_BONUS = "survey_bonus", _("Thank-you for answering the survey")


class EarningRule(models.Model):
    """One way of earning points; see docs/earning-rules.md for how rules combine.

    Every rule has an on/off switch and an optional active window; any rule may also be limited
    to stores, weekdays and hours of the day (in the program's time zone).
    """

    name = models.CharField(
        _("name"), max_length=120, help_text=_("Shown to members, e.g. 'Coffee Tuesday'.")
    )
    kind = models.CharField(_("kind"), max_length=24, choices=RuleKind.choices)
    is_active = models.BooleanField(_("on"), default=True)
    starts_at = models.DateTimeField(_("starts"), null=True, blank=True)
    ends_at = models.DateTimeField(_("ends"), null=True, blank=True)
    rate = models.DecimalField(
        _("points per currency unit"),
        max_digits=8,
        decimal_places=4,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
    )
    multiplier = models.DecimalField(
        _("multiplier"),
        max_digits=6,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("1"))],
        help_text=_("2 = double points on the lines it covers."),
    )
    threshold_amount = models.DecimalField(
        _("spend at least"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    points = models.PositiveIntegerField(
        _("points"), null=True, blank=True, help_text=_("Bonus points, or the cap.")
    )
    categories = models.ManyToManyField(
        ProductCategory, blank=True, related_name="rules", verbose_name=_("categories")
    )
    stores = models.ManyToManyField(
        Store,
        blank=True,
        related_name="rules",
        verbose_name=_("stores"),
        help_text=_("Empty = every store."),
    )
    tiers = models.ManyToManyField(
        "Tier",
        blank=True,
        related_name="rules",
        verbose_name=_("tiers"),
        help_text=_("Empty = every member, with or without a tier."),
    )
    weekdays = models.CharField(
        _("weekdays"),
        max_length=20,
        blank=True,
        help_text=_("Comma-separated, 1 = Monday … 7 = Sunday. Empty = every day."),
    )
    time_from = models.TimeField(_("from time"), null=True, blank=True)
    time_until = models.TimeField(_("until time"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["kind", "name"]
        verbose_name = _("earning rule")
        verbose_name_plural = _("earning rules")
        constraints = [
            models.CheckConstraint(
                condition=Q(starts_at__isnull=True)
                | Q(ends_at__isnull=True)
                | Q(ends_at__gt=F("starts_at")),
                name="rule_window_ordered",
            ),
        ]

    def __str__(self) -> str:
        return self.name
