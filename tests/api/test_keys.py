"""API keys: only a hash is stored, they can be revoked, they record when they were last used;
`manage.py create_api_key` and the admin create them and show them once."""

import datetime
import hashlib
import io

import pytest
import time_machine
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from loyalty.models import ApiKey
from loyalty.services.api_keys import api_key_create, api_key_find, api_key_revoke
from members.roles import PROGRAM_MANAGERS
from tests.api.conftest import KeyClient, url

pytestmark = pytest.mark.django_db


def test_only_a_hash_of_the_key_is_stored(store):
    api_key, raw_key = api_key_create(store=store, name="Till 1")

    prefix, secret = raw_key.split(".")
    assert api_key.prefix == prefix
    assert len(secret) >= 43
    assert api_key.hashed_key == hashlib.sha256(raw_key.encode()).hexdigest()
    row = ApiKey.objects.filter(pk=api_key.pk).values().get()
    assert all(raw_key not in str(value) and secret not in str(value) for value in row.values())
    assert api_key_find(raw_key=raw_key) == api_key
    assert api_key_find(raw_key=raw_key + "x") is None


def test_a_revoked_key_stays_revoked(store):
    api_key, _raw_key = api_key_create(store=store, name="Till 1")

    assert api_key_revoke(api_key=api_key) is True
    revoked_at = api_key.revoked_at
    assert api_key_revoke(api_key=api_key) is False
    assert api_key.revoked_at == revoked_at
    assert not api_key.is_active


def test_a_key_records_when_it_was_last_used_at_most_once_a_minute(own_key, customer):
    api_key, raw_key = own_key
    path = url("member-detail", card_number=customer.card_number)
    start = timezone.now()

    with time_machine.travel(start, tick=False):
        KeyClient(raw_key).get(path)
    with time_machine.travel(start + datetime.timedelta(seconds=30), tick=False):
        KeyClient(raw_key).get(path)
    api_key.refresh_from_db()
    first_use = api_key.last_used_at
    with time_machine.travel(start + datetime.timedelta(minutes=2), tick=False):
        KeyClient(raw_key).get(path)
    api_key.refresh_from_db()

    assert first_use == start
    assert api_key.last_used_at == start + datetime.timedelta(minutes=2)


def test_the_command_prints_the_key_once(store, customer):
    out, err = io.StringIO(), io.StringIO()

    call_command(
        "create_api_key", "--store", "downtown", "--name", "Till 7", stdout=out, stderr=err
    )

    raw_key = out.getvalue().strip()
    api_key = ApiKey.objects.get()
    assert (api_key.name, api_key.store) == ("Till 7", store)
    assert api_key_find(raw_key=raw_key) == api_key
    assert "not shown again" in err.getvalue()
    response = KeyClient(raw_key).get(url("member-detail", card_number=customer.card_number))
    assert response.status_code == 200


def test_the_command_refuses_an_unknown_store(store):
    with pytest.raises(CommandError, match="downtown"):
        call_command("create_api_key", "--store", "nowhere", stdout=io.StringIO())
    assert ApiKey.objects.count() == 0


# --- admin ------------------------------------------------------------------------------------


def test_api_keys_are_the_superusers_not_the_program_managers(client, manager_user):
    codenames = set(
        Group.objects.get(name=PROGRAM_MANAGERS)
        .permissions.filter(content_type__model="apikey")
        .values_list("codename", flat=True)
    )

    client.force_login(manager_user)
    listing = client.get(reverse("admin:loyalty_apikey_changelist"))

    assert codenames == set()
    assert listing.status_code == 403


def test_a_superuser_creates_a_key_in_the_admin_and_sees_it_once_on_the_page(
    client, superuser, store
):
    client.force_login(superuser)

    response = client.post(
        reverse("admin:loyalty_apikey_add"), {"name": "Web shop", "store": store.pk}
    )

    api_key = ApiKey.objects.get()
    assert response.status_code == 200
    assert response["Cache-Control"].startswith("private, no-store")
    raw_key = response.context["raw_key"]
    assert api_key_find(raw_key=raw_key) == api_key
    assert f'value="{raw_key}"' in response.content.decode()
    # Never in a message: the messages cookie would carry it to the next page.
    assert list(response.context["messages"]) == []
    assert all(raw_key not in morsel.value for morsel in response.cookies.values())
    assert api_key.created_by == superuser
    page = client.get(reverse("admin:loyalty_apikey_change", args=[api_key.pk]))
    assert raw_key not in page.content.decode()
    assert api_key.hashed_key not in page.content.decode()
    listing = client.get(reverse("admin:loyalty_apikey_changelist"))
    assert raw_key not in listing.content.decode()


def test_the_admin_edits_the_name_only(client, superuser, store, other_store):
    client.force_login(superuser)
    api_key, _raw_key = api_key_create(store=store, name="Till 1")
    hashed_key = api_key.hashed_key

    client.post(
        reverse("admin:loyalty_apikey_change", args=[api_key.pk]),
        {"name": "Till 2", "store": other_store.pk, "hashed_key": "0" * 64, "prefix": "x"},
    )

    api_key.refresh_from_db()
    assert (api_key.name, api_key.store, api_key.hashed_key) == ("Till 2", store, hashed_key)


def test_the_admin_revokes_keys_and_deletes_none(client, superuser, store, customer):
    client.force_login(superuser)
    api_key, raw_key = api_key_create(store=store, name="Till 1")

    client.post(
        reverse("admin:loyalty_apikey_changelist"),
        {"action": "revoke", "_selected_action": [api_key.pk]},
    )

    api_key.refresh_from_db()
    assert api_key.revoked_at is not None
    response = KeyClient(raw_key).get(url("member-detail", card_number=customer.card_number))
    assert response.json()["code"] == "api_key_revoked"
    delete = client.get(reverse("admin:loyalty_apikey_delete", args=[api_key.pk]))
    assert delete.status_code == 403


def test_staff_without_the_permission_cannot_see_keys(client, staff_user, store):
    client.force_login(staff_user)

    response = client.get(reverse("admin:loyalty_apikey_changelist"))

    assert response.status_code == 302
