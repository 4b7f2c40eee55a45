import itertools

import pytest

from members.identifiers import (
    CARD_NUMBER_LENGTH,
    card_number_format,
    card_number_generate,
    card_number_is_valid,
    card_number_normalize,
    luhn_check_digit,
    phone_normalize,
)


@pytest.mark.parametrize(
    ("body", "digit"),
    [("7992739871", "3"), ("4111111111111111"[:-1], "1"), ("12345678901", "5"), ("0", "0")],
)
def test_luhn_check_digit_matches_known_numbers(body, digit):
    assert luhn_check_digit(body) == digit


def test_generated_card_numbers_are_valid_unique_and_not_sequential():
    numbers = [card_number_generate() for _ in range(5000)]

    assert all(len(number) == CARD_NUMBER_LENGTH for number in numbers)
    assert all(card_number_is_valid(number) for number in numbers)
    assert all(number[0] != "0" for number in numbers)
    assert len(set(numbers)) == 5000
    as_ints = sorted(int(number[:-1]) for number in numbers)
    gaps = {later - earlier for earlier, later in itertools.pairwise(as_ints)}
    assert gaps != {1}


def test_every_single_digit_typo_is_caught():
    number = card_number_generate()
    for position in range(CARD_NUMBER_LENGTH):
        for digit in "0123456789":
            if digit == number[position]:
                continue
            typo = number[:position] + digit + number[position + 1 :]
            assert not card_number_is_valid(typo), typo


def test_swapped_neighbours_are_caught():
    number = "412345678905"
    assert card_number_is_valid(number)
    for position in range(CARD_NUMBER_LENGTH - 1):
        first, second = number[position], number[position + 1]
        if first == second or {first, second} == {"0", "9"}:
            continue  # the one swap Luhn cannot see
        swapped = number[:position] + second + first + number[position + 2 :]
        assert not card_number_is_valid(swapped), swapped


@pytest.mark.parametrize(
    "candidate", ["", "41234567890", "4123456789053", "41234567890a", "012345678903"]
)
def test_malformed_card_numbers_are_invalid(candidate):
    assert not card_number_is_valid(candidate)


def test_card_numbers_are_read_with_spaces_and_dashes_and_printed_in_fours():
    assert card_number_normalize(" 4123 4567-8905\n") == "412345678905"
    assert card_number_format("412345678905") == "4123 4567 8905"


@pytest.mark.parametrize(
    ("raw", "normalized"),
    [
        ("+1 (555) 010-2000", "+15550102000"),
        ("0044 20 7946 0000", "+442079460000"),
        ("555.010.2000", "5550102000"),
        ("  ", ""),
        ("abc", ""),
    ],
)
def test_phone_numbers_are_normalized_to_digits(raw, normalized):
    assert phone_normalize(raw) == normalized
