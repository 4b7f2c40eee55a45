"""Numbers as the report keeps them: ratios, and money to the cent (`loyalty.money.cents`)."""

from decimal import Decimal

from loyalty.money import cents


def ratio(numerator, denominator) -> Decimal | None:
    """numerator ÷ denominator as a Decimal, or None when there is nothing to divide by."""
    if not denominator:
        return None
    return Decimal(numerator) / Decimal(denominator)


def quantized(amount: Decimal | None) -> Decimal | None:
    return None if amount is None else cents(amount)
