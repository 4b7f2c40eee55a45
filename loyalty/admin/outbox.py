"""The email outbox, read-only; failed messages can be queued again."""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from loyalty.models import OutboxEmail
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
