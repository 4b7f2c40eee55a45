"""Keys for the wallet's tests: a self-signed CA standing in for Apple's WWDR certificate, a
pass type certificate it signed, and a Google service account; each made once per session."""

import base64
import datetime
import json
import subprocess
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.x509.oid import NameOID

PASS_TYPE_ID = "pass.org.example.loyalty"
TEAM_ID = "TEAM123456"
WEB_SERVICE_URL = "https://loyalty.example.com/wallet/"
GOOGLE_ISSUER_ID = "3388000000012345678"
GOOGLE_CLIENT_EMAIL = "wallet@loyalty-test.iam.gserviceaccount.com"


@dataclass(frozen=True)
class AppleKeys:
    ca_pem: str
    certificate_pem: str
    key_pem: str


def _pem_key(key) -> str:
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()


def _name(common_name: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])


@cache
def apple_keys() -> AppleKeys:
    now = datetime.datetime.now(tz=datetime.UTC)
    ca_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    ca = (
        x509.CertificateBuilder()
        .subject_name(_name("Test WWDR CA"))
        .issuer_name(_name("Test WWDR CA"))
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=30))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(ca_key, hashes.SHA256())
    )
    pass_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(_name(f"Pass Type ID: {PASS_TYPE_ID}"))
        .issuer_name(ca.subject)
        .public_key(pass_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=30))
        .sign(ca_key, hashes.SHA256())
    )
    return AppleKeys(
        ca_pem=ca.public_bytes(serialization.Encoding.PEM).decode(),
        certificate_pem=certificate.public_bytes(serialization.Encoding.PEM).decode(),
        key_pem=_pem_key(pass_key),
    )


@cache
def google_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def google_service_account_json() -> str:
    return json.dumps(
        {
            "type": "service_account",
            "client_email": GOOGLE_CLIENT_EMAIL,
            "private_key_id": "test-key-1",
            "private_key": _pem_key(google_key()),
        }
    )


def configure_apple(settings) -> AppleKeys:
    keys = apple_keys()
    settings.LOYALTY_WALLET_APPLE_PASS_TYPE_ID = PASS_TYPE_ID
    settings.LOYALTY_WALLET_APPLE_TEAM_ID = TEAM_ID
    settings.LOYALTY_WALLET_APPLE_CERTIFICATE = keys.certificate_pem
    settings.LOYALTY_WALLET_APPLE_KEY = keys.key_pem
    settings.LOYALTY_WALLET_APPLE_WWDR_CERTIFICATE = keys.ca_pem
    settings.LOYALTY_WALLET_WEB_SERVICE_URL = WEB_SERVICE_URL
    return keys


def configure_google(settings) -> None:
    settings.LOYALTY_WALLET_GOOGLE_ISSUER_ID = GOOGLE_ISSUER_ID
    settings.LOYALTY_WALLET_GOOGLE_SERVICE_ACCOUNT = google_service_account_json()


def jwt_decode(token: str, public_key: rsa.RSAPublicKey) -> tuple[dict, dict]:
    """The header and claims of an RS256 JWT; raises InvalidSignature when it was not signed
    by the key's pair."""
    header, claims, signed = token.split(".")

    def unpadded(part: str) -> bytes:
        return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))

    public_key.verify(
        unpadded(signed), f"{header}.{claims}".encode(), padding.PKCS1v15(), hashes.SHA256()
    )
    return json.loads(unpadded(header)), json.loads(unpadded(claims))


def signature_verified(*, folder: Path, manifest: bytes, signature: bytes, ca_pem: str) -> bool:
    """Whether OpenSSL verifies `signature` as a detached PKCS#7 signature of `manifest` by a
    certificate the CA issued."""
    (folder / "manifest.json").write_bytes(manifest)
    (folder / "signature").write_bytes(signature)
    (folder / "ca.pem").write_text(ca_pem)
    result = subprocess.run(  # noqa: S603 - fixed arguments, files the test wrote
        [  # noqa: S607
            "openssl",
            "cms",
            "-verify",
            "-binary",
            "-inform",
            "DER",
            "-in",
            str(folder / "signature"),
            "-content",
            str(folder / "manifest.json"),
            "-CAfile",
            str(folder / "ca.pem"),
            "-purpose",
            "any",
            "-out",
            "/dev/null",
        ],
        capture_output=True,
        check=False,
    )
    return result.returncode == 0
