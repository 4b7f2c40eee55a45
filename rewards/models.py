"""The reward catalogue, charity causes, and redemptions with their vouchers."""

import datetime

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from loyalty.models.ledger import PointsEntry
from rewards.codes import CODE_LENGTH


class Cause(models.Model):
    """A charity members can give points to."""

    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(_("slug"), unique=True)
    description = models.TextField(_("description"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("cause")
        verbose_name_plural = _("causes")

    def __str__(self) -> str:
        return self.name


class RewardCategory(models.Model):
    """A shelf of the catalogue ("Drinks", "Days out") members filter rewards by."""

    name = models.CharField(_("name"), max_length=60)
    slug = models.SlugField(_("slug"), unique=True)
    display_order = models.IntegerField(_("display order"), default=0)

    class Meta:
        ordering = ["display_order", "name"]
        verbose_name = _("reward category")
        verbose_name_plural = _("reward categories")

    def __str__(self) -> str:
        return self.name


class RewardKind(models.TextChoices):
    FREE_PRODUCT = "free_product", _("Free product")
    FIXED_DISCOUNT = "fixed_discount", _("Fixed-amount discount")
    PERCENT_DISCOUNT = "percent_discount", _("Percentage discount")
    STORE_CREDIT = "store_credit", _("Store credit")
    DONATION = "donation", _("Charity donation")
    EXPERIENCE = "experience", _("Experience or event")


class LimitPeriod(models.TextChoices):
    EVER = "ever", _("ever")
    DAY = "day", _("per day")
    WEEK = "week", _("per week")
    MONTH = "month", _("per month")
    YEAR = "year", _("per year")


class Reward(models.Model):
    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(_("slug"), unique=True)
    description = models.TextField(_("description"), blank=True)
    image = models.ImageField(_("image"), upload_to="rewards/", blank=True)
    # Measured when the copies are made (rewards/images.py), not by the field on every load.
    image_width = models.PositiveIntegerField(
        _("image width"), null=True, blank=True, editable=False
    )
    image_height = models.PositiveIntegerField(
        _("image height"), null=True, blank=True, editable=False
    )
    # The widths of the smaller WebP copies made of the image (rewards/images.py), for srcset.
    image_renditions = models.JSONField(
        _("image sizes made"), default=list, blank=True, editable=False
    )
    category = models.ForeignKey(
        RewardCategory,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="rewards",
        verbose_name=_("category"),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=RewardKind.choices)
    points_cost = models.PositiveIntegerField(
        _("points"),
        validators=[MinValueValidator(1)],
        help_text=_("For store credit and donations: the points of one step."),
    )
    value = models.DecimalField(
        _("value"),
        max_digits=10,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_(
            "Discount amount, or percentage for a percentage discount. Store credit and "
            "donations are worth their points at the program's point value."
        ),
    )
    cause = models.ForeignKey(
        Cause,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="rewards",
        verbose_name=_("cause"),
        help_text=_("For charity donations."),
    )
    max_steps = models.PositiveIntegerField(
        _("most steps at once"),
        default=1,
        validators=[MinValueValidator(1)],
        help_text=_("Store credit and donations: how many steps a member may take at once."),
    )
    stock = models.PositiveIntegerField(
        _("stock"), null=True, blank=True, help_text=_("Empty = unlimited.")
    )
    per_member_limit = models.PositiveIntegerField(
        _("limit per member"), null=True, blank=True, help_text=_("Empty = no limit.")
    )
    limit_period = models.CharField(
        _("limit period"), max_length=10, choices=LimitPeriod.choices, default=LimitPeriod.EVER
    )
    minimum_tier = models.ForeignKey(
        "loyalty.Tier",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("minimum tier"),
        help_text=_("Empty = every member."),
    )
    available_from = models.DateTimeField(_("available from"), null=True, blank=True)
    available_until = models.DateTimeField(_("available until"), null=True, blank=True)
    voucher_valid_days = models.PositiveIntegerField(
        _("voucher valid for (days)"), default=30, validators=[MinValueValidator(1)]
    )
    is_active = models.BooleanField(_("active"), default=True)
    display_order = models.IntegerField(_("display order"), default=0)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["display_order", "points_cost", "name"]
        verbose_name = _("reward")
        verbose_name_plural = _("rewards")
        constraints = [
            models.CheckConstraint(condition=Q(points_cost__gt=0), name="reward_points_gt_0"),
            models.CheckConstraint(
                condition=Q(stock__isnull=True) | Q(stock__gte=0), name="reward_stock_gte_0"
            ),
            models.CheckConstraint(
                condition=~Q(kind="donation") | Q(cause__isnull=False),
                name="reward_donation_has_cause",
            ),
            models.CheckConstraint(
                condition=Q(available_from__isnull=True)
                | Q(available_until__isnull=True)
                | Q(available_until__gt=F("available_from")),
                name="reward_window_ordered",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def allows_steps(self) -> bool:
        return self.kind in {RewardKind.STORE_CREDIT, RewardKind.DONATION}

    def tier_allows(self, tier) -> bool:
        """Whether a member in `tier` (None: no tier yet) may have this reward: the one home of
        the rule for `reward_redeem` and the pages that list what a member can have."""
        if self.minimum_tier_id is None:
            return True
        return tier is not None and tier.rank >= self.minimum_tier.rank


class RedemptionStatus(models.TextChoices):
    ISSUED = "issued", _("Ready to use")
    FULFILLED = "fulfilled", _("Used")
    VOID = "void", _("Void")
    EXPIRED = "expired", _("Expired")


class RedemptionChannel(models.TextChoices):
    ONLINE = "online", _("Online")
    COUNTER = "counter", _("At the counter")
    API = "api", _("Till or web shop")


class Redemption(models.Model):
    """Points spent on a reward, and the voucher that proves it."""

    member = models.ForeignKey(
        "members.Member",
        on_delete=models.PROTECT,
        related_name="redemptions",
        verbose_name=_("member"),
    )
    reward = models.ForeignKey(
        Reward, on_delete=models.PROTECT, related_name="redemptions", verbose_name=_("reward")
    )
    steps = models.PositiveIntegerField(_("steps"), default=1)
    points = models.PositiveIntegerField(_("points"))
    value = models.DecimalField(_("value"), max_digits=12, decimal_places=2, null=True, blank=True)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=RedemptionStatus.choices,
        default=RedemptionStatus.ISSUED,
    )
    channel = models.CharField(_("channel"), max_length=10, choices=RedemptionChannel.choices)
    code = models.CharField(_("voucher code"), max_length=CODE_LENGTH, unique=True)
    spend_entry = models.OneToOneField(
        "loyalty.PointsEntry",
        on_delete=models.PROTECT,
        related_name="redemption",
        verbose_name=_("ledger entry"),
    )
    # NULL, not "", for "no key": NULLs never collide in the unique index.
    idempotency_key = models.CharField(
        _("idempotency key"), max_length=200, null=True, blank=True, unique=True
    )
    issued_at = models.DateTimeField(_("issued"))
    expires_at = models.DateTimeField(_("voucher expires"))
    store = models.ForeignKey(
        "loyalty.Store",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("redeemed at"),
    )
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("issued by"),
    )
    fulfilled_at = models.DateTimeField(_("used"), null=True, blank=True)
    fulfilled_store = models.ForeignKey(
        "loyalty.Store",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("used at"),
    )
    fulfilled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("used with"),
    )
    voided_at = models.DateTimeField(_("voided"), null=True, blank=True)
    voided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("voided by"),
    )
    void_reason = models.CharField(_("void reason"), max_length=255, blank=True)
    # The keys of the tills or web shops that redeemed, used or voided through the API (the
    # `_by` fields name staff), for the activity log.
    api_key = models.ForeignKey(
        "loyalty.ApiKey",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="redemptions",
        verbose_name=_("API key"),
    )
    fulfilled_api_key = models.ForeignKey(
        "loyalty.ApiKey",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("used with API key"),
    )
    voided_api_key = models.ForeignKey(
        "loyalty.ApiKey",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("voided with API key"),
    )

    class Meta:
        ordering = ["-issued_at", "-pk"]
        verbose_name = _("redemption")
        verbose_name_plural = _("redemptions")
        permissions = [
            ("redeem_at_counter", _("Can redeem rewards for a member at the counter")),
            ("use_voucher", _("Can validate and use vouchers")),
            ("void_redemption", _("Can void redemptions")),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(points__gt=0), name="redemption_points_gt_0"),
            models.CheckConstraint(condition=Q(steps__gt=0), name="redemption_steps_gt_0"),
        ]
        indexes = [
            models.Index(
                fields=["member", "reward", "-issued_at"], name="redemption_member_reward"
            ),
            models.Index(
                fields=["expires_at"], condition=Q(status="issued"), name="redemption_issued_expiry"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reward} ({self.code})"

    def status_at(self, now: datetime.datetime | None = None) -> str:
        """The voucher's status as the member and the till see it at `now`: an issued voucher
        past its date is expired, whether or not the expiry run has marked it yet."""
        now = now or timezone.now()
        if self.status == RedemptionStatus.ISSUED and self.expires_at <= now:
            return RedemptionStatus.EXPIRED
        return self.status

    @property
    def gave_its_value(self) -> bool:
        """Whether the member had what the voucher's points bought: used it, or got the points
        back (a void, an expiry that returns points). One that lapsed unused without a refund
        gave nothing."""
        if self.status == RedemptionStatus.FULFILLED:
            return True
        return PointsEntry.objects.filter(reverses_id=self.spend_entry_id).exists()

    @property
    def effective_status(self) -> str:
        """`status_at` now, for templates."""
        return self.status_at()

    @property
    def effective_status_label(self) -> str:
        return RedemptionStatus(self.effective_status).label
