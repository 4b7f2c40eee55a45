"""The two working roles, as groups, and how migrations give them permissions.

Migrations call `grant` with their historical `apps`, so this module must not import models.
"""

from django.contrib.auth.management import create_permissions

STORE_STAFF = "Store staff"
PROGRAM_MANAGERS = "Program managers"
# What opens the staff desk (both groups hold it).
STAFF_DESK_PERMISSION = "members.use_staff_desk"


def grant(apps, group_permissions: dict[str, list[tuple[str, str]]]) -> None:
    """Add (app_label, codename) permissions to the named groups, creating what is missing."""
    for app_config in apps.get_app_configs():
        # Permissions are normally created after all migrations ran; make them exist now.
        # (create_permissions skips app configs without a models module, as migration states'
        # stubs are; put back what was there, so that a real app registry stays intact.)
        original = getattr(app_config, "models_module", None)
        app_config.models_module = original or True
        try:
            create_permissions(app_config, apps=apps, verbosity=0)
        finally:
            app_config.models_module = original
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for group_name, permissions in group_permissions.items():
        group, _created = Group.objects.get_or_create(name=group_name)
        for app_label, codename in permissions:
            group.permissions.add(
                Permission.objects.get(content_type__app_label=app_label, codename=codename)
            )


def revoke(apps, group_permissions: dict[str, list[tuple[str, str]]]) -> None:
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for group in Group.objects.filter(name__in=group_permissions):
        for app_label, codename in group_permissions[group.name]:
            group.permissions.remove(
                *Permission.objects.filter(content_type__app_label=app_label, codename=codename)
            )
