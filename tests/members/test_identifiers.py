import itertools

import pytest

from members.identifiers import (
    CARD_NUMBER_LENGTH,
    PhoneNumberInvalid,
    card_number_format,
    card_number_generate,
    card_number_is_valid,
    card_number_normalize,
    luhn_check_digit,
    phone_format,
    phone_normalize,
    phone_to_e164,
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
    ("raw", "e164"),
    [
        ("(555) 010-0002", "+15550100002"),
        ("5550100002", "+15550100002"),
        ("+1 555 010 0002", "+15550100002"),
        ("555.010.0002", "+15550100002"),
        ("1 555 010 0002", "+15550100002"),
        ("\uff15\uff15\uff15\uff10\uff11\uff10\uff10\uff10\uff10\uff12", "+15550100002"),
        # Full-width plus, space, brackets and hyphen, as a Japanese keyboard types them.
        (
            "\uff0b\uff11\u3000\uff08\uff15\uff15\uff15\uff09\uff10\uff11\uff10"
            "\uff0d\uff10\uff10\uff10\uff12",
            "+15550100002",
        ),
        ("\u0665\u0665\u0665\u0660\u0661\u0660\u0660\u0660\u0660\u0662", "+15550100002"),
        ("\u06f5\u06f5\u06f5\u06f0\u06f1\u06f0\u06f0\u06f0\u06f0\u06f2", "+15550100002"),
        ("+1\u2013555\u2013010\u20130002", "+15550100002"),
        ("0044 20 7946 0958", "+442079460958"),
        ("+44 (0)20 7946 0958", "+442079460958"),
    ],
)
def test_phone_numbers_of_any_digits_become_e164(raw, e164):
    assert phone_to_e164(raw) == e164
    assert phone_normalize(raw) == e164


@pytest.mark.parametrize(
    "raw",
    [
        "",
        "  ",
        "abc",
        "12-34",
        "555",
        "+1 555 010 0000 0000 0000",
        "1-800-FLOWERS",
        "555 010 0002 ext. 7",
        "+",
        "5550100002\x00",
        "\u00b2\u00b3\u00b9",  # superscript digits are not decimal digits
    ],
)
def test_what_is_no_phone_number_is_refused(raw):
    with pytest.raises(PhoneNumberInvalid):
        phone_to_e164(raw)
    assert phone_normalize(raw) == ""


def test_a_number_without_country_code_is_read_in_the_region_of_the_setting(settings):
    settings.LOYALTY_PHONE_REGION = "GB"

    assert phone_to_e164("020 7946 0958") == "+442079460958"
    assert phone_to_e164("+1 555 010 0002") == "+15550100002"
    assert phone_to_e164("555 010 0002", region="US") == "+15550100002"


def test_phone_numbers_are_shown_in_the_international_format():
    assert phone_format("+15550100002") == "+1 555-010-0002"
    assert phone_format("+442079460958") == "+44 20 7946 0958"
