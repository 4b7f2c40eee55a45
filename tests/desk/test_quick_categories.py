"""The basket's quick category buttons: what this store sells most lately, first."""

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.utils import timezone

from engagement.services.checkout import checkout_purchase, checkout_void
from loyalty.models import ProductCategory
from loyalty.selectors import category_list_quick
from loyalty.services import BasketLine
from tests.factories import create_store

pytestmark = pytest.mark.django_db


def _sell(member, store, category, lines: int, *, receipt: str, actor=None):
    return checkout_purchase(
        member=member,
        store=store,
        external_id=receipt,
        lines=[BasketLine(amount=Decimal("1.00"), category=category) for _ in range(lines)],
        actor=actor,
    ).purchase


def _names(categories) -> list[str]:
    return [category.name for category in categories]


def test_most_sold_here_in_the_last_30_days_first_then_the_others_by_name(
    store, customer, staff_user
):
    made = {
        name: ProductCategory.objects.create(code=name.lower().replace(" ", "-"), name=name)
        for name in ["Bakery", "Coffee", "Gift cards", "Groceries", "Tea", "Wine", "Zines"]
    }
    elsewhere = create_store(code="uptown", name="Uptown")
    _sell(customer, store, made["Coffee"], 1, receipt="r-1")
    _sell(customer, store, made["Bakery"], 3, receipt="r-2")
    _sell(customer, elsewhere, made["Zines"], 5, receipt="r-3")
    voided = _sell(customer, store, made["Tea"], 4, receipt="r-4", actor=staff_user)
    checkout_void(purchase=voided, actor=staff_user, store=store)
    with time_machine.travel(timezone.now() - datetime.timedelta(days=31), tick=False):
        _sell(customer, store, made["Wine"], 6, receipt="r-5")

    quick = category_list_quick(store)

    assert _names(quick) == ["Bakery", "Coffee", "Gift cards", "Groceries", "Tea", "Wine"]


def test_a_renamed_category_shows_its_new_name_while_the_ranking_is_kept(store, customer):
    coffee = ProductCategory.objects.create(code="coffee", name="Coffee")
    bakery = ProductCategory.objects.create(code="bakery", name="Bakery")
    _sell(customer, store, coffee, 2, receipt="r-1")
    assert _names(category_list_quick(store)) == ["Coffee", "Bakery"]

    coffee.name = "Hot drinks"
    coffee.save()
    bakery.delete()

    assert _names(category_list_quick(store)) == ["Hot drinks"]


def test_a_store_with_no_sales_gets_the_categories_by_name(store):
    for code, name in [("tea", "Tea"), ("bakery", "Bakery")]:
        ProductCategory.objects.create(code=code, name=name)

    assert _names(category_list_quick(store, limit=1)) == ["Bakery"]
