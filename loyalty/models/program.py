"""The program itself: its settings (one row) and its stores."""

import uuid
from decimal import Decimal

from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from loyalty.platform.singleton import SINGLETON_PK


class ExpiryPolicy(models.TextChoices):
    NEVER = "never", _("Points never expire")
    DAYS = "days", _("N days after earning")
    END_OF_MONTH = "end_of_month", _("End of the month, N months after earning")


def rules_version_default() -> str:
    return uuid.uuid4().hex


class TierBasis(models.TextChoices):
    SPEND = "spend", _("spend over the last 12 months")
    POINTS = "points", _("points earned over the last 12 months")


class BirthdayMode(models.TextChoices):
    DAY = "day", _("the birthday itself")
    MONTH = "month", _("the first day of the birthday month")


currency_validator = RegexValidator(
    r"\A[A-Z]{3}\Z",
    message=_("Enter a three-letter ISO 4217 code, e.g. USD or EUR."),
    code="invalid_currency",
)


class OverLimitAction(models.TextChoices):
    REFUSE = "refuse", _("refuse the purchase")
    HOLD = "hold", _("record it and hold its points until a manager approves")


def _limit_points(verbose_name, default, help_text):
    return models.PositiveIntegerField(
        verbose_name, null=True, blank=True, default=default, help_text=help_text
    )


def _limit_money(verbose_name, default, help_text):
    return models.DecimalField(
        verbose_name,
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        default=default,
        validators=[MinValueValidator(Decimal("0.01"))],
        help_text=help_text,
    )


class ProgramSettings(models.Model):
    """The program's tunables, one row (pk 1, `singleton_get`), edited by managers in the admin."""

    program_name = models.CharField(_("program name"), max_length=80, default="Loyalty")
    currency = models.CharField(
        _("currency"),
        max_length=3,
        default="USD",
        validators=[currency_validator],
        help_text=_("ISO 4217 code; purchases in another currency are refused."),
    )
    point_value = models.DecimalField(
        _("value of one point"),
        max_digits=10,
        decimal_places=4,
        default=Decimal("0.01"),
        validators=[MinValueValidator(Decimal("0"))],
        help_text=_("Money value of one point, to show the cash value of balances."),
    )
    pending_days = models.PositiveIntegerField(
        _("pending period (days)"),
        default=0,
        help_text=_(
            "Points earned on a purchase become available after this many days; 0 = at once."
        ),
    )
    expiry_policy = models.CharField(
        _("expiry policy"), max_length=20, choices=ExpiryPolicy.choices, default=ExpiryPolicy.NEVER
    )
    expiry_days = models.PositiveIntegerField(
        _("expiry after (days)"), default=365, help_text=_("For 'N days after earning'.")
    )
    expiry_months = models.PositiveIntegerField(
        _("expiry after (months)"),
        default=12,
        help_text=_("For 'end of the month, N months after earning'."),
    )
    voucher_expiry_returns_points = models.BooleanField(
        _("return points of expired vouchers"),
        default=True,
        help_text=_("When a voucher expires unused, its points go back to the member."),
    )
    sale_max_age_days = models.PositiveIntegerField(
        _("oldest sale taken (days)"),
        default=7,
        validators=[MinValueValidator(1)],
        help_text=_(
            "A purchase sent with a sale time older than this is refused: a receipt found in a "
            "drawer weeks later cannot pick a promotion's weekday or step around a daily cap."
        ),
    )
    void_window_minutes = models.PositiveIntegerField(
        _("void window (minutes)"),
        default=15,
        help_text=_("How long staff may void a purchase they recorded."),
    )
    reminder_stages = models.CharField(
        _("expiry reminders (days before)"),
        max_length=40,
        default="30,7",
        help_text=_("Comma-separated days before points expire when members are reminded."),
    )
    birthday_mode = models.CharField(
        _("birthday reward on"),
        max_length=10,
        choices=BirthdayMode.choices,
        default=BirthdayMode.DAY,
        help_text=_("Members born on 29 February get it on 28 February in other years."),
    )
    tier_basis = models.CharField(
        _("tiers are earned by"),
        max_length=10,
        choices=TierBasis.choices,
        default=TierBasis.SPEND,
    )
    inactivity_days = models.PositiveIntegerField(
        _("balance expires after days without a purchase"),
        null=True,
        blank=True,
        help_text=_(
            "Empty = off. The whole balance expires after this many days without a purchase."
        ),
    )
    nps_enabled = models.BooleanField(
        _("ask members how likely they are to recommend us"),
        default=False,
        help_text=_("An email after a purchase, at most once per survey period."),
    )
    nps_period_days = models.PositiveIntegerField(_("survey period (days)"), default=90)
    inactivity_reminder_days = models.PositiveIntegerField(
        _("inactivity reminder (days before)"), default=30
    )
    staff_two_factor_required = models.BooleanField(
        _("store staff need two-factor sign-in"),
        default=False,
        help_text=_(
            "Store staff then pass a second step (a code from an authenticator app) before the "
            "staff desk opens, as program managers always do."
        ),
    )
    # Limits on what one person at the desk or one API key can make (loyalty/services/limits.py).
    desk_max_total = _limit_money(
        _("desk: largest purchase total"),
        Decimal("5000.00"),
        _("A desk purchase above this total is over the limit. Empty = no limit."),
    )
    desk_max_points = _limit_points(
        _("desk: most points per purchase"),
        50_000,
        _("A desk purchase earning more points is over the limit. Empty = no limit."),
    )
    staff_daily_points = _limit_points(
        _("desk: most points one staff member issues per day"),
        200_000,
        _("Points of the desk purchases one staff member records in a day (program time zone)."),
    )
    key_max_total = _limit_money(
        _("API keys: largest purchase total"),
        Decimal("5000.00"),
        _("Default for keys without their own limit. Empty = no limit."),
    )
    key_max_points = _limit_points(
        _("API keys: most points per purchase"),
        50_000,
        _("Default for keys without their own limit. Empty = no limit."),
    )
    key_daily_points = _limit_points(
        _("API keys: most points one key issues per day"),
        1_000_000,
        _("Default for keys without their own limit (program time zone). Empty = no limit."),
    )
    over_limit_action = models.CharField(
        _("above a limit"),
        max_length=10,
        choices=OverLimitAction.choices,
        default=OverLimitAction.HOLD,
        help_text=_("Held purchases wait on the manager's To review page."),
    )
    rules_version = models.CharField(
        _("rules version"),
        max_length=32,
        default=rules_version_default,
        editable=False,
        help_text=_("Changes with every change of an earning rule, tier or challenge."),
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("program settings")
        verbose_name_plural = _("program settings")
        constraints = [
            models.CheckConstraint(
                condition=Q(pk=SINGLETON_PK), name="program_settings_single_row"
            ),
            models.CheckConstraint(
                condition=Q(point_value__gte=0), name="program_point_value_gte_0"
            ),
        ]

    def __str__(self) -> str:
        return str(_("Program settings"))

    def clean_fields(self, exclude=None) -> None:
        self.currency = (self.currency or "").strip().upper()
        super().clean_fields(exclude=exclude)


class Store(models.Model):
    """A shop of the program; staff belong to one, purchases are recorded at one."""

    code = models.SlugField(
        _("code"),
        max_length=32,
        unique=True,
        help_text=_("Short identifier used by tills and the API, e.g. 'downtown'."),
    )
    name = models.CharField(_("name"), max_length=120)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("store")
        verbose_name_plural = _("stores")

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"
