import pytest

from rewards.codes import (
    ALPHABET,
    CODE_LENGTH,
    voucher_code_format,
    voucher_code_generate,
    voucher_code_is_valid,
    voucher_code_normalize,
)


def test_codes_avoid_look_alike_characters():
    assert not set("01ILOU") & set(ALPHABET)
    assert len(ALPHABET) == 30


def test_generated_codes_are_valid_and_unique():
    codes = [voucher_code_generate() for _ in range(5000)]

    assert all(len(code) == CODE_LENGTH and voucher_code_is_valid(code) for code in codes)
    assert len(set(codes)) == 5000


def test_every_single_character_typo_is_caught():
    code = voucher_code_generate()
    for position in range(CODE_LENGTH):
        for char in ALPHABET:
            if char != code[position]:
                typo = code[:position] + char + code[position + 1 :]
                assert not voucher_code_is_valid(typo), typo


def test_every_swap_of_neighbours_is_caught_but_2z():
    missed = set()
    for first in ALPHABET:
        for second in ALPHABET:
            if first == second:
                continue
            body = "345" + first + second + "6789"
            code = body + next(c for c in ALPHABET if voucher_code_is_valid(body + c))
            swapped = code[:3] + second + first + code[5:]
            if voucher_code_is_valid(swapped):
                missed.add(first + second)
    assert missed == {"2Z", "Z2"}


@pytest.mark.parametrize("raw", ["", "ABC", "0000000000", "23456-789AB-C", "23456789ab!"])
def test_malformed_codes_are_invalid(raw):
    assert not voucher_code_is_valid(voucher_code_normalize(raw))


def test_codes_are_read_as_typed_and_shown_in_two_groups():
    code = voucher_code_generate()
    typed = f" {code[:5].lower()} - {code[5:]} "

    assert voucher_code_normalize(typed) == code
    assert voucher_code_format(code) == f"{code[:5]}-{code[5:]}"
