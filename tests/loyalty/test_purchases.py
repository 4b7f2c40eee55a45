import datetime
from decimal import Decimal

import pytest
import time_machine
from django.utils import timezone

from engagement.services.checkout import checkout_purchase, checkout_return, checkout_void
from loyalty.exceptions import InvalidPurchase, InvalidReturn, PurchaseConflict, VoidNotAllowed
from loyalty.models import (
    EntryKind,
    PointsEntry,
    PointsLot,
    Purchase,
    PurchaseLine,
    PurchaseReturn,
    RuleKind,
)
from loyalty.services import (
    ReturnRequest,
    points_release_due,
    points_spend,
    program_settings_get,
    signup_bonus_grant,
)
from tests.factories import create_customer, create_staff, create_store
from tests.loyalty.points import base_rule, buy, category, line, lot_remaining, rule, state


@pytest.fixture
def rules(db):
    coffee = category("coffee")
    base_rule("1")
    rule(RuleKind.CATEGORY_MULTIPLIER, "Coffee 2x", multiplier=Decimal("2"), categories=[coffee])
    return coffee


def return_lines(purchase, *quantities):
    lines = list(purchase.lines.order_by("position"))
    return [
        ReturnRequest(line_id=lines[index].pk, quantity=qty)
        for index, qty in enumerate(quantities)
        if qty
    ]


@pytest.mark.django_db
def test_a_purchase_credits_its_points_and_keeps_the_breakdown(store, customer, staff_user, rules):
    recorded = checkout_purchase(
        member=customer,
        store=store,
        external_id="till-1",
        lines=[
            line("12.00", category=rules, description="Latte"),
            line("8.50", description="Bagel"),
        ],
        actor=staff_user,
        currency="usd",
        total=Decimal("20.50"),
    )

    purchase = recorded.purchase
    assert recorded.created is True
    assert (purchase.points, purchase.total, purchase.currency) == (32, Decimal("20.50"), "USD")
    assert [(item["name"], item["points"]) for item in purchase.breakdown] == [
        ("Base", 20),
        ("Coffee 2x", 12),
    ]
    assert list(purchase.lines.values_list("description", "points")) == [
        ("Latte", 24),
        ("Bagel", 8),
    ]
    assert state(customer) == (32, 0, 0, 1)
    entry = PointsEntry.objects.get()
    assert (entry.kind, entry.purchase, entry.store, entry.actor) == (
        EntryKind.PURCHASE,
        purchase,
        store,
        staff_user,
    )


@pytest.mark.django_db
def test_a_retried_purchase_is_credited_once(store, customer, rules):
    first = checkout_purchase(
        member=customer, store=store, external_id="till-1", lines=[line("10")]
    )
    again = checkout_purchase(
        member=customer, store=store, external_id="till-1", lines=[line("10")]
    )

    assert (first.created, again.created) == (True, False)
    assert again.purchase.pk == first.purchase.pk
    assert Purchase.objects.count() == 1
    assert state(customer) == (10, 0, 0, 1)


@pytest.mark.django_db
def test_the_same_receipt_id_at_another_store_is_another_purchase(store, customer, rules):
    other_store = create_store(code="harbour")

    buy(customer, store, "till-1", line("10"))
    buy(customer, other_store, "till-1", line("10"))

    assert state(customer) == (20, 0, 0, 2)


@pytest.mark.django_db
def test_a_receipt_id_already_used_for_another_member_is_a_conflict(
    store, customer, other_customer, rules
):
    buy(customer, store, "till-1", line("10"))

    with pytest.raises(PurchaseConflict):
        buy(other_customer, store, "till-1", line("10"))

    assert state(other_customer) == (0, 0, 0, 0)
    assert Purchase.objects.count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    "second",
    [
        [line("12")],  # another amount
        [line("10"), line("2")],  # a line more
        [line("10", quantity=2)],  # another quantity
    ],
)
def test_a_receipt_id_already_used_for_another_basket_is_a_conflict(store, customer, rules, second):
    buy(customer, store, "till-1", line("10"))

    with pytest.raises(PurchaseConflict):
        buy(customer, store, "till-1", *second)

    assert state(customer) == (10, 0, 0, 1)
    assert Purchase.objects.count() == 1
    assert buy(customer, store, "till-1", line("10.00")).points == 10  # the same sale again


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("lines", "kwargs", "message"),
    [
        ([], {}, "at least one line"),
        ([line("0")], {}, "more than zero"),
        ([line("-5")], {}, "more than zero"),
        ([line("1.005")], {}, "at most two decimals"),
        ([line("NaN")], {}, "more than zero"),
        ([line("10", quantity=0)], {}, "quantity must be a whole number"),
        ([line("10")], {"currency": "EUR"}, "counts in USD; this purchase is in EUR"),
        ([line("10")], {"total": Decimal("11")}, "does not match the lines"),
        ([line("10")], {"external_id": "  "}, "receipt id"),
        (
            [line("10")],
            {"occurred_at": timezone.now() + datetime.timedelta(hours=1)},
            "in the future",
        ),
        (
            [line("10")],
            {"occurred_at": timezone.now() - datetime.timedelta(days=7, minutes=1)},
            "more than 7 days ago",
        ),
        (
            [line("10")],
            {"occurred_at": datetime.datetime(2026, 3, 1, 14, 5)},
            "needs a time zone",
        ),
    ],
)
def test_bad_purchases_are_refused_and_record_nothing(
    store, customer, rules, lines, kwargs, message
):
    arguments = {
        "member": customer,
        "store": store,
        "external_id": "till-1",
        "lines": lines,
        **kwargs,
    }

    with pytest.raises(InvalidPurchase, match=message):
        checkout_purchase(**arguments)

    assert Purchase.objects.count() == 0
    assert PurchaseLine.objects.count() == 0
    assert state(customer) == (0, 0, 0, 0)


