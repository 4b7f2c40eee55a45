"""Helpers for points tests: rules, purchases, and a look at an account's state."""

import datetime
from decimal import Decimal

from engagement.services.checkout import checkout_purchase
from loyalty.models import (
    EarningRule,
    PointsAccount,
    PointsEntry,
    PointsLot,
    ProductCategory,
    RuleKind,
)
from loyalty.services import BasketLine


def rule(kind: str, name: str | None = None, *, categories=(), stores=(), **fields) -> EarningRule:
    created = EarningRule.objects.create(kind=kind, name=name or kind, **fields)
    created.categories.set(categories)
    created.stores.set(stores)
    return created


def base_rule(rate: str = "1") -> EarningRule:
    return rule(RuleKind.BASE_RATE, "Base", rate=Decimal(rate))


def category(code: str) -> ProductCategory:
    return ProductCategory.objects.get_or_create(code=code, defaults={"name": code.title()})[0]


def line(amount: str, *, category=None, quantity: int = 1, description: str = "") -> BasketLine:
    return BasketLine(
        amount=Decimal(amount), category=category, quantity=quantity, description=description
    )


def buy(
    member,
    store,
    external_id: str,
    *lines: BasketLine,
    occurred_at: datetime.datetime | None = None,
    actor=None,
):
    return checkout_purchase(
        member=member,
        store=store,
        external_id=external_id,
        lines=list(lines),
        occurred_at=occurred_at,
        actor=actor,
    ).purchase


def state(member) -> tuple[int, int, int, int]:
    """(balance, pending, debt, number of entries) as stored now."""
    account = PointsAccount.objects.get(member=member)
    return (
        account.balance,
        account.pending,
        account.debt,
        PointsEntry.objects.filter(account=account).count(),
    )


def lot_remaining(member) -> list[int]:
    return list(
        PointsLot.objects.filter(account__member=member)
        .order_by("pk")
        .values_list("remaining", flat=True)
    )
