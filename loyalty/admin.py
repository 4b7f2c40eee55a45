from django.contrib import admin

from .models import PointsAccount, Store


@admin.register(Store)
class StoreAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "is_active", "created_at"]
    list_filter = ["is_active"]
    search_fields = ["code", "name"]


@admin.register(PointsAccount)
class PointsAccountAdmin(admin.ModelAdmin):
    """Read-only: balances change only through the points services, never by editing a row."""

    list_display = ["member", "balance", "pending", "debt", "lifetime_earned", "updated_at"]
    list_select_related = ["member__user"]
    search_fields = ["=member__card_number", "member__user__email"]
    readonly_fields = [
        "member",
        "balance",
        "pending",
        "debt",
        "lifetime_earned",
        "created_at",
        "updated_at",
    ]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
