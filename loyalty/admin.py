"""The program manager's admin. Managers edit the program's tunables and rules here; the
ledger (entries, lots, purchases, balances) is read-only: it changes only through the services."""

import re

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import flatten_fieldsets
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from loyalty.models import (
    ApiKey,
    EarningRule,
    OutboxEmail,
    PointsAccount,
    PointsEntry,
    PointsLot,
    ProductCategory,
    ProgramSettings,
    Purchase,
    PurchaseLine,
    PurchaseReturn,
    RuleKind,
    Store,
    Tier,
    TierChange,
)
from loyalty.platform.admin import ReadOnlyAdminMixin
from loyalty.platform.colours import safe_colour
from loyalty.services import program_settings_get
from loyalty.services.api_keys import api_key_create, api_key_revoke
from loyalty.services.outbox import outbox_retry
from loyalty.services.program import program_timezone
from loyalty.services.tiers import tier_colour


@admin.register(Store)
class StoreAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "is_active", "created_at"]
    list_filter = ["is_active"]
    search_fields = ["code", "name"]


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


class ProgramSettingsForm(forms.ModelForm):
    class Meta:
        model = ProgramSettings
        fields = [
            "program_name",
            "currency",
            "point_value",
            "pending_days",
            "expiry_policy",
            "expiry_days",
            "expiry_months",
            "void_window_minutes",
        ]

    def clean_currency(self) -> str:
        currency = (self.cleaned_data.get("currency") or "").strip().upper()
        if not re.fullmatch(r"[A-Z]{3}", currency):
            raise forms.ValidationError(_("Enter a three-letter ISO 4217 code, e.g. USD or EUR."))
        return currency


@admin.register(ProgramSettings)
class ProgramSettingsAdmin(admin.ModelAdmin):
    """One row: the list page goes straight to it; it is never added by hand or deleted."""

    form = ProgramSettingsForm
    readonly_fields = ["updated_at"]
    fieldsets = [
        (None, {"fields": ["program_name", "currency", "point_value"]}),
        (_("Pending points"), {"fields": ["pending_days"]}),
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
        (_("Staff desk"), {"fields": ["void_window_minutes"]}),
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


@admin.register(ProductCategory)
class ProductCategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "code"]
    search_fields = ["code", "name"]
    prepopulated_fields = {"code": ["name"]}


def _weekdays_normalize(raw: str) -> str:
    """ "1, 3,5" -> "1,3,5"; raises ValueError unless every part is a number from 1 to 7."""
    raw = raw.strip()
    if not raw:
        return ""
    days = set()
    for part in raw.split(","):
        part = part.strip()
        if not (part.isdigit() and 1 <= int(part) <= 7):
            raise ValueError(part)
        days.add(int(part))
    return ",".join(str(day) for day in sorted(days))


class EarningRuleForm(forms.ModelForm):
    """Demands what each kind of rule needs, so a saved rule always earns what it says."""

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

    def clean_weekdays(self) -> str:
        try:
            return _weekdays_normalize(self.cleaned_data.get("weekdays") or "")
        except ValueError as error:
            raise forms.ValidationError(
                _("Use numbers from 1 (Monday) to 7 (Sunday), separated by commas, e.g. 2,4.")
            ) from error

    def clean(self):
        cleaned = super().clean()
        kind = cleaned.get("kind")
        required = {
            RuleKind.BASE_RATE: ["rate"],
            RuleKind.CATEGORY_MULTIPLIER: ["multiplier", "categories"],
            RuleKind.CATEGORY_EXCLUSION: ["categories"],
            RuleKind.PROMOTION: ["multiplier"],
            RuleKind.THRESHOLD_BONUS: ["threshold_amount", "points"],
            RuleKind.PURCHASE_CAP: ["points"],
            RuleKind.DAILY_CAP: ["points"],
            RuleKind.SIGNUP_BONUS: ["points"],
        }.get(kind, [])
        messages = {
            "rate": _("A base rate rule needs the points per currency unit."),
            "multiplier": _("This kind of rule needs a multiplier, e.g. 2 for double points."),
            "categories": _("Choose at least one category."),
            "threshold_amount": _("A threshold bonus needs the amount to spend."),
            "points": _("This kind of rule needs the points."),
        }
        for name in required:
            if name in self.errors:
                continue
            value = cleaned.get(name)
            if value is None or (name == "categories" and not value):
                self.add_error(name, messages[name])
        bonus_kinds = {RuleKind.THRESHOLD_BONUS, RuleKind.SIGNUP_BONUS}
        if kind in bonus_kinds and cleaned.get("points") == 0:
            self.add_error("points", _("A bonus of 0 points gives nothing; enter at least 1."))
        time_from, time_until = cleaned.get("time_from"), cleaned.get("time_until")
        if (time_from is None) != (time_until is None) and not (
            {"time_from", "time_until"} & set(self.errors)
        ):
            self.add_error(
                "time_until" if time_until is None else "time_from",
                _("Give both the from and until times, or neither."),
            )
        elif time_from is not None and time_from == time_until:
            self.add_error("time_until", _("The until time must differ from the from time."))
        starts_at, ends_at = cleaned.get("starts_at"), cleaned.get("ends_at")
        if starts_at and ends_at and ends_at <= starts_at:
            self.add_error("ends_at", _("The rule must end after it starts."))
        return cleaned


