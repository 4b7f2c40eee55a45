"""Voucher codes: unguessable, short enough to read aloud, no look-alike characters, checked.

Ten characters from a 30-letter alphabet without 0/O, 1/I/L and U: nine random ones
(30^9, about 2 x 10^13 codes) and a Luhn mod 30 check character, which catches any single
mistyped character and any swap of two neighbours but "2Z"/"Z2". Shown in two groups:
"K7QXM-3HD9P".
"""

import re
import secrets

from loyalty.platform.codes import ALPHABET

CODE_LENGTH = 10
_INDEX = {char: index for index, char in enumerate(ALPHABET)}
_SEPARATORS = re.compile(r"[\s\-_.]")


def _check_character(body: str) -> str:
    base = len(ALPHABET)
    total = 0
    factor = 2
    for char in reversed(body):
        addend = factor * _INDEX[char]
        total += addend // base + addend % base
        factor = 1 if factor == 2 else 2
    return ALPHABET[(base - total % base) % base]


def voucher_code_generate() -> str:
    body = "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH - 1))
    return body + _check_character(body)


def voucher_code_normalize(raw: str) -> str:
    """Upper case, without spaces and dashes, as a scanner or a person may type it."""
    return _SEPARATORS.sub("", (raw or "").upper())


def voucher_code_is_valid(code: str) -> bool:
    return (
        len(code) == CODE_LENGTH
        and all(char in _INDEX for char in code)
        and _check_character(code[:-1]) == code[-1]
    )


def voucher_code_format(code: str) -> str:
    half = CODE_LENGTH // 2
    return f"{code[:half]}-{code[half:]}"
