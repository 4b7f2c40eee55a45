"""Who may manage whose account: nobody raises a user to their own rights or above, nor
reaches a user whose rights are not strictly fewer than their own. Superusers are not bound."""

from django.contrib.auth.models import Group, Permission
from django.db.models import Q


def _codes(permissions) -> set[str]:
    return set(permissions.values_list("content_type__app_label", "codename").distinct())


def user_rights(user) -> set[tuple[str, str]]:
    """The permissions `user` holds through groups and directly, active or not (a deactivated
    manager is still a manager: whoever reactivates them gets a manager back)."""
    return _codes(Permission.objects.filter(Q(group__user=user) | Q(user=user)))


def group_rights(groups) -> set[tuple[str, str]]:
    """Every permission the `groups` give together."""
    return _codes(Permission.objects.filter(group__in=groups))


def may_manage(actor, target) -> bool:
    """Whether `actor` may change `target`'s account (details, password, groups, status)."""
    if actor.is_superuser:
        return True
    if target.is_superuser:
        return False
    return user_rights(target) < user_rights(actor)


def groups_assignable(actor):
    """The groups `actor` may put a user in: every group for a superuser, else those giving
    strictly fewer rights than the actor's own (so only superusers make program managers)."""
    groups = Group.objects.order_by("name")
    if actor.is_superuser:
        return groups
    own = user_rights(actor)
    return groups.filter(pk__in=[group.pk for group in groups if group_rights([group]) < own])