@pytest.mark.django_db
def test_a_closed_store_cannot_record(customer, rules):
    closed = create_store(code="closed")
    closed.is_active = False
    closed.save()

    with pytest.raises(InvalidPurchase, match="closed"):
        buy(customer, closed, "till-1", line("10"))

    assert Purchase.objects.count() == 0


@pytest.mark.django_db
def test_returning_a_line_takes_back_exactly_its_points(store, customer, rules):
    purchase = buy(customer, store, "till-1", line("10", category=rules), line("7"))

    returned = checkout_return(
        purchase=purchase, lines=return_lines(purchase, 1, 0)
    ).purchase_return

    assert (returned.points, returned.debt_added) == (20, 0)
    assert state(customer) == (7, 0, 0, 2)
    purchase.refresh_from_db()
    assert purchase.points_reversed == 20
    assert list(purchase.lines.values_list("returned_quantity", flat=True)) == [1, 0]


@pytest.mark.django_db
def test_partial_quantities_return_their_share_and_add_up_to_the_line(store, customer, rules):
    purchase = buy(customer, store, "till-1", line("10", quantity=3))  # 10 points for 3 items

    first = checkout_return(purchase=purchase, lines=return_lines(purchase, 1)).purchase_return
    second = checkout_return(purchase=purchase, lines=return_lines(purchase, 2)).purchase_return

    assert (first.points, second.points) == (3, 7)
    assert state(customer) == (0, 0, 0, 3)


@pytest.mark.django_db
def test_a_line_is_never_returned_more_than_bought(store, customer, rules):
    purchase = buy(customer, store, "till-1", line("10", quantity=2))
    checkout_return(purchase=purchase, lines=return_lines(purchase, 2))

    with pytest.raises(InvalidReturn, match="1 returned but only 0 left"):
        checkout_return(purchase=purchase, lines=return_lines(purchase, 1))
    with pytest.raises(InvalidReturn, match="Nothing is left"):
        checkout_return(purchase=purchase, lines=None)

    assert state(customer) == (0, 0, 0, 2)
    assert PurchaseReturn.objects.count() == 1


@pytest.mark.django_db
def test_bad_return_requests_change_nothing(store, customer, other_customer, rules):
    purchase = buy(customer, store, "till-1", line("10", quantity=2))
    other = buy(other_customer, store, "till-2", line("10"))
    line_id = purchase.lines.get().pk

    for lines, message in [
        ([ReturnRequest(line_id=other.lines.get().pk, quantity=1)], "not part of this purchase"),
        ([ReturnRequest(line_id=line_id, quantity=3)], "3 returned but only 2 left"),
        ([ReturnRequest(line_id=line_id, quantity=0)], "whole numbers from 1"),
        ([ReturnRequest(line_id=line_id, quantity=1)] * 2, "named once"),
        ([], "Nothing is left"),
    ]:
        with pytest.raises(InvalidReturn, match=message):
            checkout_return(purchase=purchase, lines=lines)

    assert state(customer) == (10, 0, 0, 1)
    assert PurchaseReturn.objects.count() == 0
    assert purchase.lines.get().returned_quantity == 0


