"""Bring back the two staff groups after a transactional test's flush emptied every table."""

import importlib
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
ROLE_APPS = ["members", "loyalty", "rewards", "referrals", "engagement"]


def _role_migrations() -> list:
    """The data migrations that made the two groups and gave them their permissions: the
    groups' own (members 0002) and every later `*_permission(s).py` migration."""
    modules = ["members.migrations.0002_staff_groups"] + [
        f"{app}.migrations.{path.stem}"
        for app in ROLE_APPS
        for path in sorted((BASE_DIR / app / "migrations").glob("*_permission*.py"))
    ]
    return [importlib.import_module(name) for name in modules]


def roles_restore() -> None:
    """Recreate "Store staff" and "Program managers" when a transactional test's flush (which
    empties every table) removed them, by running the role migrations' own code again.

    Their `GROUP_PERMISSIONS` / `PERMISSIONS` mappings alone would not do: a permission that no
    model declares (loyalty 0012 adds `view_reports` by hand) is not recreated by the flush, and
    only the migration's function makes it again before granting it.
    """
    from django.apps import apps
    from django.contrib.auth.models import Group
    from django.db.migrations import RunPython

    from members.roles import PROGRAM_MANAGERS, STORE_STAFF

    if Group.objects.filter(name__in=[STORE_STAFF, PROGRAM_MANAGERS]).count() == 2:
        return
    # `members.roles.grant` is written for a migration's historical apps: it leaves every
    # app's `models_module` as None afterwards, which on the live registry would stop the next
    # flush from recreating content types and permissions. Put them back.
    models_modules = {config.label: config.models_module for config in apps.get_app_configs()}
    try:
        for module in _role_migrations():
            for operation in module.Migration.operations:
                if isinstance(operation, RunPython):
                    operation.code(apps, None)
    finally:
        for config in apps.get_app_configs():
            config.models_module = models_modules[config.label]
