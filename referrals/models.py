"""Referral codes, the referrals they bring, and the program's referral settings."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from loyalty.platform.singleton import SINGLETON_PK
from referrals.codes import CODE_LENGTH


class ReferralSettings(models.Model):
    """How referrals are rewarded: one row (`singleton_get`), edited by managers in the admin."""

    is_enabled = models.BooleanField(_("referrals on"), default=True)
    referrer_points = models.PositiveIntegerField(
        _("points for the member who invites"), default=200
    )
    friend_points = models.PositiveIntegerField(_("points for the friend"), default=100)
    qualifying_amount = models.DecimalField(
        _("first purchase of at least"), max_digits=10, decimal_places=2, default=20
    )
    qualifying_days = models.PositiveIntegerField(_("within days of sign-up"), default=30)
    monthly_cap = models.PositiveIntegerField(
        _("rewarded referrals per member per month"),
        default=10,
        help_text=_("Beyond this, referrals wait for review."),
    )
    signups_per_ip_per_day = models.PositiveIntegerField(
        _("sign-ups per code from one IP address per day"),
        default=3,
        help_text=_("Beyond this, referrals wait for review."),
    )
    cookie_days = models.PositiveIntegerField(
        _("days an invitation link is remembered"), default=30
    )
    return_window_days = models.PositiveIntegerField(
        _("rewards wait for the return window, days"),
        default=14,
        help_text=_(
            "The rewards stay pending this many days after the qualifying purchase (or as "
            "long as the purchase's own points, if longer), so that a return cancels them."
        ),
    )

    class Meta:
        verbose_name = _("referral settings")
        verbose_name_plural = _("referral settings")
        constraints = [
            models.CheckConstraint(
                condition=Q(pk=SINGLETON_PK), name="referral_settings_single_row"
            ),
        ]

    def __str__(self) -> str:
        return str(_("Referral settings"))


class ReferralCode(models.Model):
    member = models.OneToOneField(
        "members.Member",
        on_delete=models.CASCADE,
        related_name="referral_code",
        verbose_name=_("member"),
    )
    code = models.CharField(_("code"), max_length=CODE_LENGTH, unique=True)
    link_opens = models.PositiveIntegerField(_("link opened"), default=0)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("referral code")
        verbose_name_plural = _("referral codes")

    def __str__(self) -> str:
        return self.code


class ReferralStatus(models.TextChoices):
    SIGNED_UP = "signed_up", _("Signed up")
    QUALIFIED = "qualified", _("Qualified, waiting for review")
    REWARDED = "rewarded", _("Rewarded")
    REJECTED = "rejected", _("Rejected")
    CANCELLED = "cancelled", _("Cancelled: the purchase was returned")


class Referral(models.Model):
    """One friend brought by one member. A member is referred at most once."""

    referrer = models.ForeignKey(
        "members.Member",
        on_delete=models.PROTECT,
        related_name="referrals_made",
        verbose_name=_("referred by"),
    )
    friend = models.OneToOneField(
        "members.Member",
        on_delete=models.PROTECT,
        related_name="referral",
        verbose_name=_("friend"),
    )
    code = models.CharField(_("code used"), max_length=CODE_LENGTH)
    status = models.CharField(
        _("status"), max_length=12, choices=ReferralStatus.choices, default=ReferralStatus.SIGNED_UP
    )
    is_flagged = models.BooleanField(_("flagged for review"), default=False)
    reasons = models.JSONField(
        _("checks"), default=list, blank=True, help_text=_("Why it was flagged or rejected.")
    )
    signup_ip = models.GenericIPAddressField(_("sign-up IP address"), null=True, blank=True)
    qualifying_purchase = models.OneToOneField(
        "loyalty.Purchase",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="referral",
        verbose_name=_("qualifying purchase"),
    )
    referrer_lot = models.OneToOneField(
        "loyalty.PointsLot", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    friend_lot = models.OneToOneField(
        "loyalty.PointsLot", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("signed up"), auto_now_add=True)
    qualified_at = models.DateTimeField(_("qualified"), null=True, blank=True)
    rewarded_at = models.DateTimeField(_("rewarded"), null=True, blank=True)
    reviewed_at = models.DateTimeField(_("reviewed"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("reviewed by"),
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")
        constraints = [
            models.CheckConstraint(
                condition=~Q(referrer=models.F("friend")), name="referral_not_self"
            ),
        ]
        indexes = [
            models.Index(fields=["referrer", "status"], name="referral_referrer_status"),
            models.Index(fields=["code", "signup_ip", "created_at"], name="referral_velocity"),
        ]

    def __str__(self) -> str:
        return f"{self.referrer_id} → {self.friend_id}"
