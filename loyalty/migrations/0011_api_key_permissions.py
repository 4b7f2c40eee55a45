"""Program managers create API keys for tills and web shops, and revoke them."""

from django.db import migrations

from members.roles import PROGRAM_MANAGERS, grant, revoke

PERMISSIONS = {
    PROGRAM_MANAGERS: [
        ("loyalty", "view_apikey"),
        ("loyalty", "add_apikey"),
        ("loyalty", "change_apikey"),
    ]
}


class Migration(migrations.Migration):
    dependencies = [
        ("loyalty", "0010_api_keys"),
        ("members", "0002_staff_groups"),
    ]

    operations = [
        migrations.RunPython(
            lambda apps, schema_editor: grant(apps, PERMISSIONS),
            lambda apps, schema_editor: revoke(apps, PERMISSIONS),
        )
    ]
