"""Users (email is the login), member profiles and their card numbers."""

from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from members.identifiers import CARD_NUMBER_LENGTH


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra_fields):
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email: str, password: str | None = None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        if not extra_fields["is_staff"] or not extra_fields["is_superuser"]:
            raise ValueError("A superuser needs is_staff and is_superuser.")
        return self._create_user(email, password, **extra_fields)


class User(AbstractUser):
    """A person who signs in: a customer, a store staff member or a program manager.

    `is_staff` keeps Django's meaning (may use the admin): program managers have it, store staff
    do not. What store staff may do comes from the "Store staff" group's permissions.
    """

    username = None
    email = models.EmailField(_("email address"), unique=True)
    store = models.ForeignKey(
        "loyalty.Store",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="staff",
        verbose_name=_("store"),
        help_text=_("The store a staff member works at."),
    )

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    objects = UserManager()

    class Meta(AbstractUser.Meta):
        swappable = "AUTH_USER_MODEL"

    def __str__(self) -> str:
        return self.email


class Member(models.Model):
    """The loyalty side of a customer: card number, contact details and email preferences."""

    user = models.OneToOneField(
        User, on_delete=models.PROTECT, related_name="member", verbose_name=_("user")
    )
    card_number = models.CharField(
        _("card number"), max_length=CARD_NUMBER_LENGTH, unique=True, editable=False
    )
    phone = models.CharField(
        _("phone"),
        max_length=20,
        blank=True,
        help_text=_("In E.164 (+15550100002). It finds the member at the till only once verified."),
    )
    phone_verified_at = models.DateTimeField(
        _("phone verified"),
        null=True,
        blank=True,
        help_text=_("When the member typed the code sent to this number."),
    )
    birthday = models.DateField(_("birthday"), null=True, blank=True)
    reminder_emails = models.BooleanField(
        _("points reminders"),
        default=True,
        help_text=_("Emails before points expire."),
    )
    marketing_emails = models.BooleanField(
        _("news and offers"),
        default=False,
        help_text=_("Emails about promotions and new rewards."),
    )
    language = models.CharField(
        _("language"),
        max_length=15,
        blank=True,
        help_text=_(
            "The language of the member's pages, emails and notifications. Empty: the "
            "program's default language."
        ),
    )
    joined_at = models.DateTimeField(_("joined"), auto_now_add=True)

    class Meta:
        ordering = ["-joined_at"]
        verbose_name = _("member")
        verbose_name_plural = _("members")
        permissions = [("use_staff_desk", _("Can use the staff desk"))]
        constraints = [
            # Only a verified number is one member's: anyone may type a number, so an
            # unverified claim must never block its owner (docs/architecture.md, "Phones").
            models.UniqueConstraint(
                fields=["phone"],
                condition=Q(phone_verified_at__isnull=False),
                name="member_phone_verified_unique",
            ),
            models.CheckConstraint(
                condition=Q(phone_verified_at__isnull=True) | ~Q(phone=""),
                name="member_phone_verified_not_empty",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.display_name} ({self.card_number})"

    @property
    def display_name(self) -> str:
        return self.user.get_full_name() or self.user.email

    @property
    def phone_is_verified(self) -> bool:
        return bool(self.phone) and self.phone_verified_at is not None


class PhoneVerification(models.Model):
    """The one-time code that proves a member holds the number on their profile.

    One per member: a new code replaces the old. The code itself is never stored, only its
    HMAC (`members/phones.py`). `sent` is False when no message went out because another
    member has verified the number; such a code can never be typed right, and the member's
    pages look the same as when it was sent.
    """

    member = models.OneToOneField(
        Member,
        on_delete=models.CASCADE,
        related_name="phone_verification",
        verbose_name=_("member"),
    )
    phone = models.CharField(_("phone"), max_length=20)
    code_hash = models.CharField(_("code hash"), max_length=128, editable=False)
    sent = models.BooleanField(_("sent"), default=False)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    created_at = models.DateTimeField(_("created"))
    expires_at = models.DateTimeField(_("expires"))

    class Meta:
        verbose_name = _("phone verification")
        verbose_name_plural = _("phone verifications")

    def __str__(self) -> str:
        return f"{self.member_id}: {self.phone}"


class PushSubscription(models.Model):
    """One browser (a phone, usually) that agreed to show this member's notifications.

    What the browser's PushManager gave: the push service's `endpoint` and the keys the
    messages are encrypted for (`p256dh`, `auth`, base64url). One row per endpoint: the same
    browser subscribing again replaces its keys. The push service answering 404 or 410 means
    the browser dropped it, and the row goes (`loyalty/services/push.py`).
    """

    member = models.ForeignKey(
        Member,
        on_delete=models.CASCADE,
        related_name="push_subscriptions",
        verbose_name=_("member"),
    )
    endpoint = models.URLField(_("endpoint"), max_length=1000, unique=True)
    p256dh = models.CharField(_("public key"), max_length=100)
    auth = models.CharField(_("auth secret"), max_length=40)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    last_success_at = models.DateTimeField(_("last delivered"), null=True, blank=True)
    last_failure_at = models.DateTimeField(_("last failure"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("push subscription")
        verbose_name_plural = _("push subscriptions")

    def __str__(self) -> str:
        return f"{self.member_id}: {self.endpoint[:60]}"


class WalletKind(models.TextChoices):
    APPLE = "apple", _("Apple Wallet")
    GOOGLE = "google", _("Google Wallet")


class WalletPass(models.Model):
    """A member's card saved in a phone's wallet, and what it showed when it was last drawn.

    One per member and wallet. The worker (`members.wallet`) compares `shown_balance` and
    `shown_tier` with the points account in SQL; when they differ it bumps `update_tag`, so
    Apple's devices fetch the pass again and Google's object is updated. The token is the one
    Apple's devices send back (`Authorization: ApplePass <token>`); it is in the pass anyway.
    """

    member = models.ForeignKey(
        Member, on_delete=models.CASCADE, related_name="wallet_passes", verbose_name=_("member")
    )
    kind = models.CharField(_("wallet"), max_length=10, choices=WalletKind.choices)
    serial_number = models.CharField(_("serial number"), max_length=64, unique=True, editable=False)
    authentication_token = models.CharField(
        _("authentication token"), max_length=64, editable=False
    )
    shown_balance = models.BigIntegerField(_("points shown"), default=0)
    shown_tier = models.ForeignKey(
        "loyalty.Tier",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("tier shown"),
    )
    update_tag = models.PositiveBigIntegerField(
        _("update tag"), default=1, help_text=_("Bumped each time the pass shows new figures.")
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("last changed"))

    class Meta:
        ordering = ["-updated_at"]
        verbose_name = _("wallet pass")
        verbose_name_plural = _("wallet passes")
        constraints = [
            models.UniqueConstraint(fields=["member", "kind"], name="wallet_pass_member_kind"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.serial_number}"


class WalletRegistration(models.Model):
    """A device that asked to hear when an Apple Wallet pass changes (PassKit web service)."""

    wallet_pass = models.ForeignKey(
        WalletPass,
        on_delete=models.CASCADE,
        related_name="registrations",
        verbose_name=_("wallet pass"),
    )
    device_library_identifier = models.CharField(_("device"), max_length=128)
    push_token = models.CharField(_("push token"), max_length=255)
    created_at = models.DateTimeField(_("registered"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("wallet device registration")
        verbose_name_plural = _("wallet device registrations")
        constraints = [
            models.UniqueConstraint(
                fields=["device_library_identifier", "wallet_pass"],
                name="wallet_registration_device_pass",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.device_library_identifier} → {self.wallet_pass_id}"
