"""Program managers keep the tiers and see every member's tier changes."""

from django.db import migrations

from members.roles import PROGRAM_MANAGERS, grant, revoke

PERMISSIONS = {
    PROGRAM_MANAGERS: [
        ("loyalty", "view_tier"),
        ("loyalty", "add_tier"),
        ("loyalty", "change_tier"),
        ("loyalty", "view_tierchange"),
    ]
}


class Migration(migrations.Migration):
    dependencies = [
        ("loyalty", "0008_tiers_birthdays_reminders"),
        ("members", "0002_staff_groups"),
    ]

    operations = [
        migrations.RunPython(
            lambda apps, schema_editor: grant(apps, PERMISSIONS),
            lambda apps, schema_editor: revoke(apps, PERMISSIONS),
        )
    ]
