"""The reports page's permission, given to program managers.

No model owns the reports, so the permission hangs on the points account's content type
(where the points engine's other custom permission, adjust_points, lives) without a change to
any model's Meta.
"""

from django.db import migrations

from members.roles import PROGRAM_MANAGERS, grant

CODENAME = "view_reports"
PERMISSIONS = {PROGRAM_MANAGERS: [("loyalty", CODENAME)]}


def create_permission(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    content_type, _created = ContentType.objects.get_or_create(
        app_label="loyalty", model="pointsaccount"
    )
    Permission.objects.get_or_create(
        codename=CODENAME, content_type=content_type, defaults={"name": "Can view reports"}
    )
    grant(apps, PERMISSIONS)


def remove_permission(apps, schema_editor):
    apps.get_model("auth", "Permission").objects.filter(
        content_type__app_label="loyalty", codename=CODENAME
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("loyalty", "0011_api_key_permissions"),
        ("members", "0002_staff_groups"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_permission, remove_permission)]
