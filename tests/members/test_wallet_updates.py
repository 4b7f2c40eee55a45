"""The worker keeps passes in step with balances and tiers; closing an account removes them;
managers read them in the admin."""

import json
from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from loyalty.models import PointsAccount, Tier
from loyalty.services import points_credit
from members.models import WalletKind, WalletPass, WalletRegistration
from members.privacy import member_close
from members.tasks import update_wallet_passes
from members.wallet import backends
from members.wallet.backends import FileGoogleBackend, FilePushBackend, Push
from members.wallet.services import (
    wallet_device_register,
    wallet_pass_for_member,
    wallet_passes_update,
)
from tests.factories import create_customer
from tests.wallet import GOOGLE_ISSUER_ID, PASS_TYPE_ID


def _registered(member, device, token):
    wallet_pass = wallet_pass_for_member(member=member, kind=WalletKind.APPLE)
    wallet_device_register(
        wallet_pass=wallet_pass, device_library_identifier=device, push_token=token
    )
    return wallet_pass


@pytest.mark.django_db
def test_only_the_passes_whose_balance_changed_are_updated_once(
    customer, other_customer, apple_wallet
):
    mine = _registered(customer, "phone", "token-phone")
    _registered(customer, "watch", "token-watch")
    theirs = _registered(other_customer, "bob-phone", "token-bob")
    points_credit(account=customer.points_account, points=75, note="Bonus")

    first = wallet_passes_update()
    second = update_wallet_passes()

    assert first.passes == 1
    assert first.pushes == 2
    assert second == {"passes": 0, "pushes": 0, "google_objects": 0}
    assert backends.pushes_sent == [
        Push(
            push_token="token-phone",
            pass_type_identifier=PASS_TYPE_ID,
            serial_number=mine.serial_number,
        ),
        Push(
            push_token="token-watch",
            pass_type_identifier=PASS_TYPE_ID,
            serial_number=mine.serial_number,
        ),
    ]
    updated = WalletPass.objects.get(pk=mine.pk)
    assert updated.shown_balance == 75
    assert updated.update_tag > mine.update_tag
    assert updated.updated_at > mine.updated_at
    untouched = WalletPass.objects.get(pk=theirs.pk)
    assert (untouched.shown_balance, untouched.update_tag) == (0, theirs.update_tag)


@pytest.mark.django_db
def test_a_tier_change_updates_the_pass_and_the_google_object(
    customer, apple_wallet, google_wallet
):
    gold = Tier.objects.create(name="Gold", rank=2, threshold=Decimal("500"))
    _registered(customer, "phone", "token-phone")
    google_pass = wallet_pass_for_member(member=customer, kind=WalletKind.GOOGLE)
    PointsAccount.objects.filter(member=customer).update(tier=gold)

    result = wallet_passes_update(batch_size=1)

    assert (result.passes, result.pushes, result.google_objects) == (2, 1, 1)
    assert set(WalletPass.objects.values_list("shown_tier", flat=True)) == {gold.pk}
    [google_object] = backends.google_objects_sent
    assert google_object["id"] == f"{GOOGLE_ISSUER_ID}.{google_pass.serial_number}"
    assert google_object["textModulesData"] == [{"id": "tier", "header": "Tier", "body": "Gold"}]
    assert google_object["loyaltyPoints"]["balance"] == {"int": 0}
    # Back to no tier is a change too.
    PointsAccount.objects.filter(member=customer).update(tier=None)
    assert wallet_passes_update().passes == 2
    assert wallet_passes_update().passes == 0


@pytest.mark.django_db
def test_downloading_a_stale_pass_updates_it_and_tells_the_other_devices(
    client, customer, apple_wallet, django_capture_on_commit_callbacks
):
    wallet_pass = _registered(customer, "watch", "token-watch")
    points_credit(account=customer.points_account, points=20, note="Bonus")
    client.force_login(customer.user)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.get(reverse("members:wallet_apple"))

    assert response.status_code == 200
    assert WalletPass.objects.get(pk=wallet_pass.pk).shown_balance == 20
    assert [push.push_token for push in backends.pushes_sent] == ["token-watch"]
    assert wallet_passes_update().passes == 0


@pytest.mark.django_db
def test_many_passes_in_small_batches(apple_wallet):
    members = [create_customer(email=f"m{number}@example.com") for number in range(5)]
    for member in members:
        _registered(member, f"device-{member.pk}", f"token-{member.pk}")
        points_credit(account=member.points_account, points=10, note="Bonus")

    result = wallet_passes_update(batch_size=2)

    assert (result.passes, result.pushes) == (5, 5)
    assert set(WalletPass.objects.values_list("shown_balance", flat=True)) == {10}


@pytest.mark.django_db
def test_closing_the_account_removes_its_passes(customer, other_customer, apple_wallet):
    _registered(customer, "phone", "token-phone")
    theirs = _registered(other_customer, "bob-phone", "token-bob")

    member_close(member=customer)

    assert list(WalletPass.objects.all()) == [theirs]
    assert list(WalletRegistration.objects.values_list("push_token", flat=True)) == ["token-bob"]


def test_the_file_backends_write_json_lines(tmp_path):
    push = Push(push_token="t", pass_type_identifier=PASS_TYPE_ID, serial_number="s")

    assert FilePushBackend(str(tmp_path)).send([push, push]) == 2
    assert FileGoogleBackend(str(tmp_path)).update([{"id": "x"}]) == 1

    pushes = [
        json.loads(line) for line in (tmp_path / "apple-pushes.jsonl").read_text().splitlines()
    ]
    assert [{k: v for k, v in p.items() if k != "at"} for p in pushes] == [
        {"push_token": "t", "pass_type_identifier": PASS_TYPE_ID, "serial_number": "s"}
    ] * 2
    [google_line] = (tmp_path / "google-objects.jsonl").read_text().splitlines()
    assert json.loads(google_line)["object"] == {"id": "x"}


@pytest.mark.django_db
def test_the_admin_reads_passes_and_changes_nothing(client, customer, superuser, apple_wallet):
    wallet_pass = _registered(customer, "phone", "token-phone")
    client.force_login(superuser)
    change_url = reverse("admin:members_walletpass_change", args=[wallet_pass.pk])

    listing = client.get(reverse("admin:members_walletpass_changelist"))
    page = client.get(change_url)
    post = client.post(change_url, {"shown_balance": "999"})

    assert listing.status_code == 200
    assert wallet_pass.serial_number in listing.content.decode()
    assert page.status_code == 200
    assert wallet_pass.authentication_token not in page.content.decode()
    assert post.status_code == 403
    assert WalletPass.objects.get(pk=wallet_pass.pk).shown_balance == 0
    assert client.get(reverse("admin:members_walletpass_add")).status_code == 403


@pytest.mark.django_db
def test_without_the_permission_the_admin_hides_passes(
    client, customer, manager_user, apple_wallet
):
    wallet_pass = _registered(customer, "phone", "token-phone")
    for group in manager_user.groups.all():
        group.permissions.remove(Permission.objects.get(codename="view_walletpass"))
    client.force_login(manager_user)

    response = client.get(reverse("admin:members_walletpass_change", args=[wallet_pass.pk]))

    assert response.status_code == 403
