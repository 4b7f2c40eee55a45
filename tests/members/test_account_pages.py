"""allauth's pages in the site's voice: its words ("Log in", "Log out", "Join", "two-factor
sign-in"), sentence case, a checkbox beside its label without a colon, and one filled button
per form (a destructive action is never the main button)."""

import re
from urllib.parse import quote

import pytest
from allauth.account.models import EmailAddress
from django.test import Client
from django.urls import reverse

from tests.factories import PASSWORD
from tests.two_factor import totp_give

ALLAUTH_TITLE_CASE = (
    "Sign In",
    "Sign Out",
    "Sign Up",
    "Remember Me",
    "Email Address",
    "Password Reset",
    "Change Password",
    "Confirm Access",
    "Two-Factor",
    "Authenticator App",
    "Recovery Codes",
)


def _main(response) -> str:
    page = response.content.decode()
    return page[page.index("<main") : page.index("</main>")]


def _title(response) -> str:
    return re.search(r"<title>([^<]*)</title>", response.content.decode()).group(1)


def _headings(response) -> list[str]:
    return [
        re.sub(r"\s+", " ", text).strip()
        for text in re.findall(r"<h1>(.*?)</h1>", _main(response), re.S)
    ]


def _buttons(response) -> list[tuple[str, str]]:
    """(class, text) of each button in the main part of the page."""
    return [
        (css, re.sub(r"\s+", " ", text).strip())
        for css, text in re.findall(
            r'<button class="([^"]+)"[^>]*>(.*?)</button>', _main(response), re.S
        )
    ]


@pytest.mark.django_db
def test_the_log_in_page_says_log_in_and_keeps_the_checkbox_beside_its_label():
    response = Client().get(reverse("account_login"))

    main = _main(response)
    assert response.status_code == 200
    assert _title(response) == "Log in · Loyalty"
    assert _headings(response) == ["Log in"]
    assert _buttons(response) == [("button", "Log in")]
    assert (
        '<input type="checkbox" name="remember" id="id_remember"> '
        '<label for="id_remember">Keep me logged in</label>'
    ) in main
    assert 'href="/accounts/signup/">Join Loyalty</a>' in main
    assert "placeholder=" not in main
    assert [words for words in ALLAUTH_TITLE_CASE if words in main] == []


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("url", "title", "heading"),
    [
        ("/accounts/password/reset/", "Reset your password · Loyalty", "Reset your password"),
        ("/accounts/password/reset/done/", "Check your email · Loyalty", "Check your email"),
        (
            "/accounts/password/reset/key/1-set-password/",
            "This link no longer works · Loyalty",
            "This link no longer works",
        ),
        (
            "/accounts/confirm-email/no-such-key/",
            "Confirm your email address · Loyalty",
            "Confirm your email address",
        ),
    ],
)
def test_the_pages_before_log_in_speak_in_sentence_case(url, title, heading):
    response = Client().get(url, follow=True)

    assert response.status_code == 200
    assert (_title(response), _headings(response)) == (title, [heading])
    assert [words for words in ALLAUTH_TITLE_CASE if words in _main(response)] == []


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("url", "heading", "buttons"),
    [
        ("/accounts/logout/", "Log out", [("button", "Log out")]),
        ("/accounts/password/change/", "Change password", [("button", "Change password")]),
        ("/accounts/email/", "Email addresses", [("button", "Add email address")]),
    ],
)
def test_a_members_account_pages_speak_in_sentence_case(client, customer, url, heading, buttons):
    client.force_login(customer.user)

    response = client.get(url)

    main = _main(response)
    assert response.status_code == 200
    assert (_headings(response), _buttons(response)) == ([heading], buttons)
    assert [words for words in ALLAUTH_TITLE_CASE if words in main] == []


@pytest.mark.django_db
def test_the_change_password_labels_are_in_sentence_case(client, customer):
    client.force_login(customer.user)

    response = client.get("/accounts/password/change/")

    form = response.context["form"]
    assert [field.label for field in form] == [
        "Current password",
        "New password",
        "New password (again)",
    ]
    assert "placeholder=" not in _main(response)


