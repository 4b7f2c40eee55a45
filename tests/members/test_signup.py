import re

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.urls import reverse

from loyalty.models import PointsAccount
from members.identifiers import card_number_is_valid
from members.models import Member, User

SIGNUP = {
    "first_name": "Nora",
    "last_name": "Nilsen",
    "email": "Nora@Example.com",
    "password1": "a-long-enough-secret",
    "password2": "a-long-enough-secret",
}


@pytest.mark.django_db
def test_signup_creates_user_member_points_account_and_a_valid_card(client):
    response = client.post(reverse("account_signup"), SIGNUP)

    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    user = User.objects.get()
    assert (user.email, user.first_name, user.last_name) == (
        "nora@example.com",
        "Nora",
        "Nilsen",
    )
    member = Member.objects.get(user=user)
    assert card_number_is_valid(member.card_number)
    account = PointsAccount.objects.get(member=member)
    assert (account.balance, account.pending, account.debt, account.lifetime_earned) == (0, 0, 0, 0)


@pytest.mark.django_db
def test_email_must_be_confirmed_before_the_dashboard_then_shows_zero_points(client):
    client.post(reverse("account_signup"), SIGNUP)
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["nora@example.com"]
    assert client.get(reverse("members:dashboard")).status_code == 302

    confirm_path = re.search(
        r"https?://[^/]+(/accounts/confirm-email/[^\s]+/)", mail.outbox[0].body
    )
    response = client.post(confirm_path.group(1))

    assert response.status_code == 302
    assert EmailAddress.objects.get(email="nora@example.com").verified is True
    dashboard = client.get(reverse("members:dashboard"))
    assert dashboard.status_code == 200
    assert dashboard.context["account"].balance == 0
    assert 'data-testid="balance">0<' in dashboard.content.decode()
    # The card is one tap away, at the top.
    assert (
        f'<a class="button dash-head__card" href="{reverse("members:card")}" '
        'data-testid="show-card">Show card</a>'
    ) in dashboard.content.decode()


@pytest.mark.django_db
def test_signup_with_a_taken_email_changes_nothing_and_tells_only_the_owner(client, customer):
    response = client.post(reverse("account_signup"), {**SIGNUP, "email": "ALICE@example.com"})

    # The page looks like any sign-up, so no one learns who is a member; the owner gets a note.
    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    assert User.objects.count() == 1
    assert Member.objects.count() == 1
    assert PointsAccount.objects.count() == 1
    assert [message.to for message in mail.outbox] == [["alice@example.com"]]
    assert "already" in mail.outbox[0].body


@pytest.mark.django_db
def test_signup_without_a_first_name_is_refused_and_nothing_is_created(client):
    response = client.post(reverse("account_signup"), {**SIGNUP, "first_name": ""})

    assert response.status_code == 200
    assert "first_name" in response.context["form"].errors
    assert User.objects.count() == 0
    assert Member.objects.count() == 0


@pytest.mark.django_db
def test_each_member_gets_a_different_card_number():
    from tests.factories import create_customer

    members = [create_customer() for _ in range(30)]

    numbers = {member.card_number for member in members}
    assert len(numbers) == 30
    assert all(card_number_is_valid(number) for number in numbers)


@pytest.mark.django_db
def test_login_with_email_and_logout(client, customer):
    from tests.factories import PASSWORD

    response = client.post(
        reverse("account_login"), {"login": "alice@example.com", "password": PASSWORD}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("members:dashboard")
    assert client.get(reverse("members:dashboard")).status_code == 200

    client.post(reverse("account_logout"))
    assert client.get(reverse("members:dashboard")).status_code == 302


@pytest.mark.django_db
def test_failed_logins_are_rate_limited(client, customer):
    from tests.factories import PASSWORD

    pages = [
        client.post(
            reverse("account_login"), {"login": "alice@example.com", "password": "wrong"}
        ).content.decode()
        for _ in range(6)
    ]
    # Even the right password is refused once the limit is reached.
    right = client.post(
        reverse("account_login"), {"login": "alice@example.com", "password": PASSWORD}
    )

    too_many = "Too many failed login attempts. Try again later."
    assert [too_many in page for page in pages] == [False] * 5 + [True]
    assert right.status_code == 200
    assert too_many in right.content.decode()
    assert "_auth_user_id" not in client.session
