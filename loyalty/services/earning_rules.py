"""Writing earning rules from code (seed data, imports, a shell) with the admin's checks."""

from django.core.exceptions import ValidationError
from django.db import transaction

from loyalty.models import EarningRule, ProductCategory, Store, Tier


def earning_rule_create(
    *,
    categories: list[ProductCategory] | tuple = (),
    stores: list[Store] | tuple = (),
    tiers: list[Tier] | tuple = (),
    **fields,
) -> EarningRule:
    """A new rule, refused with the admin's messages (`ValidationError`) when its kind lacks
    what it needs; nothing is written then."""
    rule = EarningRule(**fields)
    rule.full_clean()
    problem = rule.categories_problem(categories)
    if problem:
        raise ValidationError({"categories": problem})
    with transaction.atomic():
        rule.save()
        rule.categories.set(categories)
        rule.stores.set(stores)
        rule.tiers.set(tiers)
    return rule
