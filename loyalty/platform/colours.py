"""Colours a manager types (tiers, charts): one check of the #rrggbb form for every use."""

import re

from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

FALLBACK_COLOUR = "#8a8f98"
_COLOUR = re.compile(r"#[0-9a-fA-F]{6}")

colour_validator = RegexValidator(
    _COLOUR.pattern + r"\Z",
    message=_("Enter a colour as #rrggbb, e.g. #d4af37."),
    code="invalid_colour",
)


def safe_colour(value: str | None, fallback: str = FALLBACK_COLOUR) -> str:
    """`value` when it is a #rrggbb colour, else `fallback`; safe to put in markup."""
    return value if value and _COLOUR.fullmatch(value) else fallback
