"""Money in the program's currency: amounts to the cent, and what points are worth.

Amounts are `Decimal`; a figure shown or stored is rounded to the cent half up, here and
nowhere else.
"""

from decimal import ROUND_HALF_UP, Decimal

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
