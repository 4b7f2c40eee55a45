"""An Apple Wallet store card: `pass.json`, its images, `manifest.json` and the signature.

Apple's format: a zip whose `manifest.json` maps each other file to its SHA-1 hash, and whose
`signature` is a detached PKCS#7 (CMS) signature of the manifest made with the pass type's
certificate, carrying Apple's WWDR intermediate certificate. Signed with `cryptography`.
"""

import hashlib
import io
import json
import zipfile
from dataclasses import dataclass
from functools import lru_cache

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.serialization import pkcs7
from django.conf import settings
from django.utils.translation import gettext as _
from PIL import Image

from loyalty.management.commands.app_icons import BRAND, STAR
from members.identifiers import card_number_format
from members.wallet.config import AppleConfig

CONTENT_TYPE = "application/vnd.apple.pkpass"
# The icon the installed app uses, drawn by `manage.py app_icons` (no network).
SOURCE_ICON = "img/app-icon-512.png"
# Apple's sizes in points, each at 1x, 2x and 3x: icon 29x29; a square logo of 50x50.
IMAGES = {"icon": 29, "logo": 50}


@dataclass(frozen=True)
class CardFigures:
    """What a wallet card shows; the same for Apple and Google."""

    program_name: str
    member_name: str
    card_number: str
    balance: int
    tier_name: str


def _rgb(hex_colour: str) -> str:
    red, green, blue = (int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgb({red}, {green}, {blue})"


def pass_json(
    *, config: AppleConfig, serial_number: str, authentication_token: str, figures: CardFigures
) -> dict:
    """The pass's `pass.json`: a store card with the member's QR code (the card number)."""
    shown_number = card_number_format(figures.card_number)
    barcode = {
        "format": "PKBarcodeFormatQR",
        "message": figures.card_number,
        "messageEncoding": "iso-8859-1",
        "altText": shown_number,
    }
    data = {
        "formatVersion": 1,
        "passTypeIdentifier": config.pass_type_identifier,
        "teamIdentifier": config.team_identifier,
        "serialNumber": serial_number,
        "organizationName": figures.program_name,
        "description": _("%(program)s member card") % {"program": figures.program_name},
        "logoText": figures.program_name,
        "foregroundColor": "rgb(255, 255, 255)",
        "backgroundColor": _rgb(BRAND),
        "labelColor": _rgb(STAR),
        "barcodes": [barcode],
        "storeCard": {
            "primaryFields": [
                {"key": "points", "label": _("Points"), "value": figures.balance},
            ],
            "secondaryFields": [
                {"key": "member", "label": _("Member"), "value": figures.member_name},
                {"key": "tier", "label": _("Tier"), "value": figures.tier_name},
            ],
            "backFields": [
                {"key": "card", "label": _("Card number"), "value": shown_number},
            ],
        },
    }
    if config.web_service_url:
        data["webServiceURL"] = config.web_service_url
        data["authenticationToken"] = authentication_token
    return data


@lru_cache(maxsize=1)
def pass_images() -> dict[str, bytes]:
    """icon.png, logo.png and their @2x / @3x, scaled from the app's own icon."""
    with Image.open(settings.BASE_DIR / "static" / SOURCE_ICON) as source:
        source.load()
        images = {}
        for name, points in IMAGES.items():
            for scale in (1, 2, 3):
                buffer = io.BytesIO()
                size = points * scale
                source.resize((size, size), Image.Resampling.LANCZOS).save(buffer, format="PNG")
                suffix = "" if scale == 1 else f"@{scale}x"
                images[f"{name}{suffix}.png"] = buffer.getvalue()
    return images


def manifest(files: dict[str, bytes]) -> bytes:
    return json.dumps(
        {
            # SHA-1 is Apple's choice for the manifest; the signature itself uses SHA-256.
            name: hashlib.sha1(content, usedforsecurity=False).hexdigest()
            for name, content in sorted(files.items())
        },
        indent=2,
    ).encode()


def signature(*, config: AppleConfig, manifest_bytes: bytes) -> bytes:
    """The detached PKCS#7 signature (DER) of the manifest, with the WWDR certificate."""
    return (
        pkcs7.PKCS7SignatureBuilder()
        .set_data(manifest_bytes)
        .add_signer(config.certificate, config.private_key, hashes.SHA256())
        .add_certificate(config.wwdr_certificate)
        .sign(
            serialization.Encoding.DER,
            [pkcs7.PKCS7Options.DetachedSignature, pkcs7.PKCS7Options.Binary],
        )
    )


def pkpass(
    *, config: AppleConfig, serial_number: str, authentication_token: str, figures: CardFigures
) -> bytes:
    """The signed `.pkpass` file."""
    files = {
        "pass.json": json.dumps(
            pass_json(
                config=config,
                serial_number=serial_number,
                authentication_token=authentication_token,
                figures=figures,
            ),
            ensure_ascii=False,
            indent=2,
        ).encode(),
        **pass_images(),
    }
    manifest_bytes = manifest(files)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in files.items():
            archive.writestr(name, content)
        archive.writestr("manifest.json", manifest_bytes)
        archive.writestr("signature", signature(config=config, manifest_bytes=manifest_bytes))
    return buffer.getvalue()
