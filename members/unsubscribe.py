"""Signed one-click unsubscribe links, one per purpose, that work without logging in."""

from django.core import signing
from django.urls import reverse

PURPOSES = {"reminders": "reminder_emails", "marketing": "marketing_emails"}
_SALT = "members.unsubscribe"


def unsubscribe_token(*, member, purpose: str) -> str:
    if purpose not in PURPOSES:
        raise ValueError(purpose)
    return signing.dumps({"m": member.pk, "p": purpose}, salt=_SALT, compress=True)


def unsubscribe_read(token: str) -> tuple[int, str] | None:
    """(member pk, purpose) of a genuine token, None for a tampered or foreign one."""
    try:
        data = signing.loads(token, salt=_SALT)
    except signing.BadSignature:
        return None
    if (
        not isinstance(data, dict)
        or data.get("p") not in PURPOSES
        or not isinstance(data.get("m"), int)
    ):
        return None
    return data["m"], data["p"]


def unsubscribe_url(*, base_url: str, member, purpose: str) -> str:
    token = unsubscribe_token(member=member, purpose=purpose)
    return base_url.rstrip("/") + reverse("unsubscribe", args=[token])
