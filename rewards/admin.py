from django import forms
from django.contrib import admin, messages
from django.db.models import Count
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from modeltranslation.admin import TranslationAdmin

from loyalty.platform.admin import ReadOnlyAdminMixin
from loyalty.platform.languages import in_every_language
from rewards.codes import voucher_code_format
from rewards.images import RewardImageField, reward_image_renditions_make
from rewards.models import Cause, Redemption, Reward, RewardCategory
from rewards.selectors import cause_list_with_totals, reward_list_with_totals
from rewards.services import rewards_set_active


class RewardAdminForm(forms.ModelForm):
    # Checked by content and re-encoded before it is saved (rewards/images.py).
    image = RewardImageField(label=_("image"), required=False)

    class Meta:
        model = Reward
        fields = ["image"]  # the admin's fieldsets add the rest


@admin.register(Reward)
class RewardAdmin(TranslationAdmin):
    form = RewardAdminForm
    list_display = [
        "preview",
        "name",
        "kind",
        "points_cost",
        "stock",
        "redemptions_count",
        "points_spent",
        "is_active",
        "display_order",
    ]
    list_display_links = ["name"]
    list_editable = ["is_active", "display_order"]
    list_filter = ["is_active", "kind", "category"]
    search_fields = [*in_every_language("name"), "slug", *in_every_language("description")]
    prepopulated_fields = {"slug": ["name"]}
    readonly_fields = ["preview_large", "created_at", "updated_at"]
    actions = ["activate", "deactivate"]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "name",
                    "slug",
                    "kind",
                    "category",
                    "description",
                    "image",
                    "preview_large",
                ]
            },
        ),
        (
            _("Price and value"),
            {"fields": ["points_cost", "value", "max_steps", "cause", "minimum_tier"]},
        ),
        (
            _("Availability"),
            {
                "fields": [
                    "is_active",
                    "available_from",
                    "available_until",
                    "stock",
                    "per_member_limit",
                    "limit_period",
                    "voucher_valid_days",
                    "display_order",
                ]
            },
        ),
        (_("History"), {"fields": ["created_at", "updated_at"]}),
    ]

    def get_queryset(self, request):
        return reward_list_with_totals()

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if "image" in form.changed_data:
            # The smaller copies the member's pages list in srcset (none when it was cleared).
            reward_image_renditions_make(reward=obj)

    @admin.display(description=_("redemptions"), ordering="redemptions_count")
    def redemptions_count(self, reward: Reward) -> int:
        return reward.redemptions_count

    @admin.display(description=_("points spent"), ordering="points_spent")
    def points_spent(self, reward: Reward) -> int:
        return reward.points_spent

    @admin.display(description=_("image"))
    def preview(self, reward: Reward) -> str:
        if not reward.image:
            return "—"
        return format_html(
            '<img src="{}" alt="" width="48" height="48" class="reward-thumb">', reward.image.url
        )

    @admin.display(description=_("preview"))
    def preview_large(self, reward: Reward) -> str:
        if not reward.image:
            return _("No image yet.")
        return format_html('<img src="{}" alt="" width="240">', reward.image.url)

    @admin.action(description=_("Activate the selected rewards"))
    def activate(self, request, queryset):
        self._set_active(request, queryset, active=True)

    @admin.action(description=_("Deactivate the selected rewards"))
    def deactivate(self, request, queryset):
        self._set_active(request, queryset, active=False)

    def _set_active(self, request, queryset, *, active: bool) -> None:
        changed = rewards_set_active(
            reward_ids=queryset.values_list("pk", flat=True), active=active
        )
        self.message_user(
            request,
            ngettext("%d reward updated.", "%d rewards updated.", changed) % changed,
            messages.SUCCESS,
        )


@admin.register(RewardCategory)
class RewardCategoryAdmin(TranslationAdmin):
    list_display = ["name", "slug", "display_order", "rewards_count"]
    list_editable = ["display_order"]
    search_fields = in_every_language("name")
    prepopulated_fields = {"slug": ["name"]}

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(rewards_count=Count("rewards"))

    @admin.display(description=_("rewards"), ordering="rewards_count")
    def rewards_count(self, category: RewardCategory) -> int:
        return category.rewards_count


@admin.register(Cause)
class CauseAdmin(TranslationAdmin):
    list_display = ["name", "is_active", "donations", "points_given", "money_given"]
    list_filter = ["is_active"]
    search_fields = in_every_language("name")
    prepopulated_fields = {"slug": ["name"]}

    def get_queryset(self, request):
        return cause_list_with_totals()

    @admin.display(description=_("donations"), ordering="donations")
    def donations(self, cause: Cause) -> int:
        return cause.donations

    @admin.display(description=_("points given"), ordering="points_given")
    def points_given(self, cause: Cause) -> int:
        return cause.points_given

    @admin.display(description=_("value given"), ordering="money_given")
    def money_given(self, cause: Cause):
        return cause.money_given


@admin.register(Redemption)
class RedemptionAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Read-only: redemptions change only through the services (staff desk, API, worker)."""

    list_display = ["code_display", "reward", "member", "points", "status", "channel", "issued_at"]
    list_filter = ["status", "channel", "reward"]
    search_fields = ["=code", "member__card_number", "member__user__email"]
    list_select_related = ["reward", "member__user"]
    date_hierarchy = "issued_at"

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in self.model._meta.fields]

    @admin.display(description=_("voucher"), ordering="code")
    def code_display(self, redemption: Redemption) -> str:
        return voucher_code_format(redemption.code)