@admin.register(EarningRule)
class EarningRuleAdmin(admin.ModelAdmin):
    form = EarningRuleForm
    list_display = ["name", "kind", "is_active", "window", "updated_at"]
    list_filter = ["kind", "is_active"]
    search_fields = ["name"]
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
    fields = ["created_at", "external_id", "is_void", "points", "debt_added", "store", "actor"]
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


@admin.register(OutboxEmail)
class OutboxEmailAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """What the portal sent or will send. Read-only; failed messages can be queued again."""

    list_display = ["subject", "to_email", "status", "attempts", "created_at", "sent_at"]
    list_filter = ["status"]
    search_fields = ["=key", "to_email", "subject"]
    date_hierarchy = "created_at"
    actions = ["retry"]

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in self.model._meta.fields]

    @admin.action(description=_("Send the selected failed emails again"), permissions=["view"])
    def retry(self, request, queryset):
        count = outbox_retry(email_ids=list(queryset.values_list("pk", flat=True)))
        self.message_user(
            request,
            ngettext("%d email queued again.", "%d emails queued again.", count) % count,
            messages.SUCCESS,
        )


class TierForm(forms.ModelForm):
    class Meta:
        model = Tier
        fields = ["name", "rank", "threshold", "earn_multiplier", "benefits", "colour"]
        widgets = {"colour": forms.TextInput(attrs={"type": "color"})}

    def clean_colour(self) -> str:
        colour = (self.cleaned_data.get("colour") or "").strip().lower()
        if not colour or safe_colour(colour, fallback="") != colour:
            raise forms.ValidationError(_("Enter a colour as #rrggbb, e.g. #d4af37."))
        return colour


@admin.register(Tier)
class TierAdmin(admin.ModelAdmin):
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


@admin.register(ApiKey)
class ApiKeyAdmin(admin.ModelAdmin):
    """Keys of tills and web shops. Adding one shows the key once; only its hash is kept, so it
    can be revoked but never read or edited. Keys are revoked rather than deleted."""

    list_display = ["name", "store", "prefix", "active", "created_at", "last_used_at"]
    list_filter = ["store", ("revoked_at", admin.EmptyFieldListFilter)]
    list_select_related = ["store"]
    search_fields = ["name", "=prefix", "store__code"]
    actions = ["revoke"]

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["name", "store"]
        return ["name", "store", "prefix", "created_at", "created_by", "last_used_at", "revoked_at"]

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        return ["store", "prefix", "created_at", "created_by", "last_used_at", "revoked_at"]

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    @admin.display(description=_("active"), boolean=True, ordering="revoked_at")
    def active(self, api_key: ApiKey) -> bool:
        return api_key.is_active

    def save_model(self, request, obj: ApiKey, form, change: bool) -> None:
        if change:
            obj.save(update_fields=["name"])
            return
        created, raw_key = api_key_create(store=obj.store, name=obj.name, actor=request.user)
        for field in ["id", "prefix", "hashed_key", "created_at", "created_by_id"]:
            setattr(obj, field, getattr(created, field))
        obj._state.adding = False
        messages.warning(
            request,
            gettext("Copy the key for %(name)s now, it is not shown again: %(key)s")
            % {"name": created.name, "key": raw_key},
        )

    @admin.action(description=_("Revoke the selected keys"), permissions=["change"])
    def revoke(self, request, queryset):
        count = sum(api_key_revoke(api_key=api_key) for api_key in queryset)
        self.message_user(
            request,
            ngettext("%d key revoked.", "%d keys revoked.", count) % count,
            messages.SUCCESS,
        )
