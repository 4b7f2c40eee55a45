"""The points engine's schema: program settings, stores, the points ledger, purchases, rules.

The ledger (see DESIGN.md): a `PointsAccount` per member holds the available `balance`; every
change of it is one append-only `PointsEntry` written in the same transaction; `PointsLot`s
record what each credit gave and what is left of it, so spending draws soonest-expiring points
first and a reversal can put points back where they came from. For every account:
    balance == sum(entries.points) == sum(remaining of available lots)
Pending lots (still on hold) are counted in `pending` and have no entry until they are released.
"""

import uuid
from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _


class ExpiryPolicy(models.TextChoices):
    NEVER = "never", _("Points never expire")
    DAYS = "days", _("N days after earning")
    END_OF_MONTH = "end_of_month", _("End of the month, N months after earning")


def rules_version_default() -> str:
    return uuid.uuid4().hex


class ProgramSettings(models.Model):
    """The program's tunables, one row (pk=1), edited by managers in the admin."""

    program_name = models.CharField(_("program name"), max_length=80, default="Loyalty")
    currency = models.CharField(
        _("currency"),
        max_length=3,
        default="USD",
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
        choices=[
            ("day", _("the birthday itself")),
            ("month", _("the first day of the birthday month")),
        ],
        default="day",
        help_text=_("Members born on 29 February get it on 28 February in other years."),
    )
    tier_basis = models.CharField(
        _("tiers are earned by"),
        max_length=10,
        choices=[
            ("spend", _("spend over the last 12 months")),
            ("points", _("points earned over the last 12 months")),
        ],
        default="spend",
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
            models.CheckConstraint(condition=Q(pk=1), name="program_settings_single_row"),
            models.CheckConstraint(
                condition=Q(point_value__gte=0), name="program_point_value_gte_0"
            ),
        ]

    def __str__(self) -> str:
        return str(_("Program settings"))


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


