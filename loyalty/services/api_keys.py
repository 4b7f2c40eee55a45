"""API keys: creation, revocation and lookup. Only a SHA-256 hash of a key is ever stored.

A key reads `<prefix>.<secret>`: the prefix (8 characters) finds the row, the hash of the whole
key proves it. Keys carry 256 random bits, so a fast hash is enough: there is nothing to guess.
"""

import datetime
import hashlib
import hmac
import secrets
import string

from django.db import IntegrityError, transaction
from django.utils import timezone

from loyalty.models import ApiKey, Store

PREFIX_LENGTH = 8
_PREFIX_ALPHABET = string.ascii_lowercase + string.digits
# Writing `last_used_at` on every call would turn every read into a write.
LAST_USED_RESOLUTION = datetime.timedelta(minutes=1)


def api_key_hash(raw_key: str) -> str:
    return hashlib.sha256(raw_key.encode()).hexdigest()


def _new_prefix() -> str:
    return "".join(secrets.choice(_PREFIX_ALPHABET) for _ in range(PREFIX_LENGTH))


def api_key_create(*, store: Store, name: str, actor=None) -> tuple[ApiKey, str]:
    """A new key for `store`; returns the row and the key itself, which is never shown again."""
    for _attempt in range(5):
        prefix = _new_prefix()
        raw_key = f"{prefix}.{secrets.token_urlsafe(32)}"
        try:
            with transaction.atomic():
                api_key = ApiKey.objects.create(
                    name=name.strip()[:80],
                    store=store,
                    prefix=prefix,
                    hashed_key=api_key_hash(raw_key),
                    created_by=actor,
                )
        except IntegrityError:
            continue  # the prefix is taken: draw another
        return api_key, raw_key
    raise RuntimeError("No free API key prefix found.")


def api_key_revoke(*, api_key: ApiKey, now: datetime.datetime | None = None) -> bool:
    """Revoke the key from now on; False when it already was."""
    now = now or timezone.now()
    revoked = ApiKey.objects.filter(pk=api_key.pk, revoked_at__isnull=True).update(revoked_at=now)
    api_key.refresh_from_db(fields=["revoked_at"])
    return bool(revoked)


def api_key_find(*, raw_key: str) -> ApiKey | None:
    """The key `raw_key` proves, active or revoked; None when it proves none."""
    prefix, separator, secret = (raw_key or "").partition(".")
    if not separator or len(prefix) != PREFIX_LENGTH or not secret or len(raw_key) > 200:
        return None
    api_key = ApiKey.objects.select_related("store").filter(prefix=prefix).first()
    if api_key is None:
        return None
    if not hmac.compare_digest(api_key.hashed_key, api_key_hash(raw_key)):
        return None
    return api_key


def api_key_touch(*, api_key: ApiKey, now: datetime.datetime | None = None) -> None:
    """Record that the key was used, at most once a minute."""
    now = now or timezone.now()
    if api_key.last_used_at is not None and now - api_key.last_used_at < LAST_USED_RESOLUTION:
        return
    ApiKey.objects.filter(pk=api_key.pk).update(last_used_at=now)
    api_key.last_used_at = now
