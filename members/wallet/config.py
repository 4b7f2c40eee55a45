"""The wallet's keys and identifiers, read from settings (environment variables).

A certificate or key setting holds either the PEM itself or the path of a file with it; the
Google service account likewise holds its JSON or the path of the file. A wallet whose settings
are incomplete or unreadable is "not configured": the card page does not offer it and its
addresses answer 404. Unreadable keys are logged, never a 500.
"""

import json
import logging
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey
from cryptography.hazmat.primitives.serialization import load_pem_private_key
from django.conf import settings

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class AppleConfig:
    pass_type_identifier: str
    team_identifier: str
    certificate: x509.Certificate
    private_key: object  # an RSA or EC private key
    wwdr_certificate: x509.Certificate
    web_service_url: str


@dataclass(frozen=True)
class GoogleConfig:
    issuer_id: str
    client_email: str
    private_key_id: str
    private_key: RSAPrivateKey


def _text(value: str) -> bytes:
    """The PEM (or JSON) itself, or what the file at that path holds."""
    if value.lstrip().startswith(("-----BEGIN", "{")):
        return value.encode()
    return Path(value).read_bytes()


@lru_cache(maxsize=4)
def _apple(
    pass_type: str, team: str, certificate: str, key: str, password: str, wwdr: str, url: str
) -> AppleConfig | None:
    if not all([pass_type, team, certificate, key, wwdr]):
        return None
    try:
        return AppleConfig(
            pass_type_identifier=pass_type,
            team_identifier=team,
            certificate=x509.load_pem_x509_certificate(_text(certificate)),
            private_key=load_pem_private_key(_text(key), password=password.encode() or None),
            wwdr_certificate=x509.load_pem_x509_certificate(_text(wwdr)),
            web_service_url=url,
        )
    except (OSError, ValueError, TypeError) as error:
        logger.error(
            "Apple Wallet is not configured: its certificate or key is unreadable (%s)", error
        )
        return None


def apple_config() -> AppleConfig | None:
    """The Apple Wallet settings, or None when passes cannot be signed."""
    return _apple(
        settings.LOYALTY_WALLET_APPLE_PASS_TYPE_ID,
        settings.LOYALTY_WALLET_APPLE_TEAM_ID,
        settings.LOYALTY_WALLET_APPLE_CERTIFICATE,
        settings.LOYALTY_WALLET_APPLE_KEY,
        settings.LOYALTY_WALLET_APPLE_KEY_PASSWORD,
        settings.LOYALTY_WALLET_APPLE_WWDR_CERTIFICATE,
        settings.LOYALTY_WALLET_WEB_SERVICE_URL.rstrip("/"),
    )


@lru_cache(maxsize=4)
def _google(issuer_id: str, service_account: str) -> GoogleConfig | None:
    if not issuer_id or not service_account:
        return None
    try:
        account = json.loads(_text(service_account))
        key = load_pem_private_key(account["private_key"].encode(), password=None)
        if not isinstance(key, RSAPrivateKey):
            raise TypeError("the service account's key is not an RSA key")
        return GoogleConfig(
            issuer_id=issuer_id,
            client_email=account["client_email"],
            private_key_id=account.get("private_key_id", ""),
            private_key=key,
        )
    except (OSError, ValueError, TypeError, KeyError) as error:
        logger.error(
            "Google Wallet is not configured: the service account is unreadable (%s)", error
        )
        return None


def google_config() -> GoogleConfig | None:
    """The Google Wallet settings, or None when no link can be signed."""
    return _google(
        settings.LOYALTY_WALLET_GOOGLE_ISSUER_ID, settings.LOYALTY_WALLET_GOOGLE_SERVICE_ACCOUNT
    )
