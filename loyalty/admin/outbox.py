"""The outbox of emails and of web pushes, read-only; failed emails can be queued again."""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from loyalty.models import OutboxEmail, OutboxPush
from loyalty.platform.admin import ReadOnlyAdminMixin
from loyalty.services.outbox import outbox_retry


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


@admin.register(OutboxPush)
class OutboxPushAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """The web pushes sent or to send, one per event and browser. Read-only."""

    list_display = ["title", "subscription", "status", "attempts", "created_at", "sent_at"]
    list_filter = ["status"]
    search_fields = ["=key", "title"]
    date_hierarchy = "created_at"

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in self.model._meta.fields]