class Purchase(models.Model):
    member = models.ForeignKey(
        "members.Member",
        on_delete=models.PROTECT,
        related_name="purchases",
        verbose_name=_("member"),
    )
    store = models.ForeignKey(
        Store, on_delete=models.PROTECT, related_name="purchases", verbose_name=_("store")
    )
    external_id = models.CharField(
        _("receipt id"), max_length=100, help_text=_("The till's id, unique per store.")
    )
    occurred_at = models.DateTimeField(_("bought at"))
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    total = models.DecimalField(_("total"), max_digits=12, decimal_places=2)
    currency = models.CharField(_("currency"), max_length=3)
    points = models.BigIntegerField(_("points earned"))
    bonus_points = models.BigIntegerField(
        _("purchase bonus"), default=0, help_text=_("Threshold bonus, not tied to a line.")
    )
    bonus_threshold = models.DecimalField(
        _("bonus threshold"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    cap_reduction = models.BigIntegerField(_("taken off by caps"), default=0)
    breakdown = models.JSONField(_("breakdown"), default=list)
    points_reversed = models.BigIntegerField(_("points reversed by returns"), default=0)
    voided_at = models.DateTimeField(_("voided at"), null=True, blank=True)

    class Meta:
        ordering = ["-occurred_at", "-pk"]
        verbose_name = _("purchase")
        verbose_name_plural = _("purchases")
        constraints = [
            models.UniqueConstraint(
                fields=["store", "external_id"], name="purchase_unique_per_store"
            ),
            models.CheckConstraint(condition=Q(total__gt=0), name="purchase_total_gt_0"),
            models.CheckConstraint(condition=Q(points__gte=0), name="purchase_points_gte_0"),
            models.CheckConstraint(
                condition=Q(points_reversed__gte=0) & Q(points_reversed__lte=F("points")),
                name="purchase_reversed_le_points",
            ),
        ]
        indexes = [models.Index(fields=["member", "-occurred_at"], name="purchase_member_recent")]

    def __str__(self) -> str:
        return f"{self.store.code}/{self.external_id}"


class PurchaseLine(models.Model):
    purchase = models.ForeignKey(
        Purchase, on_delete=models.CASCADE, related_name="lines", verbose_name=_("purchase")
    )
    position = models.PositiveIntegerField(_("line"))
    sku = models.CharField(_("SKU"), max_length=64, blank=True)
    description = models.CharField(_("description"), max_length=200, blank=True)
    category = models.ForeignKey(
        ProductCategory,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("category"),
    )
    quantity = models.PositiveIntegerField(_("quantity"))
    amount = models.DecimalField(_("amount"), max_digits=12, decimal_places=2)
    points = models.BigIntegerField(_("points"), help_text=_("What this line earned before caps."))
    eligible = models.BooleanField(
        _("earns points"), default=True, help_text=_("False for excluded categories.")
    )
    returned_quantity = models.PositiveIntegerField(_("returned"), default=0)

    class Meta:
        ordering = ["purchase", "position"]
        verbose_name = _("purchase line")
        verbose_name_plural = _("purchase lines")
        constraints = [
            models.UniqueConstraint(fields=["purchase", "position"], name="purchase_line_position"),
            models.CheckConstraint(condition=Q(quantity__gt=0), name="purchase_line_quantity_gt_0"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="purchase_line_amount_gt_0"),
            models.CheckConstraint(
                condition=Q(returned_quantity__lte=F("quantity")),
                name="purchase_line_return_le_quantity",
            ),
        ]

    def __str__(self) -> str:
        return self.description or self.sku or f"#{self.position}"

    @property
    def returnable_quantity(self) -> int:
        return self.quantity - self.returned_quantity


class PurchaseReturn(models.Model):
    """Lines (or a whole purchase, when `is_void`) brought back, and the points it took back."""

    purchase = models.ForeignKey(
        Purchase, on_delete=models.PROTECT, related_name="returns", verbose_name=_("purchase")
    )
    external_id = models.CharField(  # noqa: DJ001 - NULLs never collide in the unique constraint
        _("return id"), max_length=100, null=True, blank=True
    )
    is_void = models.BooleanField(_("void"), default=False)
    points = models.BigIntegerField(_("points taken back"))
    debt_added = models.BigIntegerField(_("debt added"), default=0)
    store = models.ForeignKey(
        Store,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("store"),
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    created_at = models.DateTimeField(_("time"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("return")
        verbose_name_plural = _("returns")
        constraints = [
            models.UniqueConstraint(
                fields=["purchase", "external_id"],
                condition=Q(external_id__isnull=False),
                name="return_unique_external_id",
            ),
            models.CheckConstraint(condition=Q(points__gte=0), name="return_points_gte_0"),
        ]

    def __str__(self) -> str:
        return f"{self.purchase}: -{self.points}"


class PurchaseReturnLine(models.Model):
    purchase_return = models.ForeignKey(
        PurchaseReturn, on_delete=models.CASCADE, related_name="lines", verbose_name=_("return")
    )
    line = models.ForeignKey(
        PurchaseLine, on_delete=models.PROTECT, related_name="return_lines", verbose_name=_("line")
    )
    quantity = models.PositiveIntegerField(_("quantity"))

    class Meta:
        verbose_name = _("returned line")
        verbose_name_plural = _("returned lines")
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="return_line_quantity_gt_0"),
        ]

    def __str__(self) -> str:
        return f"{self.quantity} x {self.line}"


class OutboxStatus(models.TextChoices):
    PENDING = "pending", _("Waiting to be sent")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")


class OutboxEmail(models.Model):
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
    status = models.CharField(
        _("status"), max_length=10, choices=OutboxStatus.choices, default=OutboxStatus.PENDING
    )
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    send_after = models.DateTimeField(_("send after"))
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    created_at = models.DateTimeField(_("queued"), auto_now_add=True)

    class Meta:
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
        _("colour"), max_length=7, default="#8a8f98", help_text=_("e.g. #d4af37")
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


class Challenge(models.Model):
    """A stamp card: N qualifying purchases within a window earn bonus points or a voucher."""

    name = models.CharField(
        _("name"), max_length=120, help_text=_("Shown to members, e.g. 'The 10th coffee is free'.")
    )
    description = models.TextField(_("description"), blank=True)
    is_active = models.BooleanField(_("on"), default=True)
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"), null=True, blank=True)
    purchases_needed = models.PositiveIntegerField(
        _("purchases needed"), validators=[MinValueValidator(1)]
    )
    min_amount = models.DecimalField(
        _("each at least"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    category = models.ForeignKey(
        ProductCategory,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="challenges",
        verbose_name=_("with a product of category"),
    )
    stores = models.ManyToManyField(
        Store,
        blank=True,
        related_name="challenges",
        verbose_name=_("stores"),
        help_text=_("Empty = every store."),
    )
    reward_points = models.PositiveIntegerField(_("bonus points"), null=True, blank=True)
    reward = models.ForeignKey(
        "rewards.Reward",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("or a reward voucher"),
    )
    repeatable = models.BooleanField(
        _("repeatable"), default=False, help_text=_("A new card starts when one is complete.")
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["-starts_at", "name"]
        verbose_name = _("challenge")
        verbose_name_plural = _("challenges")
        constraints = [
            models.CheckConstraint(
                condition=Q(reward_points__isnull=False) | Q(reward__isnull=False),
                name="challenge_has_a_prize",
            ),
            models.CheckConstraint(
                condition=Q(ends_at__isnull=True) | Q(ends_at__gt=F("starts_at")),
                name="challenge_window_ordered",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class ChallengeCard(models.Model):
    """One member's card for a challenge (a repeatable challenge gives a new card each round)."""

    challenge = models.ForeignKey(Challenge, on_delete=models.CASCADE, related_name="cards")
    account = models.ForeignKey(
        PointsAccount, on_delete=models.CASCADE, related_name="challenge_cards"
    )
    round = models.PositiveIntegerField(_("round"), default=1)
    stamps = models.PositiveIntegerField(_("stamps"), default=0)
    completed_at = models.DateTimeField(_("completed"), null=True, blank=True)
    prize_lot = models.OneToOneField(
        PointsLot, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    prize_redemption = models.OneToOneField(
        "rewards.Redemption", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("challenge card")
        verbose_name_plural = _("challenge cards")
        constraints = [
            models.UniqueConstraint(
                fields=["challenge", "account", "round"], name="challenge_card_round"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.challenge}: {self.stamps}"


class ChallengeStamp(models.Model):
    card = models.ForeignKey(ChallengeCard, on_delete=models.CASCADE, related_name="stamp_rows")
    challenge = models.ForeignKey(Challenge, on_delete=models.CASCADE, related_name="+")
    purchase = models.ForeignKey(
        Purchase, on_delete=models.CASCADE, related_name="challenge_stamps"
    )
    created_at = models.DateTimeField(_("time"), auto_now_add=True)

    class Meta:
        verbose_name = _("stamp")
        verbose_name_plural = _("stamps")
        constraints = [
            models.UniqueConstraint(
                fields=["challenge", "purchase"], name="stamp_once_per_purchase"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.challenge_id}:{self.purchase_id}"


class SurveyInvitation(models.Model):
    """A "how likely are you to recommend us?" question after a purchase, answerable once."""

    account = models.ForeignKey(PointsAccount, on_delete=models.CASCADE, related_name="surveys")
    purchase = models.ForeignKey(
        Purchase, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("invited"), auto_now_add=True)
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    score = models.PositiveSmallIntegerField(_("score"), null=True, blank=True)
    comment = models.TextField(_("comment"), blank=True)
    bonus_lot = models.OneToOneField(
        PointsLot, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("survey invitation")
        verbose_name_plural = _("survey invitations")
        constraints = [
            models.CheckConstraint(
                condition=Q(score__isnull=True) | Q(score__lte=10), name="survey_score_0_to_10"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.account_id}: {self.score}"
