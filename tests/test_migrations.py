"""`migrate` from today's schema with data in it: the stamp cards and surveys that moved from
`loyalty` to `engagement` keep their rows, rights and ledger (from an empty database the whole
suite runs on the migrated schema anyway)."""

import datetime
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from loyalty.audit import ledger_problems

BEFORE_THE_MOVE = [("loyalty", "0014_program_rules_version"), ("engagement", None)]


def _migrate(targets):
    """Migrate to `targets`; the historical models as they are then."""
    executor = MigrationExecutor(connection)
    return executor.migrate(targets).apps


def _latest():
    executor = MigrationExecutor(connection)
    return executor.loader.graph.leaf_nodes()


def _rows_before_the_move(apps) -> dict:
    """A member with 50 points from a purchase that stamped a card and brought a survey."""
    now = timezone.now()
    user = apps.get_model("members", "User").objects.create(email="old@example.com")
    member = apps.get_model("members", "Member").objects.create(
        user=user, card_number="400000000006"
    )
    account = apps.get_model("loyalty", "PointsAccount").objects.create(
        member=member, balance=50, lifetime_earned=50
    )
    store = apps.get_model("loyalty", "Store").objects.create(code="old", name="Old town")
    purchase = apps.get_model("loyalty", "Purchase").objects.create(
        member=member,
        store=store,
        external_id="r-1",
        occurred_at=now,
        total=Decimal("50.00"),
        currency="USD",
        points=50,
    )
    entry = apps.get_model("loyalty", "PointsEntry").objects.create(
        account=account, kind="purchase", points=50, balance_after=50, purchase=purchase
    )
    apps.get_model("loyalty", "PointsLot").objects.create(
        account=account,
        entry=entry,
        kind="purchase",
        purchase=purchase,
        points=50,
        remaining=50,
        earned_at=now,
        available_at=now,
    )
    challenge = apps.get_model("loyalty", "Challenge").objects.create(
        name="Three coffees",
        starts_at=now - datetime.timedelta(days=1),
        purchases_needed=3,
        reward_points=100,
    )
    challenge.stores.add(store)
    card = apps.get_model("loyalty", "ChallengeCard").objects.create(
        challenge=challenge, account=account, stamps=1
    )
    apps.get_model("loyalty", "ChallengeStamp").objects.create(
        card=card, challenge=challenge, purchase=purchase
    )
    apps.get_model("loyalty", "SurveyInvitation").objects.create(
        account=account, purchase=purchase, score=9
    )
    # The right to edit challenges, given to a group under the old app label.
    # (Migrating back moved the content type of the test database's set-up back to loyalty.)
    content_type = apps.get_model("contenttypes", "ContentType").objects.get_or_create(
        app_label="loyalty", model="challenge"
    )[0]
    permission = apps.get_model("auth", "Permission").objects.get_or_create(
        content_type=content_type, codename="change_challenge", defaults={"name": "Can change"}
    )[0]
    group = apps.get_model("auth", "Group").objects.create(name="Challenge editors")
    group.permissions.add(permission)
    return {"challenge": challenge.pk, "card": card.pk, "purchase": purchase.pk}


@pytest.mark.django_db(transaction=True)
def test_migrate_from_todays_schema_with_data_keeps_every_row_and_the_ledger():
    latest = _latest()
    old_apps = _migrate(BEFORE_THE_MOVE)
    rows = _rows_before_the_move(old_apps)

    _migrate(latest)

    from django.contrib.auth.models import Group

    from engagement.models import Challenge, ChallengeCard, ChallengeStamp, SurveyInvitation

    challenge = Challenge.objects.get(pk=rows["challenge"])
    assert (challenge.name, [store.code for store in challenge.stores.all()]) == (
        "Three coffees",
        ["old"],
    )
    card = ChallengeCard.objects.get(pk=rows["card"])
    assert (card.stamps, card.account.balance) == (1, 50)
    assert ChallengeStamp.objects.get(card=card).purchase_id == rows["purchase"]
    assert SurveyInvitation.objects.get().score == 9
    # The group keeps its right, now on the engagement app's model.
    assert list(
        Group.objects.get(name="Challenge editors").permissions.values_list(
            "content_type__app_label", "codename"
        )
    ) == [("engagement", "change_challenge")]
    assert ledger_problems() == []
    call_command("points_audit")
