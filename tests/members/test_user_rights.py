"""Managers manage users with fewer rights than their own, and never a superuser, another
manager, or their own rights; only superusers make managers."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from members.models import User
from members.roles import PROGRAM_MANAGERS, STORE_STAFF
from tests.factories import create_manager

NEW_PASSWORD = "a-brand-new-secret-42"


def _change(user: User, **fields) -> dict:
    data = {
        "email": user.email,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "store": user.store_id or "",
        "groups": [group.pk for group in user.groups.all()],
        "is_staff": "on" if user.is_staff else "",
        "is_active": "on" if user.is_active else "",
    }
    data.update(fields)
    return {key: value for key, value in data.items() if value != ""}


def _password(client, user: User):
    return client.post(
        reverse("admin:auth_user_password_change", args=[user.pk]),
        {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )


@pytest.fixture
def superuser(db):
    return User.objects.create_superuser(email="root@example.com", password="root-secret-123")


@pytest.fixture
def other_manager(store):
    return create_manager(email="other.manager@example.com", store=store)


@pytest.mark.django_db
def test_a_manager_cannot_set_a_superusers_password_or_change_them(client, manager_user, superuser):
    client.force_login(manager_user)

    password_page = client.get(reverse("admin:auth_user_password_change", args=[superuser.pk]))
    password_post = _password(client, superuser)
    change = client.post(
        reverse("admin:members_user_change", args=[superuser.pk]),
        _change(superuser, email="mine@example.com", is_active=""),
    )

    assert (password_page.status_code, password_post.status_code) == (403, 403)
    assert change.status_code == 403
    superuser.refresh_from_db()
    assert (superuser.email, superuser.is_active) == ("root@example.com", True)
    assert superuser.check_password("root-secret-123")


@pytest.mark.django_db
def test_a_manager_cannot_take_over_another_manager_even_a_deactivated_one(
    client, manager_user, other_manager
):
    other_manager.is_active = False
    other_manager.save(update_fields=["is_active"])
    client.force_login(manager_user)

    reactivate = client.post(
        reverse("admin:members_user_change", args=[other_manager.pk]),
        _change(other_manager, is_active="on"),
    )
    password = _password(client, other_manager)

    assert (reactivate.status_code, password.status_code) == (403, 403)
    other_manager.refresh_from_db()
    assert other_manager.is_active is False
    assert not other_manager.check_password(NEW_PASSWORD)


@pytest.mark.django_db
def test_a_manager_manages_store_staff_and_makes_a_user_store_staff(
    client, manager_user, staff_user, plain_user
):
    client.force_login(manager_user)
    staff_group = Group.objects.get(name=STORE_STAFF)

    renamed = client.post(
        reverse("admin:members_user_change", args=[staff_user.pk]),
        _change(staff_user, first_name="Sam"),
    )
    promoted = client.post(
        reverse("admin:members_user_change", args=[plain_user.pk]),
        _change(plain_user, groups=[staff_group.pk]),
    )
    password = _password(client, staff_user)

    assert (renamed.status_code, promoted.status_code, password.status_code) == (302, 302, 302)
    staff_user.refresh_from_db()
    assert staff_user.first_name == "Sam"
    assert staff_user.check_password(NEW_PASSWORD)
    assert list(plain_user.groups.values_list("name", flat=True)) == [STORE_STAFF]


@pytest.mark.django_db
def test_only_a_superuser_makes_a_program_manager(client, manager_user, superuser, plain_user):
    managers = Group.objects.get(name=PROGRAM_MANAGERS)
    client.force_login(manager_user)

    refused = client.post(
        reverse("admin:members_user_change", args=[plain_user.pk]),
        _change(plain_user, groups=[managers.pk], is_staff="on"),
    )

    assert refused.status_code == 200
    assert "groups" in refused.context["adminform"].form.errors
    assert plain_user.groups.count() == 0

    client.force_login(superuser)
    made = client.post(
        reverse("admin:members_user_change", args=[plain_user.pk]),
        _change(plain_user, groups=[managers.pk], is_staff="on"),
    )

    assert made.status_code == 302
    assert list(plain_user.groups.values_list("name", flat=True)) == [PROGRAM_MANAGERS]


@pytest.mark.django_db
def test_a_manager_cannot_change_their_own_groups_or_status(client, manager_user):
    client.force_login(manager_user)

    response = client.post(
        reverse("admin:members_user_change", args=[manager_user.pk]),
        _change(manager_user, first_name="Maria", groups=[], is_staff="", is_active=""),
    )

    assert response.status_code == 302
    manager_user.refresh_from_db()
    assert manager_user.first_name == "Maria"
    assert (manager_user.is_staff, manager_user.is_active) == (True, True)
    assert list(manager_user.groups.values_list("name", flat=True)) == [PROGRAM_MANAGERS]
