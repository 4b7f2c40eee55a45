"""The reader's language: which one a page, an email or a push message is written in.

A page follows, in order: the language a signed-in member chose (kept in their session from the
moment they sign in), the switcher's cookie, the browser's Accept-Language, the site's default
(Django's LocaleMiddleware does the last three). An email or a push message follows the member
it is sent to, whoever or whatever sends it: the worker renders every message in
`language_of(member)`, never in the language of whoever happens to be running the code.
"""

from collections.abc import Iterator
from contextlib import contextmanager

from django.conf import settings
from django.db import DatabaseError
from django.utils import translation

# The session key of a signed-in member's chosen language (members/languages.py writes it).
SESSION_KEY = "loyalty_language"


def language_codes() -> list[str]:
    return [code for code, _name in settings.LANGUAGES]


def language_of(member) -> str:
    """The language to write to `member` in: their choice, else the site's default."""
    chosen = getattr(member, "language", "") if member is not None else ""
    return chosen if chosen in language_codes() else settings.LANGUAGE_CODE


@contextmanager
def in_language_of(member) -> Iterator[str]:
    """Render what is inside in `member`'s language (`None`: the language already active)."""
    if member is None:
        yield translation.get_language()
        return
    language = language_of(member)
    with translation.override(language):
        yield language


def language_cookie_set(response, language: str) -> None:
    """Remember `language` in this browser, as Django's own `set_language` view does."""
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )


def language_remember(request, response, language: str) -> None:
    """From this response on, `request`'s reader reads `language`: the messages added after
    this call, this browser (a cookie) and, signed in, their session. A member who never chose
    one (`""`) keeps reading the browser's."""
    if language not in language_codes():
        return
    translation.activate(language)
    language_cookie_set(response, language)
    if request.user.is_authenticated:
        request.session[SESSION_KEY] = language


class ChosenLanguageMiddleware:
    """After LocaleMiddleware: a signed-in member's chosen language wins over the cookie and the
    browser, on every device they sign in on."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        session = getattr(request, "session", None)
        try:
            chosen = session.get(SESSION_KEY) if session is not None else None
        except DatabaseError:
            # Sessions out of reach: the browser's language here; the view, which needs the
            # database too, answers with the 503 page (loyalty/platform/middleware.py).
            chosen = None
        if chosen in language_codes() and chosen != translation.get_language():
            translation.activate(chosen)
            request.LANGUAGE_CODE = chosen
        return self.get_response(request)


def in_every_language(*fields: str) -> list[str]:
    """The columns of `fields` in each language (django-modeltranslation's <field>_<language>),
    for admin searches that find a reward by any of its names."""
    return [f"{field}_{code.replace('-', '_')}" for field in fields for code in language_codes()]
