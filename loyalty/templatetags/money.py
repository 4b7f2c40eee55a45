"""`{{ amount|money:currency }}` and `{{ amount|money_short:currency }}` (loyalty/money.py)."""

from django import template

from loyalty.money import money_format

register = template.Library()


@register.filter
def money(amount, currency: str) -> str:
    """To the cent, with the currency's symbol, as the page's language writes it."""
    return money_format(amount, currency)


@register.filter
def money_short(amount, currency: str) -> str:
    """As `money`, but a whole amount without its cents: for sentences ("at least $30")."""
    return money_format(amount, currency, short=True)
