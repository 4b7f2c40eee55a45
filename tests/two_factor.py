"""Two-factor sign-in in tests: an authenticator app for a user, its current code, and a client
signed in with both steps, as a person who typed their password and then a code is.

`TwoStepClient.force_login` is the suite's `client` (tests/conftest.py): for a user whom
two-factor sign-in is asked of (managers, superusers, staff when the program says so), it
also gives them an authenticator app if they have none and records this session's second
step, exactly as allauth records it after a code. Tests of the second step itself sign in
with `force_login(user, second_step=False)`, or with a plain `django.test.Client`.
"""

import time

from allauth.account.internal.flows.login import record_authentication
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import (
    TOTP,
    format_hotp_value,
    generate_totp_secret,
    hotp_value,
)
from allauth.mfa.utils import decrypt
from django.http import HttpRequest
from django.test import Client

from members.models import User
from members.roles import PROGRAM_MANAGERS, STORE_STAFF


def totp_give(user: User, secret: str | None = None) -> str:
    """The user's authenticator app and recovery codes, as turning the app on gives them (made
    now unless they have an app); the app's secret."""
    existing = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).first()
    if existing is not None:
        return decrypt(existing.data["secret"])
    secret = secret or generate_totp_secret()
    TOTP.activate(user, secret)
    RecoveryCodes.activate(user)
    return secret


def totp_code(secret: str, *, at: float | None = None) -> str:
    """The code an authenticator app with `secret` shows now (or at the Unix time `at`)."""
    counter = int(time.time() if at is None else at) // 30
    return format_hotp_value(hotp_value(secret, counter))


def works_for_the_program(user: User) -> bool:
    """Anyone two-factor sign-in may be asked of, whatever the program setting is right now."""
    return (
        user.is_superuser
        or user.is_staff
        or user.groups.filter(name__in=[PROGRAM_MANAGERS, STORE_STAFF]).exists()
    )


def second_step_pass(client: Client, user: User) -> None:
    """Record in the client's session that `user` gave a code from their app, as allauth's
    sign-in does after the code (`record_authentication`, method "mfa")."""
    totp_give(user)
    authenticator = Authenticator.objects.get(user=user, type=Authenticator.Type.TOTP)
    request = HttpRequest()
    request.session = client.session
    request.user = user
    record_authentication(request, user, "mfa", id=authenticator.pk, type=authenticator.type)
    request.session.save()


class TwoStepClient(Client):
    def force_login(self, user, backend=None, *, second_step: bool = True):
        super().force_login(user, backend)
        if second_step and works_for_the_program(user):
            second_step_pass(self, user)
