from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from members.identifiers import card_number_format
from members.models import Member, User, WalletPass, WalletRegistration
from members.phones import phone_remove
from members.rights import group_rights, groups_assignable, may_manage, user_rights
from members.services import member_create


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    ordering = ["email"]
    list_display = ["email", "first_name", "last_name", "store", "is_staff", "is_active"]
    list_filter = ["is_staff", "is_superuser", "is_active", "groups", "store"]
    search_fields = ["email", "first_name", "last_name"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        (_("Personal info"), {"fields": ["first_name", "last_name"]}),
        (
            _("Work"),
            {
                "fields": ["store", "groups", "is_staff"],
                "description": _(
                    "Store staff: put them in the 'Store staff' group and pick their store. "
                    "Program managers: the 'Program managers' group and 'Staff status' "
                    "(admin access); only a superuser can make one. The groups offered are "
                    "those that give fewer rights than your own."
                ),
            },
        ),
        (
            _("Access"),
            {"fields": ["is_active", "is_superuser", "user_permissions"], "classes": ["collapse"]},
        ),
        (_("Important dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (
            None,
            {
                "classes": ["wide"],
                "fields": ["email", "first_name", "last_name", "password1", "password2"],
            },
        ),
    ]
    readonly_fields = ["last_login", "date_joined"]
    actions = ["give_member_card"]

    def get_readonly_fields(self, request, obj=None):
        # Only a superuser hands out superuser status or single permissions; managers work
        # with the groups, and nobody changes their own rights or status.
        fields = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            fields += ["is_superuser", "user_permissions"]
            if obj is not None and obj.pk == request.user.pk:
                fields += ["groups", "is_staff", "is_active"]
        return fields

    def has_change_permission(self, request, obj=None) -> bool:
        """Also guards the password form: a superuser, or anyone with as many rights as the
        manager or more, is read-only to them (their own account aside)."""
        allowed = super().has_change_permission(request, obj)
        if not allowed or obj is None or obj.pk == request.user.pk:
            return allowed
        return may_manage(request.user, obj)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "groups":
            kwargs["queryset"] = groups_assignable(request.user)
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        actor = request.user
        if actor.is_superuser or "groups" not in form.base_fields:
            return form

        class RightsLimitedForm(form):
            def clean_groups(self):
                groups = self.cleaned_data["groups"]
                if not group_rights(groups) < user_rights(actor):
                    raise ValidationError(
                        _(
                            "Together these groups give as many rights as yours or more; "
                            "only a superuser can give them."
                        )
                    )
                return groups

        return RightsLimitedForm

    @admin.action(description=_("Give a member card (and points account) to the selected users"))
    def give_member_card(self, request, queryset):
        created = 0
        for user in queryset.filter(member__isnull=True):
            member_create(user=user)
            created += 1
        self.message_user(
            request,
            ngettext("%d user became a member.", "%d users became members.", created) % created,
            messages.SUCCESS,
        )


@admin.register(Member)
class MemberAdmin(admin.ModelAdmin):
    list_display = ["card_display", "user", "full_name", "phone", "phone_verified_at", "joined_at"]
    list_select_related = ["user"]
    search_fields = ["=card_number", "user__email", "=phone", "user__first_name", "user__last_name"]
    # The phone is the member's to set and prove with a code (members/phones.py); support can
    # only take a number off a profile, with the action below.
    readonly_fields = ["user", "card_number", "joined_at", "balance", "phone", "phone_verified_at"]
    actions = ["remove_phone"]
    fields = [
        "user",
        "card_number",
        "balance",
        "phone",
        "phone_verified_at",
        "birthday",
        "reminder_emails",
        "marketing_emails",
        "joined_at",
    ]
    date_hierarchy = "joined_at"

    def has_add_permission(self, request) -> bool:
        # Members come from sign-up, or from the "Give a member card" action on users.
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        # A member with a points history is never deleted; deactivate the user instead.
        return False

    @admin.action(
        description=_("Remove the phone number (the member can add and confirm it again)"),
        permissions=["change"],
    )
    def remove_phone(self, request, queryset) -> None:
        removed = 0
        for member in queryset.exclude(phone=""):
            phone_remove(member=member)
            removed += 1
        self.message_user(
            request,
            ngettext(
                "The phone number of %d member was removed.",
                "The phone numbers of %d members were removed.",
                removed,
            )
            % removed,
            messages.SUCCESS,
        )

    @admin.display(description=_("card number"), ordering="card_number")
    def card_display(self, member: Member) -> str:
        return card_number_format(member.card_number)

    @admin.display(description=_("name"))
    def full_name(self, member: Member) -> str:
        return member.user.get_full_name()

    @admin.display(description=_("available points"))
    def balance(self, member: Member) -> int:
        return member.points_account.balance


class _ReadOnly:
    """Rows the worker and the devices keep; the admin only reads them."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class WalletRegistrationInline(_ReadOnly, admin.TabularInline):
    model = WalletRegistration
    fields = ["device_library_identifier", "created_at"]
    readonly_fields = fields
    extra = 0


@admin.register(WalletPass)
class WalletPassAdmin(_ReadOnly, admin.ModelAdmin):
    # The authentication token is left out: it lets a device fetch the member's pass.
    list_display = ["serial_number", "kind", "member", "shown_balance", "shown_tier", "updated_at"]
    list_filter = ["kind"]
    list_select_related = ["member__user", "shown_tier"]
    search_fields = ["serial_number", "member__card_number"]
    fields = [
        "member",
        "kind",
        "serial_number",
        "shown_balance",
        "shown_tier",
        "update_tag",
        "created_at",
        "updated_at",
    ]
    readonly_fields = fields
    inlines = [WalletRegistrationInline]
