"""members 0003 reads every stored phone number again, into E.164, and verifies none of them."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("members", "0002_staff_groups")]

# What members typed before numbers were read by `phone_to_e164`.
OLD_PHONES = {
    "400000000006": "(555) 010-0002",
    "400000000014": "\uff15\uff15\uff15\uff10\uff11\uff10\uff10\uff10\uff10\uff12",
    "400000000022": "\u0665\u0665\u0665\u0660\u0661\u0660\u0660\u0660\u0660\u0663",
    "400000000030": "+442079460958",
    "400000000048": "call me",
    "400000000055": "12-34",
    "400000000063": "",
}


def _migrate(targets):
    executor = MigrationExecutor(connection)
    return executor.migrate(targets).apps


@pytest.mark.django_db(transaction=True)
def test_stored_phones_become_e164_unverified_and_what_is_no_number_is_cleared():
    latest = MigrationExecutor(connection).loader.graph.leaf_nodes()
    old_apps = _migrate(BEFORE)
    User = old_apps.get_model("members", "User")
    Member = old_apps.get_model("members", "Member")
    for index, (card_number, phone) in enumerate(OLD_PHONES.items()):
        user = User.objects.create(email=f"old{index}@example.com")
        Member.objects.create(user=user, card_number=card_number, phone=phone)

    _migrate(latest)

    from members.models import Member as MemberNow

    assert dict(MemberNow.objects.values_list("card_number", "phone")) == {
        "400000000006": "+15550100002",
        # The same number as the first, typed otherwise: both may hold it, unverified.
        "400000000014": "+15550100002",
        "400000000022": "+15550100003",
        "400000000030": "+442079460958",
        "400000000048": "",
        "400000000055": "",
        "400000000063": "",
    }
    assert not MemberNow.objects.filter(phone_verified_at__isnull=False).exists()