@pytest.mark.django_db
def test_a_return_after_spending_takes_the_balance_and_the_rest_becomes_debt(
    store, customer, rules
):
    earlier = buy(customer, store, "till-0", line("15"))
    purchase = buy(customer, store, "till-1", line("40"))
    points_spend(
        account=customer.points_account, points=50
    )  # FEFO: 15 from earlier, 35 from this one
    assert lot_remaining(customer) == [0, 5]

    returned = checkout_return(purchase=purchase, lines=None).purchase_return

    assert (returned.points, returned.debt_added) == (40, 35)
    assert state(customer) == (0, 0, 35, 4)
    entry = PointsEntry.objects.get(purchase_return=returned)
    assert (entry.points, entry.debt_change, entry.balance_after) == (-5, 35, 0)
    assert earlier.points == 15

    # The next purchase pays the debt off first.
    later = buy(customer, store, "till-2", line("50"))
    assert later.points == 50
    assert state(customer) == (15, 0, 0, 5)


@pytest.mark.django_db
def test_a_return_takes_other_points_when_its_own_lot_was_spent(store, customer, rules):
    purchase = buy(customer, store, "till-1", line("30"))
    points_spend(account=customer.points_account, points=30)
    buy(customer, store, "till-2", line("50"))

    returned = checkout_return(purchase=purchase, lines=None).purchase_return

    assert (returned.points, returned.debt_added) == (30, 0)
    assert state(customer) == (20, 0, 0, 4)
    assert lot_remaining(customer) == [0, 20]


@pytest.mark.django_db
def test_returning_below_the_threshold_takes_the_bonus_back(store, customer, rules):
    rule(RuleKind.THRESHOLD_BONUS, "Spend 50", threshold_amount=Decimal("50"), points=25)
    purchase = buy(customer, store, "till-1", line("30"), line("30"))
    assert purchase.points == 85

    returned = checkout_return(
        purchase=purchase, lines=return_lines(purchase, 1, 0)
    ).purchase_return

    assert returned.points == 55
    assert state(customer) == (30, 0, 0, 2)


@pytest.mark.django_db
def test_a_return_never_takes_more_than_the_capped_credit(store, customer, rules):
    rule(RuleKind.PURCHASE_CAP, "Max 100", points=100)
    purchase = buy(customer, store, "till-1", line("150"), line("60"))
    assert purchase.points == 100

    first = checkout_return(purchase=purchase, lines=return_lines(purchase, 0, 1)).purchase_return
    second = checkout_return(purchase=purchase, lines=return_lines(purchase, 1, 0)).purchase_return

    # Keeping 150 still earns the capped 100; returning it too takes the 100 back.
    assert (first.points, second.points) == (0, 100)
    assert state(customer) == (0, 0, 0, 2)


@pytest.mark.django_db
def test_a_repeated_return_id_returns_once(store, customer, rules):
    purchase = buy(customer, store, "till-1", line("10", quantity=2))

    first = checkout_return(purchase=purchase, lines=return_lines(purchase, 1), external_id="ret-1")
    again = checkout_return(purchase=purchase, lines=return_lines(purchase, 1), external_id="ret-1")

    assert first.purchase_return.pk == again.purchase_return.pk
    assert (first.created, again.created) == (True, False)
    assert state(customer) == (5, 0, 0, 2)


@pytest.mark.django_db
def test_pending_points_of_a_returned_purchase_are_cancelled_without_a_ledger_entry(
    store, customer, rules
):
    program = program_settings_get()
    program.pending_days = 14
    program.save()
    purchase = buy(customer, store, "till-1", line("30"), line("20"))
    assert state(customer) == (0, 50, 0, 0)

    checkout_return(purchase=purchase, lines=return_lines(purchase, 1, 0))

    assert state(customer) == (0, 20, 0, 0)
    assert points_release_due(now=timezone.now() + datetime.timedelta(days=15)) == 1
    assert state(customer) == (20, 0, 0, 1)


@pytest.mark.django_db
def test_lots_expire_from_when_the_purchase_happened_not_when_it_synced(store, customer, rules):
    program = program_settings_get()
    program.expiry_policy, program.expiry_days = "days", 10
    program.save()
    bought = timezone.now() - datetime.timedelta(days=3)

    buy(customer, store, "till-1", line("10"), occurred_at=bought)

    lot = PointsLot.objects.get()
    assert lot.earned_at == bought
    assert lot.expires_at.date() - timezone.localtime(bought).date() == datetime.timedelta(days=11)


@pytest.mark.django_db
def test_the_recorder_voids_within_the_window(store, customer, rules):
    staff = create_staff(store=store)
    purchase = buy(customer, store, "till-1", line("10"), line("5"), actor=staff)

    voided = checkout_void(purchase=purchase, actor=staff, store=store).purchase_return

    assert (voided.is_void, voided.points) == (True, 15)
    assert state(customer) == (0, 0, 0, 2)
    purchase.refresh_from_db()
    assert purchase.voided_at is not None


