"""The admin's System tables are the superusers' (loyalty.backoffice.admin_site): program
managers no longer hold the permissions that only opened them. `view_pointsentry` stays, as the
activity log reads the ledger with it."""

from django.db import migrations

from members.roles import PROGRAM_MANAGERS, grant, revoke

PERMISSIONS = {
    PROGRAM_MANAGERS: [
        ("loyalty", "view_apikey"),
        ("loyalty", "add_apikey"),
        ("loyalty", "change_apikey"),
        ("loyalty", "view_outboxemail"),
        ("loyalty", "view_pointslot"),
        ("members", "view_walletpass"),
        ("members", "view_walletregistration"),
        ("auth", "view_group"),
    ]
}


class Migration(migrations.Migration):
    dependencies = [
        ("loyalty", "0024_content_in_languages"),
        ("members", "0005_wallet_passes"),
    ]

    operations = [
        migrations.RunPython(
            lambda apps, schema_editor: revoke(apps, PERMISSIONS),
            lambda apps, schema_editor: grant(apps, PERMISSIONS),
        )
    ]
