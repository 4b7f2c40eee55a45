from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationAdmin

from engagement.models import Challenge, SurveyInvitation
from loyalty.platform.admin import ReadOnlyAdminMixin
from loyalty.platform.languages import in_every_language


@admin.register(Challenge)
class ChallengeAdmin(TranslationAdmin):
    list_display = ["name", "is_active", "purchases_needed", "starts_at", "ends_at", "repeatable"]
    list_filter = ["is_active", "repeatable"]
    search_fields = in_every_language("name")
    filter_horizontal = ["stores"]
    autocomplete_fields = ["reward"]
    fieldsets = [
        (None, {"fields": ["name", "description", "is_active"]}),
        (_("When"), {"fields": ["starts_at", "ends_at"]}),
        (
            _("What counts"),
            {"fields": ["purchases_needed", "min_amount", "category", "stores"]},
        ),
        (_("Prize"), {"fields": ["reward_points", "reward", "repeatable"]}),
    ]


@admin.register(SurveyInvitation)
class SurveyInvitationAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Read-only: invitations and answers come from members, by email."""

    list_display = ["account", "created_at", "answered_at", "score", "comment"]
    list_filter = ["score"]
    date_hierarchy = "created_at"
    list_select_related = ["account__member__user"]

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in self.model._meta.fields]
