"""The member's push subscriptions: what a browser's PushManager gave, checked, then kept.

A subscription is a secret only its browser knows (the endpoint and its keys), so a member who
sends one holds that browser: sending an endpoint kept for another member moves it to the
sender (a shared phone after a log-out and a log-in). Removing one is only ever for the
member's own; another member's endpoint is answered as unknown and left alone.
"""

from dataclasses import dataclass
from urllib.parse import urlsplit

from cryptography.hazmat.primitives.asymmetric import ec
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from loyalty.platform.errors import DomainError
from loyalty.platform.webpush import b64url_decode
from members.models import Member, PushSubscription

ENDPOINT_MAX_LENGTH = PushSubscription._meta.get_field("endpoint").max_length
P256DH_BYTES = 65  # an uncompressed P-256 point
AUTH_BYTES = 16


class PushSubscriptionInvalid(DomainError):
    code = "push_subscription_invalid"
    status = 400
    default_message = _("This is not a push subscription.")


class PushSubscriptionUnknown(DomainError):
    code = "push_subscription_unknown"
    status = 404
    default_message = _("Notifications are not on for this browser.")


@dataclass(frozen=True)
class SubscriptionData:
    endpoint: str
    p256dh: str
    auth: str


def push_endpoint_check(endpoint) -> str:
    """The endpoint as given, or `PushSubscriptionInvalid`: an https address (http only where
    LOYALTY_PUSH_ALLOW_HTTP allows it: the tests' local push service)."""
    if not isinstance(endpoint, str) or not endpoint:
        raise PushSubscriptionInvalid(_("The subscription has no endpoint."))
    if len(endpoint) > ENDPOINT_MAX_LENGTH:
        raise PushSubscriptionInvalid(_("The endpoint is too long."))
    schemes = ["https", "http"] if settings.LOYALTY_PUSH_ALLOW_HTTP else ["https"]
    try:
        URLValidator(schemes=schemes)(endpoint)
    except ValidationError:
        raise PushSubscriptionInvalid(_("The endpoint must be an https address.")) from None
    if urlsplit(endpoint).scheme not in schemes:
        raise PushSubscriptionInvalid(_("The endpoint must be an https address."))
    return endpoint


def push_subscription_parse(data) -> SubscriptionData:
    """Check what PushSubscription.toJSON() gives: {"endpoint", "keys": {"p256dh", "auth"}}."""
    if not isinstance(data, dict):
        raise PushSubscriptionInvalid()
    endpoint = push_endpoint_check(data.get("endpoint"))
    keys = data.get("keys")
    if not isinstance(keys, dict):
        raise PushSubscriptionInvalid(_("The subscription has no keys."))
    p256dh, auth = keys.get("p256dh"), keys.get("auth")
    try:
        point = b64url_decode(p256dh)
        if len(point) != P256DH_BYTES:
            raise ValueError("length")
        ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), point)
    except ValueError:
        raise PushSubscriptionInvalid(
            _("The p256dh key must be a P-256 public key in base64url (65 bytes).")
        ) from None
    try:
        if len(b64url_decode(auth)) != AUTH_BYTES:
            raise ValueError("length")
    except ValueError:
        raise PushSubscriptionInvalid(_("The auth secret must be 16 bytes in base64url.")) from None
    return SubscriptionData(endpoint=endpoint, p256dh=p256dh, auth=auth)


@transaction.atomic
def push_subscription_save(*, member: Member, data) -> tuple[PushSubscription, bool]:
    """Keep the browser's subscription for `member`; (the row, whether it is new).

    The same endpoint again replaces its keys (a browser renews them) and its member.
    """
    parsed = push_subscription_parse(data)
    subscription, created = PushSubscription.objects.update_or_create(
        endpoint=parsed.endpoint,
        defaults={"member": member, "p256dh": parsed.p256dh, "auth": parsed.auth},
    )
    return subscription, created


@transaction.atomic
def push_subscription_delete(*, member: Member, endpoint) -> None:
    """Forget the member's own subscription of `endpoint`; `PushSubscriptionUnknown` for an
    endpoint they have not subscribed (another member's too: the answer tells nothing)."""
    if not isinstance(endpoint, str) or not endpoint:
        raise PushSubscriptionInvalid(_("The subscription has no endpoint."))
    deleted, _rows = PushSubscription.objects.filter(member=member, endpoint=endpoint).delete()
    if not deleted:
        raise PushSubscriptionUnknown()
