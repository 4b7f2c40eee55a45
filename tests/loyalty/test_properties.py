"""Property-based: any sequence of money operations keeps the ledger sound after every step.

Hypothesis drives purchases, returns, redemptions, voids, expiries, adjustments and releases
in random order over a few members; after each step every account must satisfy
balance == sum(entries) == sum(remaining of available lots), no balance may be negative, and
the sum of all entries must equal the sum of all balances.
"""

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.db.models import Sum
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engagement.services.checkout import checkout_purchase, checkout_return
from loyalty.audit import ledger_problems
from loyalty.models import PointsAccount, PointsEntry, PointsLot, Purchase, RuleKind
from loyalty.platform.errors import DomainError
from loyalty.services import (
    BasketLine,
    ReturnRequest,
    points_adjust,
    points_release_due,
    program_settings_get,
)
from loyalty.services.expiry import points_expire_due
from rewards.models import Redemption, RedemptionChannel, RedemptionStatus
from rewards.services import redemption_void, reward_redeem
from tests.factories import create_customer, create_manager, create_store
from tests.loyalty.points import base_rule, rule
from tests.rewards.catalogue import make_reward

amounts = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("400"), places=2)
member_index = st.integers(min_value=0, max_value=2)
operations = st.one_of(
    st.tuples(
        st.just("buy"),
        member_index,
        st.lists(st.tuples(amounts, st.integers(1, 3)), min_size=1, max_size=3),
    ),
    st.tuples(st.just("return"), st.integers(0, 50), st.integers(1, 3)),
    st.tuples(st.just("redeem"), member_index, st.integers(0, 1)),
    st.tuples(st.just("void"), st.integers(0, 50)),
    st.tuples(st.just("adjust"), member_index, st.integers(-300, 300)),
    st.tuples(st.just("time"), st.integers(1, 40)),
)


def assert_sound() -> None:
    assert ledger_problems() == []
    assert not PointsAccount.objects.filter(balance__lt=0).exists()
    entries = PointsEntry.objects.aggregate(total=Sum("points"))["total"] or 0
    balances = PointsAccount.objects.aggregate(total=Sum("balance"))["total"] or 0
    assert entries == balances
    assert not PointsLot.objects.filter(remaining__lt=0).exists()


@pytest.mark.django_db
@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(steps=st.lists(operations, min_size=1, max_size=25))
def test_random_operations_keep_the_ledger_sound(steps):
    from django.db import transaction

    with transaction.atomic():
        _run(steps)
        transaction.set_rollback(True)


def _run(steps) -> None:
    start = timezone.now() - datetime.timedelta(days=400)
    with time_machine.travel(start, tick=False) as clock:
        program = program_settings_get()
        program.expiry_policy, program.expiry_days, program.pending_days = "days", 30, 2
        program.save()
        store = create_store(code="prop")
        manager = create_manager(store=store)
        members = [create_customer() for _ in range(3)]
        base_rule("1")
        rule(RuleKind.THRESHOLD_BONUS, "Spend 100", threshold_amount=Decimal("100"), points=20)
        rewards = [
            make_reward("cheap", points_cost=30, stock=5),
            make_reward("dear", points_cost=150),
        ]
        receipt = 0
        for step in steps:
            kind = step[0]
            try:
                if kind == "buy":
                    receipt += 1
                    lines = [
                        BasketLine(amount=amount, quantity=quantity) for amount, quantity in step[2]
                    ]
                    checkout_purchase(
                        member=members[step[1]], store=store, external_id=f"r{receipt}", lines=lines
                    )
                elif kind == "return":
                    purchases = list(Purchase.objects.order_by("pk"))
                    if purchases:
                        purchase = purchases[step[1] % len(purchases)]
                        line = purchase.lines.order_by("position").first()
                        checkout_return(
                            purchase=purchase,
                            lines=[ReturnRequest(line_id=line.pk, quantity=step[2])],
                        )
                elif kind == "redeem":
                    reward_redeem(
                        member=members[step[1]],
                        reward=rewards[step[2]],
                        channel=RedemptionChannel.ONLINE,
                    )
                elif kind == "void":
                    issued = list(
                        Redemption.objects.filter(status=RedemptionStatus.ISSUED).order_by("pk")
                    )
                    if issued:
                        redemption_void(redemption=issued[step[1] % len(issued)], actor=manager)
                elif kind == "adjust" and step[2]:
                    points_adjust(
                        account=members[step[1]].points_account,
                        points=step[2],
                        reason="test",
                        actor=manager,
                    )
                elif kind == "time":
                    clock.shift(datetime.timedelta(days=step[1]))
                    points_release_due()
                    points_expire_due()
            except DomainError:
                pass  # a refused operation must leave everything as it was, which the audit checks
            assert_sound()
