"""The keys of the tills or shops that redeemed, used or voided through the API, for the
activity log."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("loyalty", "0010_api_keys"),
        ("rewards", "0004_tiers_birthdays_reminders"),
    ]

    operations = [
        migrations.AddField(
            model_name="redemption",
            name="api_key",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="redemptions",
                to="loyalty.apikey",
                verbose_name="API key",
            ),
        ),
        migrations.AddField(
            model_name="redemption",
            name="fulfilled_api_key",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="loyalty.apikey",
                verbose_name="used with API key",
            ),
        ),
        migrations.AddField(
            model_name="redemption",
            name="voided_api_key",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="loyalty.apikey",
                verbose_name="voided with API key",
            ),
        ),
    ]
