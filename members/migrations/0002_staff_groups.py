"""The two working roles as groups: "Store staff" and "Program managers".

Later migrations that add permissions extend these groups the same way.
"""

from django.db import migrations

from members.roles import PROGRAM_MANAGERS, STORE_STAFF, grant

GROUP_PERMISSIONS = {
    STORE_STAFF: [
        ("members", "use_staff_desk"),
        ("members", "view_member"),
        ("loyalty", "add_purchase"),
        ("loyalty", "view_purchase"),
        ("loyalty", "add_purchasereturn"),
    ],
    PROGRAM_MANAGERS: [
        ("members", "use_staff_desk"),
        ("members", "view_member"),
        ("members", "change_member"),
        ("members", "view_user"),
        ("members", "add_user"),
        ("members", "change_user"),
        ("loyalty", "view_store"),
        ("loyalty", "add_store"),
        ("loyalty", "change_store"),
        ("loyalty", "view_pointsaccount"),
        ("loyalty", "adjust_points"),
        ("loyalty", "view_pointsentry"),
        ("loyalty", "view_pointslot"),
        ("loyalty", "add_purchase"),
        ("loyalty", "view_purchase"),
        ("loyalty", "add_purchasereturn"),
        ("loyalty", "view_purchasereturn"),
        ("loyalty", "view_programsettings"),
        ("loyalty", "change_programsettings"),
        ("loyalty", "view_productcategory"),
        ("loyalty", "add_productcategory"),
        ("loyalty", "change_productcategory"),
        ("loyalty", "delete_productcategory"),
        ("loyalty", "view_earningrule"),
        ("loyalty", "add_earningrule"),
        ("loyalty", "change_earningrule"),
        ("loyalty", "delete_earningrule"),
        ("auth", "view_group"),
    ],
}


def create_groups(apps, schema_editor):
    grant(apps, GROUP_PERMISSIONS)


def remove_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=GROUP_PERMISSIONS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("members", "0001_initial"),
        ("loyalty", "0002_initial"),
    ]

    operations = [migrations.RunPython(create_groups, remove_groups)]
