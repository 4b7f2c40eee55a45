"""Earning rules and product categories; what a rule must hold lives on the model
(`EarningRule.clean`), so the admin, seed data, the API and a shell agree."""

from django import forms
from django.contrib import admin
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationAdmin

from loyalty.models import EarningRule, ProductCategory
from loyalty.platform.languages import in_every_language
from loyalty.services.program import program_timezone


@admin.register(ProductCategory)
class ProductCategoryAdmin(TranslationAdmin):
    list_display = ["name", "code"]
    search_fields = ["code", *in_every_language("name")]
    prepopulated_fields = {"code": ["name"]}


class EarningRuleForm(forms.ModelForm):
    """The model checks what each kind of rule needs; its categories, which the model cannot
    see before it is saved, are checked here."""

    class Meta:
        model = EarningRule
        fields = [
            "name",
            "kind",
            "is_active",
            "categories",
            "starts_at",
            "ends_at",
            "weekdays",
            "time_from",
            "time_until",
            "stores",
            "tiers",
            "rate",
            "multiplier",
            "threshold_amount",
            "points",
        ]

    def clean(self):
        cleaned = super().clean()
        if "categories" not in self.errors:
            rule = EarningRule(kind=cleaned.get("kind") or "")
            problem = rule.categories_problem(cleaned.get("categories"))
            if problem:
                self.add_error("categories", problem)
        return cleaned


@admin.register(EarningRule)
class EarningRuleAdmin(TranslationAdmin):
    form = EarningRuleForm
    list_display = ["name", "kind", "is_active", "window", "updated_at"]
    list_filter = ["kind", "is_active"]
    search_fields = in_every_language("name")
    filter_horizontal = ["categories", "stores", "tiers"]
    readonly_fields = ["created_at", "updated_at"]
    fieldsets = [
        (
            _("What"),
            {
                "fields": ["name", "kind", "is_active", "categories"],
                "description": _(
                    "Category multipliers and exclusions need at least one category; a "
                    "promotion without categories covers every line."
                ),
            },
        ),
        (
            _("When"),
            {
                "fields": ["starts_at", "ends_at", "weekdays", "time_from", "time_until"],
                "description": _(
                    "All optional. Hours are in the program's time zone; a window may run "
                    "over midnight, e.g. 22:00 to 02:00."
                ),
            },
        ),
        (
            _("Where and who"),
            {
                "fields": ["stores", "tiers"],
                "description": _(
                    "No store chosen = every store. No tier chosen = every member; with tiers "
                    "chosen, only members in one of them."
                ),
            },
        ),
        (
            _("Amounts"),
            {
                "fields": ["rate", "multiplier", "threshold_amount", "points"],
                "description": _(
                    "Base rate: points per currency unit. Multiplier and promotion: the "
                    "multiplier. Threshold bonus: the amount and the points. Caps and the "
                    "welcome bonus: the points."
                ),
            },
        ),
        (None, {"fields": ["created_at", "updated_at"]}),
    ]

    @admin.display(description=_("active window"))
    def window(self, rule: EarningRule) -> str:
        if rule.starts_at is None and rule.ends_at is None:
            return gettext("always")
        zone = program_timezone()
        start = timezone.localdate(rule.starts_at, zone).isoformat() if rule.starts_at else "…"
        end = timezone.localdate(rule.ends_at, zone).isoformat() if rule.ends_at else "…"
        return f"{start} \u2013 {end}"
