"""Purchases with their lines and returns, read-only: recorded by the desk and the API."""

from django.contrib import admin
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from loyalty.models import Purchase, PurchaseLine, PurchaseReturn
from loyalty.platform.admin import ReadOnlyAdminMixin


class PurchasePartInline(ReadOnlyAdminMixin, admin.TabularInline):
    """A part of a purchase (its lines, its returns): visible to whoever may view the purchase."""

    extra = 0
    can_delete = False

    def has_view_permission(self, request, obj=None) -> bool:
        return request.user.has_perm(f"{self.opts.app_label}.view_purchase")


class PurchaseLineInline(PurchasePartInline):
    model = PurchaseLine
    fields = [
        "position",
        "sku",
        "description",
        "category",
        "quantity",
        "amount",
        "points",
        "eligible",
        "returned_quantity",
    ]
    readonly_fields = fields


class PurchaseReturnInline(PurchasePartInline):
    model = PurchaseReturn
    fields = [
        "created_at",
        "external_id",
        "is_void",
        "points",
        "debt_added",
        "store",
        "actor",
        "api_key",
    ]
    readonly_fields = fields


@admin.register(Purchase)
class PurchaseAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = [
        "external_id",
        "store",
        "member",
        "occurred_at",
        "total",
        "currency",
        "points",
        "points_reversed",
        "voided_at",
    ]
    list_filter = ["store", ("voided_at", admin.EmptyFieldListFilter)]
    list_select_related = ["store", "member__user"]
    search_fields = ["=external_id", "=member__card_number", "member__user__email"]
    date_hierarchy = "occurred_at"
    fields = [
        "member",
        "store",
        "external_id",
        "occurred_at",
        "recorded_at",
        "recorded_by",
        "total",
        "currency",
        "points",
        "bonus_points",
        "bonus_threshold",
        "cap_reduction",
        "breakdown_display",
        "points_reversed",
        "voided_at",
    ]
    readonly_fields = fields
    inlines = [PurchaseLineInline, PurchaseReturnInline]

    @admin.display(description=_("breakdown"))
    def breakdown_display(self, purchase: Purchase) -> str:
        items = purchase.breakdown or []
        if not items:
            return "—"
        return format_html(
            "<ul>{}</ul>",
            format_html_join(
                "",
                "<li>{}: {}</li>",
                ((item.get("name", ""), f"{item.get('points', 0):+d}") for item in items),
            ),
        )
