"""Referral codes: short, readable, case-insensitive, without look-alike characters."""

import re
import secrets

from loyalty.platform.codes import ALPHABET

CODE_LENGTH = 7  # 30^7, about 2 x 10^10 codes
_NOT_CODE = re.compile(r"[^0-9A-Z]")


def referral_code_generate() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))


def referral_code_normalize(raw: str) -> str:
    """Upper case, without spaces or dashes: 'abc-d23' and 'ABCD23' are the same code."""
    return _NOT_CODE.sub("", (raw or "").upper())[:32]


def referral_code_is_well_formed(code: str) -> bool:
    return len(code) == CODE_LENGTH and all(char in ALPHABET for char in code)


# Providers that ignore dots in the local part and/or deliver "name+tag" to "name".
_DOTS_IGNORED = {"gmail.com", "googlemail.com"}
_PLUS_TAGS = {
    "gmail.com",
    "googlemail.com",
    "outlook.com",
    "hotmail.com",
    "live.com",
    "icloud.com",
    "yahoo.com",
    "proton.me",
    "protonmail.com",
    "fastmail.com",
}
_SAME_MAILBOX = {"googlemail.com": "gmail.com"}


def email_canonical(email: str) -> str:
    """The mailbox an address reaches: 'J.Doe+promo@GoogleMail.com' -> 'jdoe@gmail.com'."""
    local, _at, domain = (email or "").strip().lower().rpartition("@")
    domain = _SAME_MAILBOX.get(domain, domain)
    if domain in _PLUS_TAGS:
        local = local.split("+", 1)[0]
    if domain in _DOTS_IGNORED:
        local = local.replace(".", "")
    return f"{local}@{domain}"
