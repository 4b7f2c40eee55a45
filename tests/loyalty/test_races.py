"""Money paths under concurrency, on PostgreSQL: N threads behind a barrier, exact totals after.

SQLite serialises writers on its own and has no row locks, so these run on PostgreSQL only.
"""

import threading
from collections import Counter
from decimal import Decimal

import pytest
from django.db import connection

from engagement.services.checkout import checkout_purchase, checkout_return
from loyalty.exceptions import InsufficientPoints, InvalidReturn
from loyalty.models import PointsEntry, PointsLot, Purchase, RuleKind
from loyalty.services import BasketLine, points_credit, points_spend
from loyalty.services.purchases import RecordedReturn
from tests.concurrency import outcome, run_together
from tests.loyalty.points import base_rule, rule, state

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL"),
]


def test_fifty_concurrent_spends_with_points_for_twenty(customer):
    points_credit(account=customer.points_account, points=20)

    results = run_together(
        50, lambda _index: points_spend(account=customer.points_account, points=1)
    )

    assert outcome(results) == Counter({"PointsEntry": 20, "InsufficientPoints": 30})
    assert all(isinstance(result, (PointsEntry, InsufficientPoints)) for result in results)
    assert state(customer) == (0, 0, 0, 21)
    assert sorted(entry.balance_after for entry in PointsEntry.objects.filter(points=-1)) == list(
        range(20)
    )
    assert list(PointsLot.objects.values_list("remaining", flat=True)) == [0]


def test_twenty_concurrent_submissions_of_the_same_purchase_credit_once(customer, store):
    base_rule("1")

    results = run_together(
        20,
        lambda _index: checkout_purchase(
            member=customer,
            store=store,
            external_id="till-42",
            lines=[BasketLine(amount=Decimal("25"))],
        ),
    )

    assert [type(result).__name__ for result in results] == ["RecordedPurchase"] * 20
    assert sum(result.created for result in results) == 1
    assert len({result.purchase.pk for result in results}) == 1
    assert Purchase.objects.count() == 1
    assert state(customer) == (25, 0, 0, 1)


def test_concurrent_purchases_respect_the_daily_cap(customer, store):
    base_rule("1")
    rule(RuleKind.DAILY_CAP, "Max 100 a day", points=100)

    results = run_together(
        10,
        lambda index: checkout_purchase(
            member=customer,
            store=store,
            external_id=f"till-{index}",
            lines=[BasketLine(amount=Decimal("30"))],
        ),
    )

    assert outcome(results) == Counter({"RecordedPurchase": 10})
    assert sorted(result.purchase.points for result in results) == [0] * 6 + [10, 30, 30, 30]
    assert state(customer) == (100, 0, 0, 4)


def test_a_double_clicked_return_returns_once(customer, store):
    base_rule("1")
    purchase = checkout_purchase(
        member=customer, store=store, external_id="till-1", lines=[BasketLine(amount=Decimal("40"))]
    ).purchase
    line_id = purchase.lines.get().pk

    from loyalty.services import ReturnRequest

    results = run_together(
        10,
        lambda _index: checkout_return(
            purchase=purchase, lines=[ReturnRequest(line_id=line_id, quantity=1)]
        ),
    )

    assert outcome(results) == Counter({"RecordedReturn": 1, "InvalidReturn": 9})
    assert all(isinstance(result, (RecordedReturn, InvalidReturn)) for result in results)
    assert state(customer) == (0, 0, 0, 2)


def test_spends_on_two_accounts_and_credits_interleave_without_deadlock(customer, other_customer):
    points_credit(account=customer.points_account, points=100)
    points_credit(account=other_customer.points_account, points=100)
    accounts = [customer.points_account, other_customer.points_account]

    def work(index: int):
        account = accounts[index % 2]
        if index % 3 == 0:
            return points_credit(account=account, points=2)
        return points_spend(account=account, points=3)

    results = run_together(30, work)

    assert outcome(results)["TryAgain"] == 0
    credits = sum(1 for index in range(30) if index % 3 == 0)
    spends = 30 - credits
    balances = state(customer)[0] + state(other_customer)[0]
    assert balances == 200 + 2 * credits - 3 * spends


def test_a_deadlock_is_retried_instead_of_failing(customer, other_customer):
    from loyalty.models import PointsAccount
    from loyalty.platform.db import atomic_with_retry

    first_id, second_id = customer.points_account.pk, other_customer.points_account.pk
    both_hold_one = threading.Barrier(2)
    attempts: Counter = Counter()

    @atomic_with_retry
    def lock_both(name: str, one: int, two: int) -> str:
        attempts[name] += 1
        PointsAccount.objects.select_for_update().get(pk=one)
        if attempts[name] == 1:
            both_hold_one.wait(timeout=10)  # each holds one row and wants the other's
        PointsAccount.objects.select_for_update().get(pk=two)
        return name

    results = run_together(
        2,
        lambda index: (
            lock_both("ab", first_id, second_id)
            if index == 0
            else lock_both("ba", second_id, first_id)
        ),
    )

    assert sorted(results) == ["ab", "ba"]
    assert sum(attempts.values()) == 3  # PostgreSQL broke the deadlock once; the victim retried


def test_two_tills_voiding_the_same_purchase_void_it_once(customer, store):
    from engagement.services.checkout import checkout_void
    from members.models import User

    base_rule("1")
    clerk = User.objects.create_user(email="clerk@example.com")
    purchase = checkout_purchase(
        member=customer,
        store=store,
        external_id="till-1",
        lines=[BasketLine(amount=Decimal("40"))],
        actor=clerk,
    ).purchase

    results = run_together(5, lambda _index: checkout_void(purchase=purchase, actor=clerk))

    assert outcome(results) == Counter({"RecordedReturn": 1, "VoidNotAllowed": 4})
    assert state(customer) == (0, 0, 0, 2)
