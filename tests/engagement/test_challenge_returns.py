"""A returned stamp purchase takes its stamp back, and a card it completed gives its prize back."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from engagement.models import ChallengeCard, ChallengeStamp
from engagement.services.checkout import checkout_return, checkout_void
from loyalty.exceptions import InvalidReturn
from loyalty.models import EntryKind, PointsEntry
from loyalty.services import ReturnRequest, points_spend, program_settings_get
from rewards.models import Redemption, RedemptionStatus, Reward
from rewards.services import voucher_use, vouchers_expire_due
from tests.engagement.test_challenges import challenge
from tests.loyalty.points import base_rule, buy, line, state
from tests.rewards.catalogue import make_reward

TAKEN_BACK = "Challenge prize taken back: Buy 3 times over 20"


@pytest.fixture
def rules(db):
    base_rule("1")


def card_state(round_: int = 1) -> tuple[int, bool, bool]:
    """(stamps, completed, has a prize) of the card of that round."""
    card = ChallengeCard.objects.get(round=round_)
    return card.stamps, card.completed_at is not None, card.prize_lot_id is not None


def stamped(round_: int = 1) -> list[str]:
    return sorted(
        ChallengeStamp.objects.filter(card__round=round_).values_list(
            "purchase__external_id", flat=True
        )
    )


@pytest.mark.django_db
def test_a_full_return_reopens_the_card_and_takes_the_available_prize_back(customer, store, rules):
    challenge(purchases_needed=2, reward_points=50)
    first = buy(customer, store, "r1", line("25"))
    buy(customer, store, "r2", line("25"))
    assert (card_state(), state(customer)) == ((2, True, True), (100, 0, 0, 3))

    returned = checkout_return(purchase=first, lines=None).purchase_return

    assert card_state() == (1, False, False)
    assert stamped() == ["r2"]
    assert state(customer) == (25, 0, 0, 5)
    entry = PointsEntry.objects.get(note="Challenge prize taken back: Buy 3 times over 20")
    assert (entry.kind, entry.points, entry.debt_change, entry.purchase_return) == (
        EntryKind.RETURN,
        -50,
        0,
        returned,
    )


@pytest.mark.django_db
def test_a_pending_prize_is_cancelled_without_an_entry(customer, store, rules):
    program = program_settings_get()
    program.pending_days = 14
    program.save()
    challenge(purchases_needed=2, reward_points=50)
    first = buy(customer, store, "r1", line("25"))
    buy(customer, store, "r2", line("25"))
    assert state(customer) == (0, 100, 0, 0)

    checkout_return(purchase=first, lines=None)

    assert card_state() == (1, False, False)
    assert state(customer) == (0, 25, 0, 0)


@pytest.mark.django_db
def test_a_spent_prize_becomes_debt(customer, store, rules):
    challenge(purchases_needed=2, reward_points=50)
    first = buy(customer, store, "r1", line("25"))
    buy(customer, store, "r2", line("25"))
    points_spend(account=customer.points_account, points=90, note="A reward")

    checkout_return(purchase=first, lines=None)

    # The purchase's 25 take the last 10 and leave 15 of debt; the prize's 50 are all debt.
    assert state(customer) == (0, 0, 65, 6)
    assert card_state() == (1, False, False)


@pytest.mark.django_db
def test_a_void_of_the_stamp_purchase_reopens_the_card(customer, store, rules, staff_user):
    challenge(purchases_needed=2, reward_points=50)
    buy(customer, store, "r1", line("25"), actor=staff_user)
    second = buy(customer, store, "r2", line("25"), actor=staff_user)

    checkout_void(purchase=second, actor=staff_user, store=store)

    assert card_state() == (1, False, False)
    assert stamped() == ["r1"]
    assert state(customer) == (25, 0, 0, 5)


@pytest.mark.django_db
def test_an_unused_voucher_prize_is_voided_and_the_balance_is_as_before(customer, store, rules):
    prize = make_reward("free-coffee", points_cost=80, stock=1)
    challenge(purchases_needed=1, reward=prize)
    purchase = buy(customer, store, "r1", line("5"))
    assert (state(customer), Reward.objects.get().stock) == ((5, 0, 0, 3), 0)

    checkout_return(purchase=purchase, lines=None)

    redemption = Redemption.objects.get()
    assert (redemption.status, redemption.void_reason) == (
        RedemptionStatus.VOID,
        "Challenge prize taken back: Buy 3 times over 20",
    )
    assert Reward.objects.get().stock == 1
    # -5 for the purchase, +80 back from the voucher, -80 for the prize: nothing owed.
    assert state(customer) == (0, 0, 0, 6)
    assert card_state() == (0, False, False)


@pytest.mark.django_db
def test_a_used_voucher_prize_becomes_debt_of_its_points(customer, store, rules, staff_user):
    prize = make_reward("free-coffee", points_cost=80, stock=1)
    challenge(purchases_needed=1, reward=prize)
    purchase = buy(customer, store, "r1", line("5"))
    voucher_use(code=Redemption.objects.get().code, actor=staff_user, store=store)

    checkout_return(purchase=purchase, lines=None)

    assert Redemption.objects.get().status == RedemptionStatus.FULFILLED
    assert state(customer) == (0, 0, 80, 5)
    assert card_state() == (0, False, False)


@pytest.mark.django_db
def test_a_voucher_that_lapsed_without_a_refund_owes_nothing(customer, store, rules):
    program = program_settings_get()
    program.voucher_expiry_returns_points = False
    program.save()
    prize = make_reward("free-coffee", points_cost=80, voucher_valid_days=7)
    challenge(purchases_needed=1, reward=prize)
    purchase = buy(customer, store, "r1", line("5"))
    assert vouchers_expire_due(now=timezone.now() + datetime.timedelta(days=8)) == 1

    checkout_return(purchase=purchase, lines=None)

    assert Redemption.objects.get().status == RedemptionStatus.EXPIRED
    assert state(customer) == (0, 0, 0, 4)
    assert card_state() == (0, False, False)


@pytest.mark.django_db
def test_a_reopened_card_completes_and_pays_again_with_the_next_purchase(customer, store, rules):
    challenge(purchases_needed=2, reward_points=50)
    first = buy(customer, store, "r1", line("25"))
    buy(customer, store, "r2", line("25"))
    checkout_return(purchase=first, lines=None)

    buy(customer, store, "r3", line("25"))

    assert card_state() == (2, True, True)
    assert stamped() == ["r2", "r3"]
    assert state(customer) == (25 + 25 + 50, 0, 0, 7)
    assert ChallengeCard.objects.count() == 1


@pytest.mark.django_db
def test_a_later_open_round_lends_its_stamp_so_the_prize_stays(customer, store, rules):
    challenge(purchases_needed=2, reward_points=10, repeatable=True)
    first = buy(customer, store, "r1", line("5"))
    buy(customer, store, "r2", line("5"))
    buy(customer, store, "r3", line("5"))

    checkout_return(purchase=first, lines=None)

    assert card_state(1) == (2, True, True)
    assert (stamped(1), stamped(2)) == (["r2", "r3"], [])
    assert card_state(2) == (0, False, False)
    assert state(customer) == (5 + 5 + 10, 0, 0, 5)


@pytest.mark.django_db
def test_a_partial_return_that_still_qualifies_keeps_stamp_and_prize(customer, store, rules):
    challenge(purchases_needed=2, min_amount=Decimal("20"), reward_points=50)
    first = buy(customer, store, "r1", line("25"), line("5"))
    buy(customer, store, "r2", line("25"))
    small = first.lines.get(amount=Decimal("5"))

    checkout_return(purchase=first, lines=[ReturnRequest(line_id=small.pk, quantity=1)])

    assert card_state() == (2, True, True)
    assert state(customer) == (25 + 25 + 50, 0, 0, 4)


@pytest.mark.django_db
def test_a_return_is_judged_by_what_it_changes_not_by_conditions_raised_since(
    customer, store, rules
):
    """The minimum went up after the card was stamped: returning one small line leaves the
    purchase as far from today's minimum as it was, so its stamp and the prize stay; a later
    return of all that is left takes them."""
    offer = challenge(purchases_needed=2, min_amount=Decimal("20"), reward_points=50)
    first = buy(customer, store, "r1", line("25"), line("5"))
    buy(customer, store, "r2", line("25"))
    offer.min_amount = Decimal("50")
    offer.save()
    small = first.lines.get(amount=Decimal("5"))

    checkout_return(purchase=first, lines=[ReturnRequest(line_id=small.pk, quantity=1)])

    assert card_state() == (2, True, True)
    assert stamped() == ["r1", "r2"]
    assert state(customer) == (25 + 25 + 50, 0, 0, 4)

    checkout_return(purchase=first, lines=None)

    assert card_state() == (1, False, False)
    assert stamped() == ["r2"]
    assert state(customer) == (25, 0, 0, 6)


@pytest.mark.django_db
def test_a_refused_return_leaves_card_and_prize(customer, store, rules):
    challenge(purchases_needed=2, reward_points=50)
    first = buy(customer, store, "r1", line("25"))
    buy(customer, store, "r2", line("25"))

    with pytest.raises(InvalidReturn):
        checkout_return(
            purchase=first, lines=[ReturnRequest(line_id=first.lines.get().pk, quantity=3)]
        )

    assert card_state() == (2, True, True)
    assert stamped() == ["r1", "r2"]
    assert state(customer) == (100, 0, 0, 3)
