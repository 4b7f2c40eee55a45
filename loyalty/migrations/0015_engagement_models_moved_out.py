"""Stamp cards and NPS surveys moved to the `engagement` app: their state leaves this app,
their tables stay as they are (the engagement models keep the table names)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("loyalty", "0014_program_rules_version"),
        ("engagement", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.RemoveField(
                    model_name="challengestamp",
                    name="challenge",
                ),
                migrations.RemoveField(
                    model_name="challengecard",
                    name="challenge",
                ),
                migrations.RemoveField(
                    model_name="challengecard",
                    name="account",
                ),
                migrations.RemoveField(
                    model_name="challengecard",
                    name="prize_lot",
                ),
                migrations.RemoveField(
                    model_name="challengecard",
                    name="prize_redemption",
                ),
                migrations.RemoveField(
                    model_name="challengestamp",
                    name="card",
                ),
                migrations.RemoveField(
                    model_name="challengestamp",
                    name="purchase",
                ),
                migrations.RemoveField(
                    model_name="surveyinvitation",
                    name="account",
                ),
                migrations.RemoveField(
                    model_name="surveyinvitation",
                    name="bonus_lot",
                ),
                migrations.RemoveField(
                    model_name="surveyinvitation",
                    name="purchase",
                ),
                migrations.DeleteModel(
                    name="Challenge",
                ),
                migrations.DeleteModel(
                    name="ChallengeCard",
                ),
                migrations.DeleteModel(
                    name="ChallengeStamp",
                ),
                migrations.DeleteModel(
                    name="SurveyInvitation",
                ),
            ],
        ),
    ]
