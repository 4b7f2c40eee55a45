"""The "To review" page's permission (approve or reject purchases a limit held), given to
program managers. It hangs on the purchase's content type, like 0012's on the account's,
without a change to the model's Meta."""

from django.db import migrations

from members.roles import PROGRAM_MANAGERS, grant

CODENAME = "review_held_purchases"
PERMISSIONS = {PROGRAM_MANAGERS: [("loyalty", CODENAME)]}


def create_permission(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    content_type, _created = ContentType.objects.get_or_create(
        app_label="loyalty", model="purchase"
    )
    Permission.objects.get_or_create(
        codename=CODENAME,
        content_type=content_type,
        defaults={"name": "Can approve or reject held purchases"},
    )
    grant(apps, PERMISSIONS)


def remove_permission(apps, schema_editor):
    apps.get_model("auth", "Permission").objects.filter(
        content_type__app_label="loyalty", codename=CODENAME
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("loyalty", "0019_purchase_limits_and_holds"),
        ("members", "0002_staff_groups"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_permission, remove_permission)]
