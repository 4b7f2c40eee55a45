"""Money as the reader's language writes it (loyalty/money.py, Babel's CLDR data)."""

from decimal import Decimal

import pytest
from django.template import Context, Template
from django.utils import translation

from loyalty.money import money_format


@pytest.mark.parametrize(
    ("language", "currency", "amount", "shown"),
    [
        ("en-us", "USD", Decimal("1234.5"), "$1,234.50"),
        ("en", "EUR", Decimal("2.649"), "€2.65"),
        ("zh-hans", "CNY", Decimal("1234.5"), "¥1,234.50"),
        ("zh-hans", "USD", Decimal("1234.5"), "US$1,234.50"),
        ("tr", "TRY", Decimal("1234.5"), "₺1.234,50"),
        ("tr", "USD", Decimal("0.1"), "$0,10"),
        ("xx-unknown", "USD", Decimal("3"), "$3.00"),
    ],
)
def test_money_reads_as_the_language_writes_it(language, currency, amount, shown):
    with translation.override(language):
        assert money_format(amount, currency) == shown


@pytest.mark.parametrize(
    ("language", "amount", "shown"),
    [("en", Decimal("30"), "$30"), ("en", Decimal("30.5"), "$30.50"), ("tr", 1000, "$1.000")],
)
def test_a_whole_amount_in_a_sentence_drops_its_cents(language, amount, shown):
    with translation.override(language):
        assert money_format(amount, "USD", short=True) == shown


def test_the_template_filters():
    template = Template("{% load money %}{{ a|money:'USD' }} · {{ b|money_short:'USD' }}")

    with translation.override("en"):
        assert template.render(Context({"a": Decimal("12.5"), "b": Decimal("30.00")})) == (
            "$12.50 · $30"
        )
