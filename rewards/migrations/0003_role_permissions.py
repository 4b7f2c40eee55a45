"""Give the two working roles their rights on rewards."""

from django.db import migrations

from members.roles import PROGRAM_MANAGERS, STORE_STAFF, grant, revoke

PERMISSIONS = {
    STORE_STAFF: [
        ("rewards", "view_reward"),
        ("rewards", "redeem_at_counter"),
        ("rewards", "use_voucher"),
        ("rewards", "void_redemption"),
    ],
    PROGRAM_MANAGERS: [
        ("rewards", "view_reward"),
        ("rewards", "add_reward"),
        ("rewards", "change_reward"),
        ("rewards", "view_cause"),
        ("rewards", "add_cause"),
        ("rewards", "change_cause"),
        ("rewards", "view_redemption"),
        ("rewards", "redeem_at_counter"),
        ("rewards", "use_voucher"),
        ("rewards", "void_redemption"),
    ],
}


class Migration(migrations.Migration):
    dependencies = [
        ("rewards", "0002_redemption_permissions"),
        ("members", "0002_staff_groups"),
    ]

    operations = [
        migrations.RunPython(
            lambda apps, schema_editor: grant(apps, PERMISSIONS),
            lambda apps, schema_editor: revoke(apps, PERMISSIONS),
        )
    ]
