"""Money in the program's currency: amounts to the cent, what points are worth, and how an
amount reads in the language of the page.

Amounts are `Decimal`; a figure shown or stored is rounded to the cent half up, here and
nowhere else. `money_format` writes an amount as the reader's locale does (Babel, from CLDR):
`$1,234.50` in English, `US$1,234.50` in Chinese, `$1.234,50` in Turkish; the program's currency
and the reader's language are independent.
"""

from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache

from babel import Locale, UnknownLocaleError
from babel.numbers import format_currency
from django.conf import settings
from django.utils.translation import get_language, to_locale

from loyalty.services.program import program_settings_get

CENT = Decimal("0.01")


def cents(amount: Decimal | int | float | str | None) -> Decimal:
    """`amount` to the cent, half up; None and 0 are 0.00. A float goes through its shortest
    decimal spelling, so 0.1 + 0.2 gives 0.30."""
    if isinstance(amount, float):
        amount = str(amount)
    return Decimal(amount or 0).quantize(CENT, rounding=ROUND_HALF_UP)


def points_cash_value(points: int, *, point_value: Decimal | None = None) -> Decimal:
    """What `points` are worth, to the cent, at `point_value` (default: the program's)."""
    if point_value is None:
        point_value = program_settings_get().point_value
    return cents(Decimal(points) * point_value)


@lru_cache(maxsize=32)
def _locale(language: str) -> Locale:
    try:
        return Locale.parse(to_locale(language))
    except (UnknownLocaleError, ValueError):
        return Locale.parse(to_locale(settings.LANGUAGE_CODE))


def money_format(amount: Decimal | int | str | None, currency: str, *, short: bool = False) -> str:
    """`amount` (to the cent) in `currency`, written as the active language writes money.
    `short`: a whole amount without its cents ("$30", in a sentence), others as they are."""
    locale = _locale(get_language() or settings.LANGUAGE_CODE)
    value = cents(amount)
    if short and value == value.to_integral_value():
        whole = locale.currency_formats["standard"].pattern.split(";")[0].replace(".00", "")
        return format_currency(value, currency, format=whole, locale=locale, currency_digits=False)
    return format_currency(value, currency, locale=locale)
