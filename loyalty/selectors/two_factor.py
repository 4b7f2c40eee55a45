"""Two-factor sign-in: whom it is asked of, and what this session still owes before the admin,
the staff desk or the back office open (`TwoFactorRequiredMiddleware` asks it).

The second step itself is allauth's (`allauth.mfa`): at sign-in it asks for a code when the user
has an authenticator app, and it records each step passed in the session's authentication
records, which this module reads.
"""

import enum

from allauth.account.authentication import get_authentication_records
from allauth.mfa.models import Authenticator
from allauth.mfa.utils import is_mfa_enabled
from django.conf import settings

from loyalty.services.program import program_settings_get
from members.roles import PROGRAM_MANAGERS, STAFF_DESK_PERMISSION


class TwoFactorDue(enum.Enum):
    """What a user who must sign in with two factors still has to do in this session."""

    SET_UP = "set_up"  # no authenticator app yet
    CODE = "code"  # an app, but no code from it in this session


def two_factor_required(user) -> bool:
    """Program managers, superusers, anyone who may open the admin and, when the program
    setting says so, store staff. Nobody while LOYALTY_MFA_REQUIRED is off (the demo)."""
    if not settings.LOYALTY_MFA_REQUIRED or not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser or user.is_staff or user.groups.filter(name=PROGRAM_MANAGERS).exists():
        return True
    return user.has_perm(STAFF_DESK_PERMISSION) and program_settings_get().staff_two_factor_required


def two_factor_passed(request) -> bool:
    """The signed-in user gave a code (or a recovery code) in this session: at sign-in, on the
    "enter a code" page, or when turning their authenticator app on."""
    return any(
        record.get("method") == "mfa"
        for record in get_authentication_records(request, request.user)
    )


def two_factor_due(request) -> TwoFactorDue | None:
    """What the signed-in user owes before a guarded page opens; None when nothing."""
    user = request.user
    if not two_factor_required(user):
        return None
    if not is_mfa_enabled(user, [Authenticator.Type.TOTP]):
        return TwoFactorDue.SET_UP
    if not two_factor_passed(request):
        return TwoFactorDue.CODE
    return None
