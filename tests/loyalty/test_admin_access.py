import pytest
from django.urls import reverse

from members.models import User


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("who", "status"),
    [("anonymous", 302), ("customer", 302), ("staff_user", 302), ("manager_user", 200)],
)
def test_admin_authorization(client, request, who, status):
    if who != "anonymous":
        user = request.getfixturevalue(who)
        client.force_login(getattr(user, "user", user))

    response = client.get(reverse("admin:index"))

    assert response.status_code == status
    if status == 302:
        assert response["Location"].startswith(reverse("admin:login"))


@pytest.mark.django_db
@pytest.mark.parametrize(
    "name",
    [
        "admin:members_user_changelist",
        "admin:members_member_changelist",
        "admin:loyalty_store_changelist",
        "admin:loyalty_store_add",
        "admin:loyalty_pointsaccount_changelist",
    ],
)
def test_manager_reaches_the_admin_screens_for_users_members_and_stores(
    client, manager_user, customer, name
):
    client.force_login(manager_user)

    assert client.get(reverse(name)).status_code == 200


@pytest.mark.django_db
def test_no_admin_path_edits_a_points_balance(client, manager_user, customer):
    client.force_login(manager_user)
    account = customer.points_account
    url = reverse("admin:loyalty_pointsaccount_change", args=[account.pk])

    client.post(url, {"balance": 5000})

    account.refresh_from_db()
    assert account.balance == 0
    assert client.get(reverse("admin:loyalty_pointsaccount_add")).status_code == 403


@pytest.mark.django_db
def test_a_manager_cannot_make_themselves_superuser(client, manager_user):
    client.force_login(manager_user)
    url = reverse("admin:members_user_change", args=[manager_user.pk])
    form = client.get(url).context["adminform"].form

    assert "is_superuser" not in form.fields
    assert "user_permissions" not in form.fields
    client.post(
        url,
        {
            "email": manager_user.email,
            "first_name": "Morgan",
            "last_name": "",
            "is_staff": "on",
            "is_active": "on",
            "is_superuser": "on",
            "groups": [group.pk for group in manager_user.groups.all()],
            "last_login_0": "",
            "date_joined_0": "2026-01-01",
            "date_joined_1": "00:00:00",
        },
    )
    assert User.objects.get(pk=manager_user.pk).is_superuser is False


@pytest.mark.django_db
def test_manager_adds_a_store_in_the_admin(client, manager_user):
    from loyalty.models import Store

    client.force_login(manager_user)

    response = client.post(
        reverse("admin:loyalty_store_add"),
        {"code": "airport", "name": "Airport", "is_active": "on"},
    )

    assert response.status_code == 302
    assert Store.objects.filter(code="airport", name="Airport").exists()
