"""Purchases, their lines, and returns of those lines."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from loyalty.models.program import Store
from loyalty.models.rules import ProductCategory


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
