"""The invitation a browser carries from a referral link to the sign-up form: a signed cookie."""

from django.http import HttpRequest, HttpResponse

from referrals.services import referral_settings_get

COOKIE = "loyalty_referral"
COOKIE_SALT = "referrals.invitation"


def _max_age() -> int:
    return referral_settings_get().cookie_days * 24 * 3600


def invitation_code(request: HttpRequest) -> str:
    """The code of the invitation link this browser opened, if it is still fresh."""
    return request.get_signed_cookie(COOKIE, default="", salt=COOKIE_SALT, max_age=_max_age())


def invitation_remember(request: HttpRequest, response: HttpResponse, *, code: str) -> None:
    """Keep `code` in this browser for the program's cookie days."""
    response.set_signed_cookie(
        COOKIE,
        code,
        salt=COOKIE_SALT,
        max_age=_max_age(),
        httponly=True,
        samesite="Lax",
        secure=request.is_secure(),
    )
