"""A return works the tier out again at once: the downgrade hold protects a tier that was earned,
not one whose purchase came back (#16)."""

import datetime
from decimal import Decimal

import pytest

from engagement.services.checkout import checkout_return, checkout_void
from loyalty.models import OutboxEmail, PointsAccount, Tier, TierChange
from loyalty.services import tiers_recalculate
from loyalty.services.purchases import ReturnRequest
from tests.factories import create_staff
from tests.loyalty.points import buy, line

UTC = datetime.UTC
# After the fixtures' members joined: every purchase here is a sale they could have made.
START = datetime.datetime(2027, 1, 10, 12, 0, tzinfo=UTC)


def _tiers() -> tuple[Tier, Tier]:
    silver = Tier.objects.create(name="Silver", rank=1, threshold=Decimal("500.00"))
    gold = Tier.objects.create(name="Gold", rank=2, threshold=Decimal("1000.00"))
    return silver, gold


def _tier(member) -> tuple[str | None, datetime.datetime | None]:
    account = PointsAccount.objects.select_related("tier").get(member=member)
    return (account.tier.name if account.tier else None, account.tier_since)


def _changes(member) -> list[tuple[str | None, str | None, str]]:
    return [
        (
            change.from_tier.name if change.from_tier else None,
            change.to_tier.name if change.to_tier else None,
            change.reason,
        )
        for change in TierChange.objects.filter(account__member=member).order_by("pk")
    ]


def _tier_email_kinds() -> list[str]:
    return [
        key.split(":")[0]
        for key in OutboxEmail.objects.filter(key__startswith="tier-")
        .order_by("pk")
        .values_list("key", flat=True)
    ]


@pytest.mark.django_db
def test_a_full_return_of_the_purchase_that_reached_gold_takes_gold_back_at_once(
    customer, store, time_machine
):
    _tiers()
    time_machine.move_to(START, tick=False)
    purchase = buy(customer, store, "big", line("1000.00"))
    assert _tier(customer) == ("Gold", START)

    later = START + datetime.timedelta(days=3)
    time_machine.move_to(later, tick=False)
    checkout_return(purchase=purchase, lines=None)

    assert _tier(customer) == (None, None)
    assert _changes(customer) == [
        (None, "Gold", "Reached $1,000 spend in 12 months"),
        (
            "Gold",
            None,
            "A return left $0 spend in 12 months, below the Gold threshold of $1,000",
        ),
    ]
    # The congratulation went out with the purchase; a move down sends no "upgrade" email.
    assert _tier_email_kinds() == ["tier-upgrade"]
    # The nightly run finds nothing left to do, and no hold keeps Gold.
    time_machine.move_to(later + datetime.timedelta(days=1), tick=False)
    assert tiers_recalculate().downgrades == 0
    assert _tier(customer) == (None, None)


@pytest.mark.django_db
def test_a_void_of_the_purchase_that_reached_silver_takes_silver_back(
    customer, store, time_machine
):
    _tiers()
    staff = create_staff(email="desk@example.com", store=store)
    time_machine.move_to(START, tick=False)
    buy(customer, store, "small", line("100.00"))
    purchase = buy(customer, store, "mistake", line("450.00"), actor=staff)
    assert _tier(customer) == ("Silver", START)

    checkout_void(purchase=purchase, actor=staff)

    assert _tier(customer) == (None, None)
    assert _changes(customer)[-1] == (
        "Silver",
        None,
        "A return left $100 spend in 12 months, below the Silver threshold of $500",
    )


@pytest.mark.django_db
def test_a_fairly_earned_gold_stays_when_a_small_item_comes_back(customer, store, time_machine):
    _tiers()
    time_machine.move_to(START, tick=False)
    purchase = buy(customer, store, "big", line("1100.00"), line("80.00"))
    time_machine.move_to(START + datetime.timedelta(days=30), tick=False)

    checkout_return(
        purchase=purchase,
        lines=[ReturnRequest(line_id=purchase.lines.get(position=2).pk, quantity=1)],
    )

    assert _tier(customer) == ("Gold", START)
    assert len(_changes(customer)) == 1


@pytest.mark.django_db
def test_a_partial_return_below_gold_goes_to_the_tier_the_kept_spend_reaches(
    customer, store, time_machine
):
    _tiers()
    time_machine.move_to(START, tick=False)
    purchase = buy(customer, store, "big", line("700.00"), line("400.00"))
    later = START + datetime.timedelta(days=30)
    time_machine.move_to(later, tick=False)

    checkout_return(
        purchase=purchase,
        lines=[ReturnRequest(line_id=purchase.lines.get(position=2).pk, quantity=1)],
    )

    # Silver from now, with a hold of its own: it was never reached before.
    assert _tier(customer) == ("Silver", later)
    assert _changes(customer)[-1][:2] == ("Gold", "Silver")


@pytest.mark.django_db
def test_gold_reached_only_by_later_kept_purchases_stays(customer, store, time_machine):
    _tiers()
    time_machine.move_to(START, tick=False)
    first = buy(customer, store, "first", line("1000.00"))
    time_machine.move_to(START + datetime.timedelta(days=10), tick=False)
    buy(customer, store, "second", line("1200.00"))

    checkout_return(purchase=first, lines=None)

    assert _tier(customer) == ("Gold", START)
    assert len(_changes(customer)) == 1


@pytest.mark.django_db
def test_a_silver_earned_before_keeps_its_hold_when_gold_comes_back(customer, store, time_machine):
    _tiers()
    # Silver reached fairly at SILVER_SINCE with 300 + 300 of spend.
    time_machine.move_to(START, tick=False)
    buy(customer, store, "a", line("300.00"))
    silver_since = START + datetime.timedelta(days=180)
    time_machine.move_to(silver_since, tick=False)
    buy(customer, store, "b", line("300.00"))
    assert _tier(customer) == ("Silver", silver_since)
    # 13 months after the first purchase only 300 of it counts; 800 more reach Gold.
    now = START + datetime.timedelta(days=400)
    time_machine.move_to(now, tick=False)
    big = buy(customer, store, "c", line("800.00"))
    assert _tier(customer) == ("Gold", now)

    checkout_return(purchase=big, lines=None)

    # Back to Silver, its hold still counted from when it was earned, not from the return.
    assert _tier(customer) == ("Silver", silver_since)
    assert _changes(customer)[-1] == (
        "Gold",
        "Silver",
        "A return left $300 spend in 12 months, below the Gold threshold of $1,000",
    )
    # The nightly run keeps Silver until its hold ends...
    time_machine.move_to(now + datetime.timedelta(days=1), tick=False)
    tiers_recalculate()
    assert _tier(customer) == ("Silver", silver_since)
    # ...and then moves the member down as it would have without the returned purchase.
    time_machine.move_to(silver_since + datetime.timedelta(days=366), tick=False)
    tiers_recalculate()
    assert _tier(customer)[0] is None
