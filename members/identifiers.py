"""Card numbers and phone numbers: generation, validation and normalisation.

A card number is 12 digits: a first digit from 1 to 9 (so no leading zero is ever lost by a
spreadsheet or a till), ten random digits, and a Luhn check digit, so that a mistyped digit or
two swapped neighbours are caught before any lookup. Numbers come from `secrets`, so they are
neither sequential nor guessable from one another.
"""

import re
import secrets
import unicodedata

import phonenumbers
from django.conf import settings

CARD_NUMBER_LENGTH = 12
_SEPARATORS = re.compile(r"[\s\-./()]")


def luhn_check_digit(digits: str) -> str:
    """The digit that, appended to `digits`, makes a Luhn-valid number."""
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char)
        if position % 2 == 0:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return str((10 - total % 10) % 10)


def card_number_generate() -> str:
    body = str(secrets.randbelow(9) + 1) + "".join(
        str(secrets.randbelow(10)) for _ in range(CARD_NUMBER_LENGTH - 2)
    )
    return body + luhn_check_digit(body)


def card_number_normalize(raw: str) -> str:
    """What a person or a scanner typed, without spaces and dashes."""
    return _SEPARATORS.sub("", raw or "")


def card_number_is_valid(card_number: str) -> bool:
    return (
        len(card_number) == CARD_NUMBER_LENGTH
        and card_number.isdigit()
        and card_number[0] != "0"
        and luhn_check_digit(card_number[:-1]) == card_number[-1]
    )


def card_number_format(card_number: str) -> str:
    """Groups of four, as printed under the QR code: '4123 4567 8901'."""
    return " ".join(card_number[i : i + 4] for i in range(0, len(card_number), 4))


class PhoneNumberInvalid(ValueError):
    """What was typed is not a phone number we could send a code to."""


# Characters a person may type around the digits of a phone number (after NFKC folding, which
# turns full-width digits, plus signs, brackets and spaces into their ASCII forms).
_PHONE_PUNCTUATION = re.compile(r"[\s\-./()]")


def digits_ascii(raw: str) -> str:
    """Any script's decimal digits as ASCII ones, any dash as '-': '\u0665\u0665' -> '55'."""
    folded = unicodedata.normalize("NFKC", raw or "")
    characters = []
    for char in folded:
        digit = unicodedata.decimal(char, None)
        if digit is not None:
            characters.append(str(digit))
        elif unicodedata.category(char) == "Pd":
            characters.append("-")
        else:
            characters.append(char)
    return "".join(characters).strip()


def phone_has_digits(raw: str) -> bool:
    """Whether `raw` holds at least one digit, in any script."""
    return any(char.isdigit() for char in digits_ascii(raw))


def phone_to_e164(raw: str, *, region: str | None = None) -> str:
    """The number in E.164 ('+15550100002'), or `PhoneNumberInvalid`.

    The one home of what a phone number is: the profile, the staff desk, the API and the data
    migration all read numbers through it, so that '(555) 010-0002', '+1 555 010 0002',
    full-width or Arabic-Indic digits are the same number everywhere. A number typed without a
    country code is read in `region` (default: the setting `LOYALTY_PHONE_REGION`); a leading
    '00' is read as '+'. Only digits and the usual punctuation are accepted, no letters.

    "Possible" (the right length for its country) is the test, not "valid": the library's
    list of allocated ranges lags behind the carriers and leaves out the 555-01xx numbers of
    fiction and tests; a number is proven real by its owner typing the code sent to it.
    """
    text = digits_ascii(raw)
    plus = text.startswith("+")
    body = _PHONE_PUNCTUATION.sub("", text[1:] if plus else text)
    if not body.isdigit() or not body.isascii():
        raise PhoneNumberInvalid(raw)
    if not plus and body.startswith("00"):
        plus, body = True, body[2:]
    try:
        number = phonenumbers.parse(
            ("+" if plus else "") + body, region or settings.LOYALTY_PHONE_REGION
        )
    except phonenumbers.NumberParseException as error:
        raise PhoneNumberInvalid(raw) from error
    if not phonenumbers.is_possible_number(number):
        raise PhoneNumberInvalid(raw)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def phone_normalize(raw: str) -> str:
    """`phone_to_e164`, or '' for anything that is not a phone number (a lookup's miss)."""
    try:
        return phone_to_e164(raw)
    except PhoneNumberInvalid:
        return ""


def phone_format(e164: str) -> str:
    """An E.164 number as people read it: '+1 555-010-0002'."""
    try:
        number = phonenumbers.parse(e164, None)
    except phonenumbers.NumberParseException:
        return e164
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


# --- Telling members apart without showing who they are (the desk's list of name matches) ---


def name_letters(text: str) -> int:
    """How many letters, in any script, `text` holds: the measure of a name search."""
    return sum(1 for char in text or "" if char.isalpha())


def email_mask(email: str) -> str:
    """'alice@example.com' -> 'a***@example.com': enough to tell two Alices apart, never the
    address itself."""
    local, at, domain = (email or "").partition("@")
    if not at:
        return "***"
    return f"{local[:1]}***@{domain}"


def phone_mask(e164: str) -> str:
    """'+15550100002' -> '••• 02': the last two digits only."""
    digits = "".join(char for char in e164 or "" if char.isdigit())
    return f"••• {digits[-2:]}" if len(digits) >= 2 else ""


def card_last_four(card_number: str) -> str:
    """'412345678901' -> '•••• 8901', as the member list at the desk shows a card."""
    return f"•••• {card_number[-4:]}"
