"""Fixtures of the desk's tests."""

from decimal import Decimal

import pytest

from loyalty.models import EarningRule, ProductCategory, RuleKind


@pytest.fixture
def coffee(db) -> ProductCategory:
    """Base rate 1 point per unit; coffee earns double."""
    category = ProductCategory.objects.create(code="coffee", name="Coffee")
    EarningRule.objects.create(kind=RuleKind.BASE_RATE, rate=Decimal("1"), name="Base")
    double = EarningRule.objects.create(
        kind=RuleKind.CATEGORY_MULTIPLIER, multiplier=Decimal("2"), name="Coffee double"
    )
    double.categories.set([category])
    return category
