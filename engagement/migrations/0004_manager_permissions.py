"""Program managers set up stamp cards (challenges) and read the NPS answers."""

from django.db import migrations

from members.roles import PROGRAM_MANAGERS, grant, revoke

PERMISSIONS = {
    PROGRAM_MANAGERS: [
        ("engagement", "view_challenge"),
        ("engagement", "add_challenge"),
        ("engagement", "change_challenge"),
        ("engagement", "view_surveyinvitation"),
    ]
}


class Migration(migrations.Migration):
    dependencies = [
        ("engagement", "0003_content_in_languages"),
        ("members", "0002_staff_groups"),
    ]

    operations = [
        migrations.RunPython(
            lambda apps, schema_editor: grant(apps, PERMISSIONS),
            lambda apps, schema_editor: revoke(apps, PERMISSIONS),
        )
    ]
