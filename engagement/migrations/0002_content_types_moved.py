"""Content types (and so permissions, group rights and admin history) of the moved models
follow them from `loyalty` to `engagement`."""

from django.db import migrations

MOVED = ["challenge", "challengecard", "challengestamp", "surveyinvitation"]


def _move(apps, source: str, target: str) -> None:
    content_type_model = apps.get_model("contenttypes", "ContentType")
    permission_model = apps.get_model("auth", "Permission")
    for model in MOVED:
        old = content_type_model.objects.filter(app_label=source, model=model).first()
        if old is None:
            continue
        new = content_type_model.objects.filter(app_label=target, model=model).first()
        if new is None:
            old.app_label = target
            old.save(update_fields=["app_label"])
            continue
        # Both exist (a partial migrate created the new one): keep the new one, hand it the
        # rights given on the old one, then drop the old.
        for permission in permission_model.objects.filter(content_type=old):
            twin = permission_model.objects.filter(
                content_type=new, codename=permission.codename
            ).first()
            if twin is None:
                permission.content_type = new
                permission.save(update_fields=["content_type"])
            else:
                twin.group_set.add(*permission.group_set.all())
                twin.user_set.add(*permission.user_set.all())
        old.delete()


def forwards(apps, schema_editor) -> None:
    _move(apps, "loyalty", "engagement")


def backwards(apps, schema_editor) -> None:
    _move(apps, "engagement", "loyalty")


class Migration(migrations.Migration):
    dependencies = [
        ("engagement", "0001_initial"),
        ("loyalty", "0015_engagement_models_moved_out"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
