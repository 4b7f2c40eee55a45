from django.contrib import admin, messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from loyalty.platform.errors import DomainError
from referrals.models import Referral, ReferralCode, ReferralSettings, ReferralStatus
from referrals.services import referral_approve, referral_reject, referral_settings_get


@admin.register(ReferralSettings)
class ReferralSettingsAdmin(admin.ModelAdmin):
    """One row: the list opens it directly."""

    def changelist_view(self, request, extra_context=None):
        settings = referral_settings_get()
        return redirect(reverse("admin:referrals_referralsettings_change", args=[settings.pk]))

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class ReviewFilter(admin.SimpleListFilter):
    title = _("review")
    parameter_name = "review"

    def lookups(self, request, model_admin):
        return [("waiting", _("Waiting for review"))]

    def queryset(self, request, queryset):
        if self.value() == "waiting":
            return queryset.filter(is_flagged=True).exclude(
                status__in=[
                    ReferralStatus.REWARDED,
                    ReferralStatus.REJECTED,
                    ReferralStatus.CANCELLED,
                ]
            )
        return queryset


@admin.register(Referral)
class ReferralAdmin(admin.ModelAdmin):
    """The review queue: flagged referrals wait here for a manager to approve or reject."""

    list_display = [
        "created_at",
        "referrer",
        "friend",
        "status",
        "is_flagged",
        "reasons_text",
        "signup_ip",
        "qualifying_purchase",
    ]
    list_filter = [ReviewFilter, "status", "is_flagged"]
    search_fields = ["=code", "referrer__user__email", "friend__user__email", "=signup_ip"]
    list_select_related = ["referrer__user", "friend__user", "qualifying_purchase__store"]
    actions = ["approve", "reject"]
    date_hierarchy = "created_at"

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in self.model._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    @admin.display(description=_("checks"))
    def reasons_text(self, referral: Referral) -> str:
        return "; ".join(referral.reasons)

    def _review(self, request, queryset, action, done_message) -> None:
        done = refused = 0
        for referral in queryset.select_related(
            "referrer__points_account", "friend__points_account"
        ):
            try:
                action(referral=referral, actor=request.user)
            except DomainError:
                refused += 1
            else:
                done += 1
        self.message_user(request, done_message(done), messages.SUCCESS)
        if refused:
            self.message_user(
                request,
                ngettext(
                    "%d referral was already rewarded or rejected and was left as it is.",
                    "%d referrals were already rewarded or rejected and were left as they are.",
                    refused,
                )
                % refused,
                messages.WARNING,
            )

    @admin.action(description=_("Approve the selected referrals"), permissions=["change"])
    def approve(self, request, queryset):
        self._review(
            request,
            queryset,
            referral_approve,
            lambda count: (
                ngettext("%d referral approved.", "%d referrals approved.", count) % count
            ),
        )

    @admin.action(description=_("Reject the selected referrals"), permissions=["change"])
    def reject(self, request, queryset):
        self._review(
            request,
            queryset,
            referral_reject,
            lambda count: (
                ngettext("%d referral rejected.", "%d referrals rejected.", count) % count
            ),
        )


@admin.register(ReferralCode)
class ReferralCodeAdmin(admin.ModelAdmin):
    list_display = ["code", "member", "link_opens", "created_at"]
    search_fields = ["=code", "member__user__email"]
    list_select_related = ["member__user"]

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in self.model._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