@pytest.mark.django_db
def test_with_two_addresses_remove_is_outlined_in_red_never_the_main_button(client, customer):
    EmailAddress.objects.create(user=customer.user, email="alice.work@example.com")
    client.force_login(customer.user)

    response = client.get("/accounts/email/")

    assert _buttons(response) == [
        ("button", "Make primary"),
        ("button button--secondary", "Resend confirmation"),
        ("button button--danger", "Remove"),
        ("button", "Add email address"),
    ]
    main = _main(response)
    assert '<span class="badge badge--ok">Confirmed</span>' in main
    assert '<span class="badge badge--muted">Not confirmed</span>' in main


@pytest.mark.django_db
def test_logging_out_says_logged_out(client, customer):
    client.force_login(customer.user)

    response = client.post("/accounts/logout/", follow=True)

    assert [str(message) for message in response.context["messages"]] == ["You are logged out."]
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_logging_in_says_logged_in(customer):
    client = Client()

    response = client.post(
        "/accounts/login/",
        {"login": "alice@example.com", "password": PASSWORD},
        follow=True,
    )

    assert [str(message) for message in response.context["messages"]] == ["You are logged in."]


def _after_reauthenticating(client, url: str):
    """The page at `url`, through allauth's "Confirm it's you" page (its password step)."""
    asked = client.get(url, follow=True)
    assert asked.redirect_chain == [(f"/accounts/reauthenticate/?next={quote(url, safe='')}", 302)]
    assert (_title(asked), _headings(asked)) == ("Confirm it's you · Loyalty", ["Confirm it's you"])
    assert _buttons(asked)[0] == ("button", "Confirm")
    assert [words for words in ALLAUTH_TITLE_CASE if words in _main(asked)] == []
    response = client.post(asked.redirect_chain[0][0], {"password": PASSWORD}, follow=True)
    assert response.redirect_chain == [(url, 302)]
    return response


@pytest.mark.django_db
def test_a_managers_two_factor_pages_say_two_factor_sign_in(client, manager_user):
    client.force_login(manager_user)

    index = client.get("/accounts/2fa/")
    deactivate = _after_reauthenticating(client, "/accounts/2fa/totp/deactivate/")

    assert _title(index) == "Two-factor sign-in · Loyalty"
    assert _headings(index) == ["Two-factor sign-in"]
    assert re.findall(r'<h2 class="panel__label">(.*?)</h2>', _main(index)) == [
        "Authenticator app",
        "Recovery codes",
    ]
    assert _headings(deactivate) == ["Turn off the authenticator app"]
    assert _buttons(deactivate) == [("button button--danger", "Turn off")]
    for response in (index, deactivate):
        assert [words for words in ALLAUTH_TITLE_CASE if words in _main(response)] == []


@pytest.mark.django_db
def test_turning_on_an_authenticator_app_speaks_in_sentence_case(client, staff_user):
    client.force_login(staff_user, second_step=False)

    response = _after_reauthenticating(client, "/accounts/2fa/totp/activate/")

    assert _headings(response) == ["Turn on an authenticator app"]
    assert _buttons(response) == [("button", "Turn on")]
    assert [field.label for field in response.context["form"]] == ["Authenticator code"]


@pytest.mark.django_db
def test_the_second_step_of_logging_in_says_log_in(manager_user):
    totp_give(manager_user)
    client = Client()

    response = client.post(
        "/accounts/login/", {"login": manager_user.email, "password": PASSWORD}, follow=True
    )

    assert response.redirect_chain == [("/accounts/2fa/authenticate/", 302)]
    assert _title(response) == "Log in · Loyalty"
    assert _headings(response) == ["Two-factor sign-in"]
    assert _buttons(response) == [("button", "Log in"), ("button button--secondary", "Cancel")]
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_the_join_page_has_labels_and_no_placeholders():
    response = Client().get(reverse("account_signup"))

    assert [field.label for field in response.context["form"]] == [
        "First name",
        "Last name",
        "Email",
        "Password",
        "Password (again)",
        "Referral code (optional)",
    ]
    assert "placeholder=" not in _main(response)


@pytest.mark.django_db
def test_the_emails_allauth_sends_have_sentence_case_subjects(customer, mailoutbox):
    client = Client()

    client.post(reverse("account_reset_password"), {"email": "alice@example.com"})
    client.post(
        reverse("account_signup"),
        {
            "first_name": "Nora",
            "email": "nora@example.com",
            "password1": "a-long-pass-1",
            "password2": "a-long-pass-1",
        },
    )

    assert [(message.to, message.subject) for message in mailoutbox] == [
        (["alice@example.com"], "Reset your password"),
        (["nora@example.com"], "Confirm your email address"),
    ]
