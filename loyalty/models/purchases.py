"""Purchases, their lines, and returns of those lines."""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import DecimalField, F, Func, Q
from django.utils.translation import gettext_lazy as _

from loyalty.models.api import ApiKey
from loyalty.models.program import Store
from loyalty.models.rules import ProductCategory


class HoldStatus(models.TextChoices):
    NONE = "", _("not held")
    HELD = "held", _("awaiting approval")
    APPROVED = "approved", _("approved")
    REJECTED = "rejected", _("rejected")


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
    api_key = models.ForeignKey(
        ApiKey,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="purchases",
        verbose_name=_("API key"),
    )
    # Set when the purchase is recorded and never changed: the answer to a retry stays the same.
    held_reason = models.CharField(
        _("held because"),
        max_length=200,
        blank=True,
        db_default="",
        help_text=_("The limit it went over, when its points were held for approval."),
    )
    hold_status = models.CharField(
        _("approval"),
        max_length=10,
        choices=HoldStatus.choices,
        default="",
        db_default="",
        blank=True,
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("reviewed by"),
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    review_note = models.CharField(_("review note"), max_length=500, blank=True, db_default="")

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
        indexes = [
            models.Index(fields=["member", "-occurred_at"], name="purchase_member_recent"),
            models.Index(fields=["recorded_by", "recorded_at"], name="purchase_staff_day"),
            models.Index(fields=["api_key", "recorded_at"], name="purchase_key_day"),
            # The activity log's newest purchases and the To review page's last days.
            models.Index(fields=["-recorded_at", "-id"], name="purchase_recent"),
            models.Index(
                fields=["-recorded_at"],
                name="purchase_held",
                condition=Q(hold_status="held"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.store.code}/{self.external_id}"

    @property
    def is_held(self) -> bool:
        return self.hold_status == HoldStatus.HELD


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
        """The units the member still has: bought less returned."""
        return self.quantity - self.returned_quantity

    def amount_of(self, units: int) -> Decimal:
        """The share of the line's amount that `units` of its units stand for."""
        return self.amount * units / self.quantity

    @property
    def kept_amount(self) -> Decimal:
        """What the member kept of the line, in money: the amount of the units not returned.
        `LineShare.kept()` is the same figure in SQL."""
        return self.amount_of(self.returnable_quantity)

    @property
    def kept_points(self) -> int:
        """The line's points less the share of its returned units (rounded down)."""
        return self.points - self.points * self.returned_quantity // self.quantity


def kept_amount_of(lines) -> Decimal:
    """What the member kept of these lines, in money."""
    return sum((line.kept_amount for line in lines), Decimal("0"))


class LineShare(Func):
    """SQL for `PurchaseLine.amount_of`: amount x units / quantity, summed by the database.

    Exact numeric on PostgreSQL. SQLite stores a whole amount (10.00) as an integer, which
    would make the division an integer division, so there the amount is taken as REAL.
    Sums of it are quantized to cents by whoever shows them.
    """

    output_field = DecimalField(max_digits=24, decimal_places=8)

    def __init__(self, *, amount: str, units, quantity: str):
        super().__init__(F(amount), units, F(quantity))

    @classmethod
    def kept(cls, prefix: str = "") -> "LineShare":
        """What members kept of lines (`prefix` reaches the line from another model)."""
        return cls(
            amount=f"{prefix}amount",
            units=F(f"{prefix}quantity") - F(f"{prefix}returned_quantity"),
            quantity=f"{prefix}quantity",
        )

    def as_sql(self, compiler, connection, amount_template="%s", **extra_context):
        (amount, amount_params), (units, units_params), (quantity, quantity_params) = [
            compiler.compile(expression) for expression in self.get_source_expressions()
        ]
        sql = f"({amount_template % amount} * ({units}) / {quantity})"
        return sql, (*amount_params, *units_params, *quantity_params)

    def as_sqlite(self, compiler, connection, **extra_context):
        return self.as_sql(compiler, connection, amount_template="CAST(%s AS REAL)")


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
    api_key = models.ForeignKey(
        ApiKey,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="returns",
        verbose_name=_("API key"),
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
