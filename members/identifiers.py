"""Card numbers and phone numbers: generation, validation and normalisation.

A card number is 12 digits: a first digit from 1 to 9 (so no leading zero is ever lost by a
spreadsheet or a till), ten random digits, and a Luhn check digit, so that a mistyped digit or
two swapped neighbours are caught before any lookup. Numbers come from `secrets`, so they are
neither sequential nor guessable from one another.
"""

import re
import secrets

CARD_NUMBER_LENGTH = 12
_NON_DIGITS = re.compile(r"\D")
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


def phone_normalize(raw: str) -> str:
    """Digits only, keeping a leading '+' ('+1 (555) 010-2000' -> '+15550102000')."""
    raw = (raw or "").strip()
    digits = _NON_DIGITS.sub("", raw)
    if not digits:
        return ""
    return ("+" if raw.startswith(("+", "00")) else "") + (
        digits[2:] if raw.startswith("00") else digits
    )
