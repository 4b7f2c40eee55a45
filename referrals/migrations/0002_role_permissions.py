"""Program managers review referrals and edit the referral settings."""

from django.db import migrations

from members.roles import PROGRAM_MANAGERS, grant, revoke

PERMISSIONS = {
    PROGRAM_MANAGERS: [
        ("referrals", "view_referral"),
        ("referrals", "change_referral"),
        ("referrals", "view_referralcode"),
        ("referrals", "view_referralsettings"),
        ("referrals", "change_referralsettings"),
    ]
}


class Migration(migrations.Migration):
    dependencies = [
        ("referrals", "0001_initial"),
        ("members", "0002_staff_groups"),
    ]

    operations = [
        migrations.RunPython(
            lambda apps, schema_editor: grant(apps, PERMISSIONS),
            lambda apps, schema_editor: revoke(apps, PERMISSIONS),
        )
    ]
