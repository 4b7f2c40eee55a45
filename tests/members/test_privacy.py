import json

import pytest
from django.urls import reverse

from loyalty.models import EntryKind, PointsAccount, PointsEntry
from loyalty.services import points_credit
from members.models import PushSubscription, User, WalletKind
from members.wallet.services import wallet_device_register, wallet_pass_for_member
from referrals.models import ReferralCode
from rewards.models import Redemption, RedemptionChannel, RedemptionStatus
from rewards.services import reward_redeem
from tests.factories import PASSWORD
from tests.loyalty.points import state
from tests.rewards.catalogue import make_reward


@pytest.mark.django_db
def test_a_member_downloads_only_their_own_data(client, customer, other_customer):
    points_credit(account=customer.points_account, points=40, note="Welcome")
    points_credit(account=other_customer.points_account, points=99, note="Bob's")
    client.force_login(customer.user)

    response = client.get(reverse("members:data_export"))

    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="my-loyalty-data.json"'
    data = json.loads(response.content)
    assert data["profile"]["email"] == "alice@example.com"
    assert data["points"]["available"] == 40
    assert [(entry["points"], entry["note"]) for entry in data["ledger"]] == [(40, "Welcome")]
    assert "bob" not in response.content.decode().lower()


@pytest.mark.django_db
def test_closing_the_account_erases_personal_data_voids_vouchers_and_forfeits_the_points(
    client, customer
):
    points_credit(account=customer.points_account, points=300)
    reward = make_reward(points_cost=100, stock=3)
    voucher = reward_redeem(member=customer, reward=reward, channel=RedemptionChannel.ONLINE)
    customer.phone = "+15550109999"
    customer.save()
    client.force_login(customer.user)

    wrong = client.post(reverse("members:close_account"), {"password": "nope"})
    assert wrong.context["form"].errors["password"] == ["That is not your password."]
    assert User.objects.get(pk=customer.user.pk).is_active is True

    response = client.post(reverse("members:close_account"), {"password": PASSWORD})

    assert response.status_code == 200
    user = User.objects.get(pk=customer.user.pk)
    assert (user.email, user.first_name, user.last_name, user.is_active) == (
        f"closed-{user.pk}@invalid.example",
        "",
        "",
        False,
    )
    assert not user.has_usable_password()
    customer.refresh_from_db()
    assert (customer.phone, customer.birthday, customer.reminder_emails) == ("", None, False)
    assert Redemption.objects.get(pk=voucher.pk).status == RedemptionStatus.VOID
    assert ReferralCode.objects.filter(member=customer).count() == 0
    # credit, spend, spend reversal, then the forfeit of all 300 (audited after the test)
    assert state(customer) == (0, 0, 0, 4)
    forfeit = PointsEntry.objects.get(account__member=customer, kind=EntryKind.FORFEIT)
    assert (forfeit.points, forfeit.balance_after, forfeit.note) == (-300, 0, "Account closed")
    assert PointsAccount.objects.get(member=customer).closed_at is not None
    assert client.get(reverse("members:dashboard")).status_code == 302
    assert not client.login(email="alice@example.com", password=PASSWORD)


@pytest.mark.django_db
def test_the_download_names_the_members_notification_browsers_and_wallet_passes_only(
    client, customer, other_customer
):
    PushSubscription.objects.create(
        member=customer, endpoint="https://push.example.net/send/a1", p256dh="key", auth="secret"
    )
    PushSubscription.objects.create(
        member=other_customer, endpoint="https://other.example.org/send/b2", p256dh="k", auth="s"
    )
    apple = wallet_pass_for_member(member=customer, kind=WalletKind.APPLE)
    wallet_device_register(wallet_pass=apple, device_library_identifier="d1", push_token="t1")
    wallet_device_register(wallet_pass=apple, device_library_identifier="d2", push_token="t2")
    wallet_pass_for_member(member=other_customer, kind=WalletKind.GOOGLE)
    client.force_login(customer.user)

    data = json.loads(client.get(reverse("members:data_export")).content)

    assert [
        (browser["push_service"], browser["last_delivered"])
        for browser in data["notification_browsers"]
    ] == [("push.example.net", None)]
    assert [(p["wallet"], p["devices"]) for p in data["wallet_passes"]] == [("apple", 2)]
    text = json.dumps(data)
    assert "secret" not in text
    assert "t1" not in text
    assert apple.authentication_token not in text
