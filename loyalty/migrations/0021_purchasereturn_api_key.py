"""The key that asked for a return through the API, for the activity log; and an index on
the purchases' recording time, which the log's newest rows and the To review page's last days
read."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("loyalty", "0020_review_held_purchases_permission"),
    ]

    operations = [
        migrations.AddField(
            model_name="purchasereturn",
            name="api_key",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="returns",
                to="loyalty.apikey",
                verbose_name="API key",
            ),
        ),
        migrations.AddIndex(
            model_name="purchase",
            index=models.Index(fields=["-recorded_at", "-id"], name="purchase_recent"),
        ),
    ]
