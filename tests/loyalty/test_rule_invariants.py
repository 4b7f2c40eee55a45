"""What a rule, the program settings and a tier must hold is checked on the model, so code
that writes them (seed data, an import, a shell) is held to what the admin demands."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from loyalty.models import EarningRule, ProgramSettings, RuleKind, Tier
from loyalty.services.earning_rules import earning_rule_create
from tests.loyalty.points import category


def _errors(raised: pytest.ExceptionInfo) -> dict[str, list[str]]:
    return raised.value.message_dict


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("fields", "errors"),
    [
        (
            {"kind": RuleKind.BASE_RATE},
            {"rate": ["A base rate rule needs the points per currency unit."]},
        ),
        (
            {"kind": RuleKind.THRESHOLD_BONUS, "points": 0},
            {
                "threshold_amount": ["A threshold bonus needs the amount to spend."],
                "points": ["A bonus of 0 points gives nothing; enter at least 1."],
            },
        ),
        (
            {"kind": RuleKind.CATEGORY_MULTIPLIER, "multiplier": Decimal("2")},
            {"categories": ["Choose at least one category."]},
        ),
        (
            {"kind": RuleKind.PROMOTION, "multiplier": Decimal("2"), "weekdays": "1,8"},
            {
                "weekdays": [
                    "Use numbers from 1 (Monday) to 7 (Sunday), separated by commas, e.g. 2,4."
                ]
            },
        ),
        (
            {"kind": RuleKind.PURCHASE_CAP, "points": 100, "time_from": "07:00"},
            {"time_until": ["Give both the from and until times, or neither."]},
        ),
    ],
)
def test_a_rule_its_kind_refuses_is_not_written_from_code(fields, errors):
    with pytest.raises(ValidationError) as raised:
        earning_rule_create(name="From a script", **fields)

    assert _errors(raised) == errors
    assert EarningRule.objects.count() == 0


@pytest.mark.django_db
def test_a_rule_from_code_is_normalised_and_saved_with_its_categories():
    coffee = category("coffee")

    rule = earning_rule_create(
        name="Coffee Tuesday",
        kind=RuleKind.CATEGORY_MULTIPLIER,
        multiplier=Decimal("2"),
        weekdays=" 4, 2,2",
        categories=[coffee],
    )

    rule.refresh_from_db()
    assert (rule.weekdays, list(rule.categories.all())) == ("2,4", [coffee])


@pytest.mark.django_db
def test_the_currency_is_three_capital_letters_after_trimming():
    program = ProgramSettings(pk=1, currency=" eur ")
    program.full_clean()
    assert program.currency == "EUR"

    program.currency = "EURO"
    with pytest.raises(ValidationError) as raised:
        program.full_clean()
    assert _errors(raised) == {
        "currency": [
            "Enter a three-letter ISO 4217 code, e.g. USD or EUR.",
            "Ensure this value has at most 3 characters (it has 4).",
        ]
    }


@pytest.mark.django_db
def test_a_tier_colour_is_lower_case_hex_or_refused():
    tier = Tier(name="Gold", rank=1, threshold=Decimal("500"), colour="#D4AF37")
    tier.full_clean()
    assert tier.colour == "#d4af37"

    tier.colour = "gold"
    with pytest.raises(ValidationError) as raised:
        tier.full_clean()
    assert _errors(raised) == {"colour": ["Enter a colour as #rrggbb, e.g. #d4af37."]}
