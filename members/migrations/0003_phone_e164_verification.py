"""Phones in E.164, verified by a code before they find anyone (#16).

Every stored number is read again by `phone_to_e164`, in the region of the setting
`LOYALTY_PHONE_REGION`: '(555) 010-0002', '５５５０１００００２' and '+1 555 010 0002' all become
'+15550100002'. None of them was ever proven, so all stay unverified and find nobody until their
member types a code. A number that cannot be read as a phone number is cleared: it could never
receive a code, so it could never find anyone again, and kept it would make the profile form
refuse every later save until the member retyped it. Two members may now hold the same unverified
number (the old raw-text uniqueness let '5550100002' and '+15550100002' coexist anyway); only a
verified number is unique.
"""

import django.db.models.deletion
from django.db import migrations, models

from members.identifiers import PhoneNumberInvalid, phone_to_e164


def phones_to_e164(apps, schema_editor):
    Member = apps.get_model("members", "Member")
    for member in Member.objects.exclude(phone="").only("pk", "phone").iterator():
        try:
            phone = phone_to_e164(member.phone)
        except PhoneNumberInvalid:
            phone = ""
        if phone != member.phone:
            Member.objects.filter(pk=member.pk).update(phone=phone, phone_verified_at=None)


class Migration(migrations.Migration):
    dependencies = [
        ("members", "0002_staff_groups"),
    ]

    operations = [
        migrations.CreateModel(
            name="PhoneVerification",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("phone", models.CharField(max_length=20, verbose_name="phone")),
                (
                    "code_hash",
                    models.CharField(editable=False, max_length=128, verbose_name="code hash"),
                ),
                ("sent", models.BooleanField(default=False, verbose_name="sent")),
                ("attempts", models.PositiveSmallIntegerField(default=0, verbose_name="attempts")),
                ("created_at", models.DateTimeField(verbose_name="created")),
                ("expires_at", models.DateTimeField(verbose_name="expires")),
            ],
            options={
                "verbose_name": "phone verification",
                "verbose_name_plural": "phone verifications",
            },
        ),
        migrations.RemoveConstraint(
            model_name="member",
            name="member_phone_unique",
        ),
        migrations.AddField(
            model_name="member",
            name="phone_verified_at",
            field=models.DateTimeField(
                blank=True,
                help_text="When the member typed the code sent to this number.",
                null=True,
                verbose_name="phone verified",
            ),
        ),
        migrations.AlterField(
            model_name="member",
            name="phone",
            field=models.CharField(
                blank=True,
                help_text="In E.164 (+15550100002). It finds the member at the till only once verified.",
                max_length=20,
                verbose_name="phone",
            ),
        ),
        migrations.RunPython(phones_to_e164, migrations.RunPython.noop, elidable=False),
        migrations.AddConstraint(
            model_name="member",
            constraint=models.UniqueConstraint(
                condition=models.Q(("phone_verified_at__isnull", False)),
                fields=("phone",),
                name="member_phone_verified_unique",
            ),
        ),
        migrations.AddConstraint(
            model_name="member",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("phone_verified_at__isnull", True),
                    models.Q(("phone", ""), _negated=True),
                    _connector="OR",
                ),
                name="member_phone_verified_not_empty",
            ),
        ),
        migrations.AddField(
            model_name="phoneverification",
            name="member",
            field=models.OneToOneField(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="phone_verification",
                to="members.member",
                verbose_name="member",
            ),
        ),
    ]
