"""Two-factor sign-in before the admin, the staff desk and the back office (#16): managers and
superusers always, store staff when the program setting says so, members never; the API's keys
are not sessions and are not asked."""

import re

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse

from loyalty.services import program_settings_get
from loyalty.services.api_keys import api_key_create
from members.models import User
from tests.api.conftest import KeyClient
from tests.factories import PASSWORD
from tests.two_factor import totp_code, totp_give

GUARDED = ["/admin/", "/manage/reports/", "/manage/activity/", "/staff/"]
SET_UP = reverse("mfa_activate_totp")
CODE = reverse("mfa_reauthenticate")


def _messages(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def _staff_need_two_factor(value: bool) -> None:
    program = program_settings_get()
    program.staff_two_factor_required = value
    program.save()


def _sign_in_with_password(client: Client, email: str) -> object:
    return client.post(reverse("account_login"), {"login": email, "password": PASSWORD})


# --- held before the guarded pages ---------------------------------------------------------


@pytest.mark.parametrize("path", GUARDED)
def test_a_manager_without_an_app_is_sent_to_turn_one_on(client, manager_user, path):
    client.force_login(manager_user, second_step=False)

    response = client.get(path)

    assert response.status_code == 302
    assert response["Location"] == SET_UP
    assert _messages(response) == [
        "Your role needs two-factor sign-in before this page opens: turn on an authenticator "
        "app, then keep its recovery codes somewhere safe."
    ]


@pytest.mark.parametrize("path", GUARDED)
def test_a_manager_with_an_app_but_no_code_in_this_session_is_asked_for_one(
    client, manager_user, path
):
    totp_give(manager_user)
    client.force_login(manager_user, second_step=False)

    response = client.get(path + "?page=2")

    assert response.status_code == 302
    assert response["Location"] == CODE + "?next=" + path.replace("/", "%2F") + "%3Fpage%3D2"
    assert _messages(response) == [
        "Your role needs two-factor sign-in: enter a code from your app to go on."
    ]


def test_a_post_to_a_guarded_page_without_the_second_step_changes_nothing(
    client, manager_user, customer
):
    totp_give(manager_user)
    client.force_login(manager_user, second_step=False)
    account = customer.points_account

    response = client.post(
        reverse("staff_points:adjust", args=[customer.card_number]),
        {"points": "500", "reason": "goodwill"},
    )

    assert response.status_code == 302
    assert response["Location"].startswith(CODE)
    account.refresh_from_db()
    assert (account.balance, account.entries.count()) == (0, 0)


def test_a_superuser_outside_the_groups_is_held_too(client, db):
    root = User.objects.create_superuser(email="root@example.com", password=PASSWORD)
    client.force_login(root, second_step=False)

    assert client.get("/admin/")["Location"] == SET_UP


# --- passing the second step ---------------------------------------------------------------


def test_a_manager_signs_in_with_password_and_code_and_the_admin_opens(client, manager_user):
    secret = totp_give(manager_user)

    response = _sign_in_with_password(client, manager_user.email)
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_authenticate")
    # Half-way the user is not signed in: the admin sends them to its log-in page.
    assert client.get("/admin/")["Location"].startswith(reverse("admin:login"))

    response = client.post(reverse("mfa_authenticate"), {"code": totp_code(secret)})

    assert response.status_code == 302
    assert client.get("/admin/").status_code == 200
    assert client.get("/manage/reports/").status_code == 200
    assert client.get("/staff/").status_code == 200


def test_a_wrong_code_opens_nothing(client, manager_user):
    secret = totp_give(manager_user)
    _sign_in_with_password(client, manager_user.email)
    wrong = f"{(int(totp_code(secret)) + 1) % 1_000_000:06d}"

    response = client.post(reverse("mfa_authenticate"), {"code": wrong})

    assert response.status_code == 200
    assert "Incorrect code." in response.content.decode()
    assert client.get("/admin/")["Location"].startswith(reverse("admin:login"))


def test_the_admins_own_log_in_does_not_skip_the_second_step(client, manager_user):
    secret = totp_give(manager_user)

    response = client.post(
        reverse("admin:login"),
        {"username": manager_user.email, "password": PASSWORD, "next": "/admin/"},
    )
    assert response.status_code == 302

    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"] == CODE + "?next=%2Fadmin%2F"

    response = client.post(CODE + "?next=%2Fadmin%2F", {"code": totp_code(secret)})

    assert response.status_code == 302
    assert response["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200


def test_a_recovery_code_passes_the_second_step_once(client, manager_user):
    totp_give(manager_user)
    codes = RecoveryCodes.activate(manager_user).get_unused_codes()
    client.force_login(manager_user, second_step=False)

    response = client.post(CODE + "?next=%2Fmanage%2Freports%2F", {"code": codes[0]})

    assert response["Location"] == "/manage/reports/"
    assert client.get("/manage/reports/").status_code == 200
    other = Client()
    other.force_login(manager_user)
    assert other.post(CODE, {"code": codes[0]}).status_code == 200  # refused: the form again
    assert other.get("/manage/reports/").status_code == 302


def test_turning_the_app_on_counts_as_the_second_step(client, manager_user):
    _sign_in_with_password(client, manager_user.email)
    assert client.get("/manage/reports/")["Location"] == SET_UP

    # allauth asks for the password again before an app is turned on.
    response = client.get(SET_UP)
    assert response["Location"] == reverse("account_reauthenticate") + "?next=" + SET_UP.replace(
        "/", "%2F"
    )
    client.post(response["Location"], {"password": PASSWORD})
    page = client.get(SET_UP)
    assert page.status_code == 200
    secret = re.search(
        r'id="authenticator_secret"[^>]*value="([A-Z2-7]+)"|value="([A-Z2-7]+)"[^>]*'
        r'id="authenticator_secret"',
        page.content.decode(),
    )
    secret = secret.group(1) or secret.group(2)
    response = client.post(SET_UP, {"code": totp_code(secret)})

    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_view_recovery_codes")
    assert client.get("/manage/reports/").status_code == 200


# --- who is asked --------------------------------------------------------------------------


def test_store_staff_are_not_asked_while_the_program_setting_is_off(client, staff_user):
    client.force_login(staff_user, second_step=False)

    assert program_settings_get().staff_two_factor_required is False
    assert client.get("/staff/").status_code == 200


def test_store_staff_are_held_when_the_program_setting_is_on(client, staff_user):
    _staff_need_two_factor(True)
    client.force_login(staff_user, second_step=False)

    assert client.get("/staff/")["Location"] == SET_UP

    totp_give(staff_user)
    assert client.get("/staff/")["Location"] == CODE + "?next=%2Fstaff%2F"


def test_members_are_never_asked(client, customer):
    _staff_need_two_factor(True)
    client.force_login(customer.user)

    assert client.get(reverse("members:dashboard")).status_code == 200
    # The desk refuses them as before, without sending them to turn an app on.
    assert client.get("/staff/").status_code == 403


def test_with_the_requirement_off_nobody_is_asked(client, manager_user, settings):
    settings.LOYALTY_MFA_REQUIRED = False
    client.force_login(manager_user, second_step=False)

    assert client.get("/admin/").status_code == 200
    assert client.get("/manage/reports/").status_code == 200


def test_the_api_with_a_key_is_not_asked(manager_user, store, customer):
    _staff_need_two_factor(True)
    _api_key, raw_key = api_key_create(store=store, name="Till 1")

    response = KeyClient(raw_key).get(reverse("api:member-detail", args=[customer.card_number]))

    assert response.status_code == 200
    assert response.json()["card_number"] == customer.card_number


BAD_CODES = ["", "abc", "1" * 5000, "\x00\x01", "\uff11\uff12\uff13\uff14\uff15\uff16", "-1"]


@pytest.mark.parametrize("code", BAD_CODES)
def test_turning_the_app_on_with_a_bad_code_turns_nothing_on(client, manager_user, code):
    _sign_in_with_password(client, manager_user.email)
    client.post(reverse("account_reauthenticate") + "?next=" + SET_UP, {"password": PASSWORD})

    response = client.post(SET_UP, {"code": code})

    assert response.status_code == 200
    assert Authenticator.objects.filter(user=manager_user).count() == 0
    assert client.get("/manage/reports/")["Location"] == SET_UP
