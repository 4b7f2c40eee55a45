"""Google Wallet: the loyalty class (the program) and a member's loyalty object, and the
"Save to Google Wallet" link, a JWT signed RS256 with the service account's key.

The JWT is signed with `cryptography` (the project's dependency already): RS256 is
RSASSA-PKCS1-v1_5 over SHA-256 of `base64url(header).base64url(claims)`.
"""

import base64
import json
import time

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding
from django.utils.translation import gettext as _

from loyalty.management.commands.app_icons import BRAND
from members.identifiers import card_number_format
from members.wallet.apple import CardFigures
from members.wallet.config import GoogleConfig

SAVE_URL = "https://pay.google.com/gp/v/save/"
CLASS_SUFFIX = "member-card"


def class_id(config: GoogleConfig) -> str:
    return f"{config.issuer_id}.{CLASS_SUFFIX}"


def object_id(config: GoogleConfig, serial_number: str) -> str:
    """Stable per member: the pass row's serial number, which never changes."""
    return f"{config.issuer_id}.{serial_number}"


def loyalty_class(*, config: GoogleConfig, program_name: str, logo_url: str) -> dict:
    return {
        "id": class_id(config),
        "issuerName": program_name,
        "programName": program_name,
        "programLogo": {"sourceUri": {"uri": logo_url}},
        "hexBackgroundColor": BRAND,
        "reviewStatus": "UNDER_REVIEW",
    }


def loyalty_object(*, config: GoogleConfig, serial_number: str, figures: CardFigures) -> dict:
    return {
        "id": object_id(config, serial_number),
        "classId": class_id(config),
        "state": "ACTIVE",
        "accountId": figures.card_number,
        "accountName": figures.member_name,
        "barcode": {
            "type": "QR_CODE",
            "value": figures.card_number,
            "alternateText": card_number_format(figures.card_number),
        },
        "loyaltyPoints": {"label": _("Points"), "balance": {"int": figures.balance}},
        "textModulesData": [{"id": "tier", "header": _("Tier"), "body": figures.tier_name}],
        "hexBackgroundColor": BRAND,
    }


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def jwt_sign(*, config: GoogleConfig, claims: dict) -> str:
    header = {"alg": "RS256", "typ": "JWT"}
    if config.private_key_id:
        header["kid"] = config.private_key_id
    signing_input = (
        f"{_b64(json.dumps(header, separators=(',', ':')).encode())}."
        f"{_b64(json.dumps(claims, separators=(',', ':')).encode())}"
    )
    signed = config.private_key.sign(signing_input.encode(), padding.PKCS1v15(), hashes.SHA256())
    return f"{signing_input}.{_b64(signed)}"


def save_url(
    *,
    config: GoogleConfig,
    serial_number: str,
    figures: CardFigures,
    logo_url: str,
    origin: str,
    now: float | None = None,
) -> str:
    """The link that saves the member's card: the class and the object, signed."""
    claims = {
        "iss": config.client_email,
        "aud": "google",
        "typ": "savetowallet",
        "iat": int(time.time() if now is None else now),
        "origins": [origin],
        "payload": {
            "loyaltyClasses": [
                loyalty_class(config=config, program_name=figures.program_name, logo_url=logo_url)
            ],
            "loyaltyObjects": [
                loyalty_object(config=config, serial_number=serial_number, figures=figures)
            ],
        },
    }
    return SAVE_URL + jwt_sign(config=config, claims=claims)
