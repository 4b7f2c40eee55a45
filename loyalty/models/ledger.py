"""The points engine's schema: program settings, stores, the points ledger, purchases, rules.

The ledger (see DESIGN.md): a `PointsAccount` per member holds the available `balance`; every
change of it is one append-only `PointsEntry` written in the same transaction; `PointsLot`s
record what each credit gave and what is left of it, so spending draws soonest-expiring points
first and a reversal can put points back where they came from. For every account:
    balance == sum(entries.points) == sum(remaining of available lots)
Pending lots (still on hold) are counted in `pending` and have no entry until they are released.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from loyalty.models.program import Store


class PointsAccount(models.Model):
    """One per member. Changed only by the points services, under a row lock."""

    member = models.OneToOneField(
        "members.Member",
        on_delete=models.PROTECT,
        related_name="points_account",
        verbose_name=_("member"),
    )
    balance = models.BigIntegerField(_("available points"), default=0)
    pending = models.BigIntegerField(_("pending points"), default=0)
    debt = models.BigIntegerField(_("debt"), default=0)
    lifetime_earned = models.BigIntegerField(_("lifetime earned"), default=0)
    tier = models.ForeignKey(
        "Tier",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="accounts",
        verbose_name=_("tier"),
    )
    tier_since = models.DateTimeField(_("in this tier since"), null=True, blank=True)
    # Set when the member closed their account: from then on it neither earns nor spends.
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("points account")
        verbose_name_plural = _("points accounts")
        permissions = [
            ("adjust_points", _("Can adjust points with a reason")),
            ("view_reports", _("Can view reports")),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(balance__gte=0), name="points_account_balance_gte_0"
            ),
            models.CheckConstraint(
                condition=Q(pending__gte=0), name="points_account_pending_gte_0"
            ),
            models.CheckConstraint(condition=Q(debt__gte=0), name="points_account_debt_gte_0"),
            models.CheckConstraint(
                condition=Q(lifetime_earned__gte=0), name="points_account_lifetime_gte_0"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member}: {self.balance}"


class EntryKind(models.TextChoices):
    PURCHASE = "purchase", _("Purchase")
    BONUS = "bonus", _("Bonus")
    SIGNUP_BONUS = "signup_bonus", _("Welcome bonus")
    BIRTHDAY = "birthday", _("Birthday bonus")
    ADJUSTMENT = "adjustment", _("Adjustment")
    RETURN = "return", _("Return")
    SPEND = "spend", _("Spent")
    SPEND_REVERSAL = "spend_reversal", _("Refund of spent points")
    EXPIRY = "expiry", _("Expired")
    REFERRAL_REFERRER = "referral_referrer", _("Reward for referring a friend")
    REFERRAL_FRIEND = "referral_friend", _("Welcome reward from a friend's invitation")
    FORFEIT = "forfeit", _("Forfeited when the account was closed")


class PointsEntry(models.Model):
    """One change of an account's balance. Append-only: never updated, never deleted.

    `points` is the signed change of `balance`; `debt_change` the signed change of `debt`
    (a return the balance cannot cover adds debt, a later credit pays it off first).
    """

    account = models.ForeignKey(
        PointsAccount, on_delete=models.PROTECT, related_name="entries", verbose_name=_("account")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=EntryKind.choices)
    points = models.BigIntegerField(_("points"))
    balance_after = models.BigIntegerField(_("balance after"))
    debt_change = models.BigIntegerField(_("debt change"), default=0)
    purchase = models.ForeignKey(
        "Purchase",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="entries",
        verbose_name=_("purchase"),
    )
    purchase_return = models.ForeignKey(
        "PurchaseReturn",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="entries",
        verbose_name=_("return"),
    )
    rule = models.ForeignKey(
        "EarningRule",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="entries",
        verbose_name=_("rule"),
    )
    reverses = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reversed_by",
        verbose_name=_("reverses"),
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    store = models.ForeignKey(
        Store,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("store"),
    )
    note = models.CharField(_("note"), max_length=255, blank=True)
    # NULL, not "", for "no key": many entries have none, and NULLs never collide.
    idempotency_key = models.CharField(
        _("idempotency key"), max_length=200, null=True, blank=True, unique=True
    )
    created_at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("ledger entry")
        verbose_name_plural = _("ledger entries")
        indexes = [
            models.Index(fields=["account", "-created_at", "-id"], name="entry_account_recent")
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(balance_after__gte=0), name="entry_balance_after_gte_0"
            ),
            models.CheckConstraint(
                condition=~Q(points=0) | ~Q(debt_change=0), name="entry_changes_something"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.points:+d}"


class PointsLot(models.Model):
    """What one credit gave: its points, what remains of them, and when they expire.

    `expires_at` is fixed when the lot is issued, so a later policy change never re-dates it.
    A pending lot (`is_pending`) counts in the account's `pending` until it is released.
    """

    account = models.ForeignKey(
        PointsAccount, on_delete=models.PROTECT, related_name="lots", verbose_name=_("account")
    )
    entry = models.OneToOneField(
        PointsEntry,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="lot",
        verbose_name=_("earning entry"),
        help_text=_("Empty while the lot is pending."),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=EntryKind.choices)
    purchase = models.ForeignKey(
        "Purchase",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="lots",
        verbose_name=_("purchase"),
    )
    points = models.BigIntegerField(_("points earned"))
    remaining = models.BigIntegerField(_("remaining"))
    is_pending = models.BooleanField(_("pending"), default=False)
    # Held by a limit: stays pending, whatever `available_at` says, until a manager approves.
    is_held = models.BooleanField(_("held for approval"), default=False, db_default=False)
    # The credit request's key, so that a retried held credit (which has no entry yet) is
    # recognised too. NULL for "no key": NULLs never collide.
    idempotency_key = models.CharField(
        _("idempotency key"), max_length=200, null=True, blank=True, unique=True
    )
    earned_at = models.DateTimeField(_("earned"))
    available_at = models.DateTimeField(_("available from"))
    expires_at = models.DateTimeField(_("expires"), null=True, blank=True)

    class Meta:
        verbose_name = _("points lot")
        verbose_name_plural = _("points lots")
        indexes = [
            models.Index(
                fields=["account", "expires_at", "earned_at", "id"],
                condition=Q(remaining__gt=0, is_pending=False),
                name="lot_spendable_fefo",
            ),
            models.Index(
                fields=["available_at"], condition=Q(is_pending=True), name="lot_pending_due"
            ),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(points__gt=0), name="lot_points_gt_0"),
            models.CheckConstraint(
                condition=Q(remaining__gte=0) & Q(remaining__lte=F("points")),
                name="lot_remaining_between_0_and_points",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.remaining}/{self.points} ({self.get_kind_display()})"


class LotAllocation(models.Model):
    """How many points an entry took from (negative) or put back into (positive) a lot."""

    entry = models.ForeignKey(
        PointsEntry, on_delete=models.PROTECT, related_name="allocations", verbose_name=_("entry")
    )
    lot = models.ForeignKey(
        PointsLot, on_delete=models.PROTECT, related_name="allocations", verbose_name=_("lot")
    )
    points = models.BigIntegerField(_("points"))

    class Meta:
        verbose_name = _("lot allocation")
        verbose_name_plural = _("lot allocations")
        constraints = [
            models.CheckConstraint(condition=~Q(points=0), name="allocation_points_nonzero"),
            models.UniqueConstraint(fields=["entry", "lot"], name="allocation_unique_entry_lot"),
        ]

    def __str__(self) -> str:
        return f"{self.points:+d} lot {self.lot_id}"
