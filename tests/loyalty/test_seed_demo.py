import pytest
from django.core.management import call_command
from django.urls import reverse

from loyalty.models import PointsAccount, Store
from members.models import Member, User


def _counts() -> tuple[int, int, int, int]:
    return (
        User.objects.count(),
        Member.objects.count(),
        PointsAccount.objects.count(),
        Store.objects.count(),
    )


@pytest.mark.django_db
def test_seed_demo_is_idempotent():
    call_command("seed_demo", stdout=None)
    first = _counts()
    alice_card = Member.objects.get(user__email="alice@example.com").card_number

    call_command("seed_demo")

    assert first == (7, 5, 5, 2)
    assert _counts() == first
    assert Member.objects.get(user__email="alice@example.com").card_number == alice_card


@pytest.mark.django_db
def test_demo_logins_reach_their_pages(client):
    call_command("seed_demo")
    alice = Member.objects.get(user__email="alice@example.com")

    assert client.login(email="alice@example.com", password="loyalty-demo")
    assert client.get(reverse("members:card")).status_code == 200
    client.logout()

    assert client.login(email="staff@example.com", password="loyalty-demo")
    found = client.get(reverse("staff:desk"), {"q": alice.card_number})
    assert found["Location"] == reverse("staff:member", args=[alice.card_number])
    assert client.get(reverse("admin:index")).status_code == 302
    client.logout()

    assert client.login(email="manager@example.com", password="loyalty-demo")
    assert client.get(reverse("admin:index")).status_code == 200
