"""Program managers see the outbox and can queue failed emails again."""

from django.db import migrations

from members.roles import PROGRAM_MANAGERS, grant, revoke

PERMISSIONS = {PROGRAM_MANAGERS: [("loyalty", "view_outboxemail")]}


class Migration(migrations.Migration):
    dependencies = [
        ("loyalty", "0005_outbox"),
        ("members", "0002_staff_groups"),
    ]

    operations = [
        migrations.RunPython(
            lambda apps, schema_editor: grant(apps, PERMISSIONS),
            lambda apps, schema_editor: revoke(apps, PERMISSIONS),
        )
    ]
