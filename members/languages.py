"""A member's language: saved on their profile, carried into their session when they sign in."""

from django.contrib.auth.signals import user_logged_in

from loyalty.platform.languages import SESSION_KEY, language_codes
from members.models import Member


def member_language_set(*, member: Member, language: str) -> None:
    """Save `language` (one of settings.LANGUAGES) as the one `member` reads and is written in."""
    if language not in language_codes():
        raise ValueError(f"not a language of the site: {language!r}")
    if member.language != language:
        member.language = language
        member.save(update_fields=["language"])


def language_restore_on_login(sender, request, user, **kwargs) -> None:
    """Signed in on any device, a member reads the language they chose, not the device's."""
    member = Member.objects.filter(user=user).only("language").first()
    if member is not None and member.language in language_codes():
        request.session[SESSION_KEY] = member.language


def language_receivers_connect() -> None:
    """Called once from MembersConfig.ready()."""
    user_logged_in.connect(
        language_restore_on_login, dispatch_uid="members.languages.language_restore_on_login"
    )
