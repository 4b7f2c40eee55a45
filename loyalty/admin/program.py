"""The program's settings (one row) and its stores."""

from django.contrib import admin
from django.contrib.admin.utils import flatten_fieldsets
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from loyalty.models import ProgramSettings, Store
from loyalty.services import program_settings_get


@admin.register(Store)
class StoreAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "is_active", "created_at"]
    list_filter = ["is_active"]
    search_fields = ["code", "name"]


@admin.register(ProgramSettings)
class ProgramSettingsAdmin(admin.ModelAdmin):
    """One row: the list page goes straight to it; it is never added by hand or deleted."""

    readonly_fields = ["updated_at"]
    fieldsets = [
        (None, {"fields": ["program_name", "currency", "point_value"]}),
        (_("Pending points"), {"fields": ["pending_days"]}),
        (_("Sale times"), {"fields": ["sale_max_age_days"]}),
        (
            _("Expiry"),
            {
                "fields": ["expiry_policy", "expiry_days", "expiry_months"],
                "description": _(
                    "Applies to points earned from now on; points already earned keep the "
                    "expiry date they were given."
                ),
            },
        ),
        (_("Staff desk"), {"fields": ["void_window_minutes", "staff_two_factor_required"]}),
        (
            _("Limits on purchases"),
            {
                "fields": [
                    "desk_max_total",
                    "desk_max_points",
                    "staff_daily_points",
                    "key_max_total",
                    "key_max_points",
                    "key_daily_points",
                    "over_limit_action",
                ],
                "description": _(
                    "Above a limit a purchase is refused or held for approval on the "
                    "To review page. Each API key may set its own limits."
                ),
            },
        ),
        (
            _("Tiers"),
            {
                "fields": ["tier_basis"],
                "description": _(
                    "Members move up at once when a purchase reaches a tier, and down only in "
                    "the nightly run after holding their tier for 12 months."
                ),
            },
        ),
        (None, {"fields": ["updated_at"]}),
    ]

    def get_fieldsets(self, request, obj=None):
        # A setting added to the model later still shows up, under "More", until it is placed.
        fieldsets = list(super().get_fieldsets(request, obj))
        listed = set(flatten_fieldsets(fieldsets))
        more = [
            field.name
            for field in self.opts.concrete_fields
            if field.editable and not field.primary_key and field.name not in listed
        ]
        if more:
            fieldsets.insert(-1, (_("More"), {"fields": more}))
        return fieldsets

    def changelist_view(self, request, extra_context=None):
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        program = program_settings_get()
        return redirect(
            reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_change", args=[program.pk])
        )

    def has_add_permission(self, request) -> bool:
        return False  # the row exists from the first use of program_settings_get()

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
