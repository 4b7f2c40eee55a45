"""The ledger, read-only: accounts, entries and lots change only through the points services."""

from django.contrib import admin

from loyalty.models import PointsAccount, PointsEntry, PointsLot
from loyalty.platform.admin import ReadOnlyAdminMixin


@admin.register(PointsAccount)
class PointsAccountAdmin(admin.ModelAdmin):
    """Read-only: balances change only through the points services, never by editing a row."""

    list_display = [
        "member",
        "balance",
        "pending",
        "debt",
        "lifetime_earned",
        "tier",
        "updated_at",
    ]
    list_filter = ["tier"]
    list_select_related = ["member__user", "tier"]
    search_fields = ["=member__card_number", "member__user__email"]
    readonly_fields = [
        "member",
        "balance",
        "pending",
        "debt",
        "lifetime_earned",
        "tier",
        "tier_since",
        "created_at",
        "updated_at",
    ]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(PointsEntry)
class PointsEntryAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = [
        "created_at",
        "account",
        "kind",
        "points",
        "balance_after",
        "debt_change",
        "purchase",
        "store",
        "actor",
        "note",
    ]
    list_filter = ["kind", "store"]
    list_select_related = ["account__member__user", "purchase__store", "store", "actor"]
    search_fields = ["=account__member__card_number", "account__member__user__email"]
    date_hierarchy = "created_at"
    fields = [
        "account",
        "kind",
        "points",
        "balance_after",
        "debt_change",
        "purchase",
        "purchase_return",
        "rule",
        "reverses",
        "actor",
        "store",
        "note",
        "idempotency_key",
        "created_at",
    ]
    readonly_fields = fields


@admin.register(PointsLot)
class PointsLotAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = [
        "account",
        "kind",
        "points",
        "remaining",
        "is_pending",
        "earned_at",
        "available_at",
        "expires_at",
    ]
    list_filter = ["kind", "is_pending"]
    list_select_related = ["account__member__user"]
    search_fields = ["=account__member__card_number", "account__member__user__email"]
    fields = [
        "account",
        "entry",
        "kind",
        "purchase",
        "points",
        "remaining",
        "is_pending",
        "earned_at",
        "available_at",
        "expires_at",
    ]
    readonly_fields = fields
