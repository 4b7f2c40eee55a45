"""Earning rules and the product categories they name."""

from contextlib import suppress
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.dates import WEEKDAYS
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


WEEKDAYS_MESSAGE = _("Use numbers from 1 (Monday) to 7 (Sunday), separated by commas, e.g. 2,4.")


def weekdays_normalize(raw: str) -> str:
    """ "1, 3,5" -> "1,3,5"; raises ValueError unless every part is a number from 1 to 7."""
    raw = (raw or "").strip()
    if not raw:
        return ""
    days = set()
    for part in raw.split(","):
        part = part.strip()
        if not (part.isdigit() and 1 <= int(part) <= 7):
            raise ValueError(part)
        days.add(int(part))
    return ",".join(str(day) for day in sorted(days))


def weekdays_validator(value: str) -> None:
    try:
        weekdays_normalize(value)
    except ValueError as error:
        raise ValidationError(WEEKDAYS_MESSAGE, code="invalid_weekdays") from error


# What each kind of rule needs to earn what it says ("categories" is checked by
# `categories_problem`, since a rule's categories exist only once it is saved).
REQUIRED_BY_KIND = {
    RuleKind.BASE_RATE: ["rate"],
    RuleKind.CATEGORY_MULTIPLIER: ["multiplier", "categories"],
    RuleKind.CATEGORY_EXCLUSION: ["categories"],
    RuleKind.PROMOTION: ["multiplier"],
    RuleKind.THRESHOLD_BONUS: ["threshold_amount", "points"],
    RuleKind.PURCHASE_CAP: ["points"],
    RuleKind.DAILY_CAP: ["points"],
    RuleKind.SIGNUP_BONUS: ["points"],
}
REQUIRED_MESSAGES = {
    "rate": _("A base rate rule needs the points per currency unit."),
    "multiplier": _("This kind of rule needs a multiplier, e.g. 2 for double points."),
    "categories": _("Choose at least one category."),
    "threshold_amount": _("A threshold bonus needs the amount to spend."),
    "points": _("This kind of rule needs the points."),
}
BONUS_KINDS = {RuleKind.THRESHOLD_BONUS, RuleKind.SIGNUP_BONUS}


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
        validators=[weekdays_validator],
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

    def clean_fields(self, exclude=None) -> None:
        with suppress(ValueError):  # the field's validator says what is wrong
            self.weekdays = weekdays_normalize(self.weekdays)
        super().clean_fields(exclude=exclude)

    def full_clean(self, exclude=None, validate_unique=True, validate_constraints=True) -> None:
        # A form leaves out the fields it refused already; `clean` does not report them again.
        self._refused = set(exclude or ())
        try:
            super().full_clean(
                exclude=exclude,
                validate_unique=validate_unique,
                validate_constraints=validate_constraints,
            )
        finally:
            del self._refused

    def clean(self) -> None:
        """What each kind of rule needs to earn what it says, and windows that make sense:
        the admin, seed data, the API and a shell are held to the same rules."""
        refused = getattr(self, "_refused", set())
        errors: dict[str, str] = {}
        for name in REQUIRED_BY_KIND.get(self.kind, []):
            if name not in {"categories", *refused} and getattr(self, name) is None:
                errors[name] = REQUIRED_MESSAGES[name]
        if self.kind in BONUS_KINDS and self.points == 0:
            errors["points"] = _("A bonus of 0 points gives nothing; enter at least 1.")
        times_read = not {"time_from", "time_until"} & refused
        if times_read and (self.time_from is None) != (self.time_until is None):
            name = "time_until" if self.time_until is None else "time_from"
            errors[name] = _("Give both the from and until times, or neither.")
        elif times_read and self.time_from is not None and self.time_from == self.time_until:
            errors["time_until"] = _("The until time must differ from the from time.")
        window_read = not {"starts_at", "ends_at"} & refused
        if window_read and self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            errors["ends_at"] = _("The rule must end after it starts.")
        if errors:
            raise ValidationError(errors)

    @property
    def weekday_names(self) -> str:
        """ "Tuesday, Thursday" for "2,4", in the active language; "" for every day."""
        try:
            days = weekdays_normalize(self.weekdays)
        except ValueError:
            return ""
        return ", ".join(str(WEEKDAYS[int(day) - 1]) for day in days.split(",") if day)

    def categories_problem(self, categories) -> str | None:
        """Why `categories` cannot be this rule's, or None."""
        if "categories" in REQUIRED_BY_KIND.get(self.kind, []) and not categories:
            return str(REQUIRED_MESSAGES["categories"])
        return None
