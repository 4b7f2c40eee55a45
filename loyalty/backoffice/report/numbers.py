"""Numbers as the report keeps them: ratios, and money rounded to cents."""

from decimal import Decimal

CENT = Decimal("0.01")


def ratio(numerator, denominator) -> Decimal | None:
    """numerator ÷ denominator as a Decimal, or None when there is nothing to divide by."""
    if not denominator:
        return None
    return Decimal(numerator) / Decimal(denominator)


def money(amount) -> Decimal:
    return Decimal(amount or 0).quantize(CENT)


def float_money(amount: float | None) -> Decimal:
    # Returned amounts are summed as floats (see `purchases._returned_value`); cents are exact
    # enough.
    return Decimal(str(amount or 0)).quantize(CENT)


def quantized(amount: Decimal | None) -> Decimal | None:
    return None if amount is None else amount.quantize(CENT)
