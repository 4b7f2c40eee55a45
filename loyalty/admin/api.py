"""API keys of tills and web shops."""

from django.contrib import admin, messages
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from loyalty.models import ApiKey
from loyalty.platform.http import private
from loyalty.services.api_keys import api_key_create, api_key_revoke


@admin.register(ApiKey)
class ApiKeyAdmin(admin.ModelAdmin):
    """Keys of tills and web shops. Adding one shows the key once, on the page that answers the
        form (never in a message, which would travel in a cookie); only its hash is kept, so it can
        be revoked but never read; only its name and limits can be edited (empty limits = the
    program's defaults for keys). Keys are revoked rather than deleted."""

    list_display = ["name", "store", "prefix", "active", "created_at", "last_used_at"]
    list_filter = ["store", ("revoked_at", admin.EmptyFieldListFilter)]
    list_select_related = ["store"]
    search_fields = ["name", "=prefix", "store__code"]
    actions = ["revoke"]

    def get_fields(self, request, obj=None):
        limits = ["max_total", "max_points", "daily_points"]
        if obj is None:
            return ["name", "store", *limits]
        return [
            "name",
            "store",
            *limits,
            "prefix",
            "created_at",
            "created_by",
            "last_used_at",
            "revoked_at",
        ]

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
        limits = ["max_total", "max_points", "daily_points"]
        if change:
            obj.save(update_fields=["name", *limits])
            return
        created, raw_key = api_key_create(store=obj.store, name=obj.name, actor=request.user)
        for field in ["id", "prefix", "hashed_key", "created_at", "created_by_id"]:
            setattr(obj, field, getattr(created, field))
        obj._state.adding = False
        obj.save(update_fields=limits)
        obj.raw_key = raw_key  # for response_add only; never stored

    def response_add(self, request, obj: ApiKey, post_url_continue=None):
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "api_key": obj,
            "raw_key": obj.raw_key,
            "title": _("Copy the new key"),
        }
        return private(TemplateResponse(request, "admin/loyalty/apikey/created.html", context))

    @admin.action(description=_("Revoke the selected keys"), permissions=["change"])
    def revoke(self, request, queryset):
        count = sum(api_key_revoke(api_key=api_key) for api_key in queryset)
        self.message_user(
            request,
            ngettext("%d key revoked.", "%d keys revoked.", count) % count,
            messages.SUCCESS,
        )
