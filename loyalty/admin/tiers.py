"""Tiers, and the read-only history of moves between them."""

from django import forms
from django.contrib import admin
from django.db.models import Count
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationAdmin

from loyalty.models import Tier, TierChange
from loyalty.platform.admin import ReadOnlyAdminMixin
from loyalty.selectors import tier_colour


class TierForm(forms.ModelForm):
    class Meta:
        model = Tier
        fields = ["name", "rank", "threshold", "earn_multiplier", "benefits", "colour"]
        widgets = {"colour": forms.TextInput(attrs={"type": "color"})}


@admin.register(Tier)
class TierAdmin(TranslationAdmin):
    """The program's tiers. A tier members hold cannot be deleted (PROTECT); managers may not."""

    form = TierForm
    list_display = ["rank", "name", "threshold", "earn_multiplier", "swatch", "members"]
    list_display_links = ["rank", "name"]
    ordering = ["rank"]
    fieldsets = [
        (None, {"fields": ["name", "rank", "colour"]}),
        (
            _("Qualifying and earning"),
            {
                "fields": ["threshold", "earn_multiplier"],
                "description": _(
                    "The threshold is spend in the program currency or points earned over the "
                    "last 12 months, as the program settings say. The multiplier applies to "
                    "base points: 1.5 gives half as many again."
                ),
            },
        ),
        (_("Shown to members"), {"fields": ["benefits"]}),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(members_count=Count("accounts"))

    @admin.display(description=_("members"), ordering="members_count")
    def members(self, tier: Tier) -> int:
        return tier.members_count

    @admin.display(description=_("colour"))
    def swatch(self, tier: Tier) -> str:
        colour = tier_colour(tier)
        # An SVG fill, not a style attribute: the Content-Security-Policy allows no inline style.
        return format_html(
            '<svg width="14" height="14" viewBox="0 0 14 14" aria-hidden="true" '
            'focusable="false"><rect x=".5" y=".5" width="13" height="13" fill="{}" '
            'stroke="#8a8f98"></rect></svg> {}',
            colour,
            colour,
        )


@admin.register(TierChange)
class TierChangeAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Every move between tiers with its reason, written by the tier services alone."""

    list_display = ["created_at", "account", "from_tier", "to_tier", "reason"]
    list_filter = ["to_tier", "from_tier"]
    list_select_related = ["account__member__user", "from_tier", "to_tier"]
    search_fields = ["=account__member__card_number", "account__member__user__email"]
    date_hierarchy = "created_at"
    fields = ["account", "from_tier", "to_tier", "reason", "created_at"]
    readonly_fields = fields