@pytest.mark.django_db
def test_void_is_refused_to_others_and_after_the_window(store, customer, rules):
    recorder, colleague = create_staff(store=store), create_staff(store=store)
    with time_machine.travel(timezone.now() - datetime.timedelta(minutes=20)):
        old = buy(customer, store, "till-1", line("10"), actor=recorder)
    fresh = buy(customer, store, "till-2", line("10"), actor=recorder)

    with pytest.raises(VoidNotAllowed, match="within 15 minutes"):
        checkout_void(purchase=fresh, actor=colleague)
    with pytest.raises(VoidNotAllowed):
        checkout_void(purchase=old, actor=recorder)

    assert state(customer) == (20, 0, 0, 2)
    assert PurchaseReturn.objects.count() == 0


@pytest.mark.django_db
def test_the_signup_bonus_is_given_once(store):
    rule(RuleKind.SIGNUP_BONUS, "Welcome", points=100)

    member = create_customer()
    again = signup_bonus_grant(member=member)

    assert state(member) == (100, 0, 0, 1)
    entry = PointsEntry.objects.get(account__member=member)
    assert (entry.kind, entry.points, entry.note, again.pk) == (
        EntryKind.SIGNUP_BONUS,
        100,
        "Welcome",
        entry.pk,
    )


@pytest.mark.django_db
def test_amounts_as_text_or_float_are_read_exactly(store, customer, rules):
    from loyalty.services import BasketLine, points_preview

    preview = points_preview(
        lines=[BasketLine(amount="12.50"), BasketLine(amount=2.25)], member=customer, store=store
    )
    recorded = checkout_purchase(
        member=customer, store=store, external_id="till-1", lines=[BasketLine(amount="12.50")]
    )

    assert preview.total == 14
    assert recorded.purchase.total == Decimal("12.50")
    assert state(customer) == (12, 0, 0, 1)


@pytest.mark.django_db
@pytest.mark.parametrize("amount", ["-5", "0", "abc", "1.001"])
def test_preview_refuses_what_recording_would_refuse(store, customer, rules, amount):
    from loyalty.services import BasketLine, points_preview

    with pytest.raises(InvalidPurchase):
        points_preview(lines=[BasketLine(amount=amount)], member=customer, store=store)


@pytest.mark.django_db
def test_a_void_after_everything_was_returned_or_voided_says_so(store, customer, rules):
    from loyalty.services.purchases import purchase_void_allowed

    staff = create_staff(store=store)
    returned = buy(customer, store, "till-1", line("10"), actor=staff)
    checkout_return(purchase=returned, lines=None, actor=staff)
    voided = buy(customer, store, "till-2", line("10"), actor=staff)
    checkout_void(purchase=voided, actor=staff)

    assert purchase_void_allowed(purchase=returned, actor=staff) is False
    with pytest.raises(VoidNotAllowed, match="already returned"):
        checkout_void(purchase=returned, actor=staff)
    with pytest.raises(VoidNotAllowed, match="already voided"):
        checkout_void(purchase=voided, actor=staff)
    assert state(customer) == (0, 0, 0, 4)


@pytest.mark.django_db
def test_a_sale_before_the_member_joined_is_refused_a_few_minutes_of_clock_skew_are_not(
    store, rules
):
    newcomer = create_customer(email="new@example.com")
    joined = newcomer.joined_at

    with pytest.raises(InvalidPurchase, match="before the member joined"):
        buy(newcomer, store, "till-1", line("10"), occurred_at=joined - datetime.timedelta(hours=1))
    assert Purchase.objects.count() == 0

    skewed = buy(
        newcomer, store, "till-2", line("10"), occurred_at=joined - datetime.timedelta(minutes=4)
    )
    assert (skewed.points, state(newcomer)) == (10, (10, 0, 0, 1))


@pytest.mark.django_db
def test_a_late_sale_earns_by_its_own_day_and_waits_the_whole_pending_period(
    store, customer, rules, time_machine
):
    """Promotions and caps follow the sale's time; the pending period runs from when the sale
    reached the program, so sending it late does not shorten the wait."""
    time_machine.move_to(datetime.datetime(2026, 6, 18, 12, 0, tzinfo=datetime.UTC), tick=False)
    program = program_settings_get()
    program.pending_days = 2
    program.save()
    rule(RuleKind.PROMOTION, "Monday double", multiplier=Decimal("2"), weekdays="1")
    monday = datetime.datetime(2026, 6, 15, 12, 0, tzinfo=datetime.UTC)  # three days ago

    purchase = buy(customer, store, "till-1", line("10"), occurred_at=monday)

    lot = PointsLot.objects.get(purchase=purchase)
    assert (purchase.points, lot.earned_at, lot.available_at) == (
        20,
        monday,
        timezone.now() + datetime.timedelta(days=2),
    )
    assert state(customer) == (0, 20, 0, 0)  # pending: no entry until released
