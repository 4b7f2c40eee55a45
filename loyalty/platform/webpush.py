"""Web push's configuration: the VAPID key pair from the environment, and a new pair.

Not the domain: which messages go where is `loyalty/services/push.py`; the member's
subscriptions are `members/push.py`. With no key pair configured there is no push at all.
"""

import base64
from email.utils import parseaddr

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from django.conf import settings


def b64url_encode(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64url_decode(text: str) -> bytes:
    """Strict base64url without padding (what PushManager gives); ValueError otherwise."""
    if not isinstance(text, str) or not text or "=" in text:
        raise ValueError("not base64url")
    try:
        return base64.b64decode(text + "=" * (-len(text) % 4), altchars=b"-_", validate=True)
    except (ValueError, TypeError) as error:
        raise ValueError("not base64url") from error


def push_configured() -> bool:
    """Both VAPID keys are set: the profile offers notifications and the worker sends them."""
    return bool(settings.LOYALTY_VAPID_PUBLIC_KEY and settings.LOYALTY_VAPID_PRIVATE_KEY)


def vapid_public_key() -> str:
    """The applicationServerKey the browser subscribes with (base64url, 65 bytes raw)."""
    return settings.LOYALTY_VAPID_PUBLIC_KEY


def vapid_subject() -> str:
    """The `sub` claim: LOYALTY_VAPID_SUBJECT, or mailto: the sender of the site's emails."""
    if settings.LOYALTY_VAPID_SUBJECT:
        return settings.LOYALTY_VAPID_SUBJECT
    return "mailto:" + parseaddr(settings.DEFAULT_FROM_EMAIL)[1]


def vapid_key_pair_new() -> tuple[str, str]:
    """A new P-256 key pair as (public, private): the uncompressed public point and the raw
    private number, both base64url, the forms LOYALTY_VAPID_PUBLIC_KEY / _PRIVATE_KEY take."""
    private_key = ec.generate_private_key(ec.SECP256R1())
    public = private_key.public_key().public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )
    private = private_key.private_numbers().private_value.to_bytes(32, "big")
    return b64url_encode(public), b64url_encode(private)
