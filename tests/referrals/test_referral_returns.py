"""Referral rewards wait for the qualifying purchase's return window, and leave with it."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from engagement.services.checkout import checkout_return, checkout_void
from loyalty.exceptions import InvalidReturn
from loyalty.models import EntryKind, PointsEntry, PointsLot
from loyalty.services import ReturnRequest, points_release_due, points_spend, program_settings_get
from referrals.exceptions import ReviewNotAllowed
from referrals.models import Referral, ReferralStatus
from referrals.services import (
    referral_approve,
    referral_attach,
    referral_code_for,
    referral_settings_get,
)
from tests.factories import create_customer
from tests.loyalty.points import base_rule, buy, line, state

TAKEN_BACK = "Referral reward taken back: the qualifying purchase was returned"


@pytest.fixture
def rules(db):
    """1 point per USD, rewards 200 + 100 for a first purchase of 20, the default window."""
    base_rule("1")
    settings = referral_settings_get()
    settings.referrer_points, settings.friend_points = 200, 100
    settings.qualifying_amount, settings.qualifying_days = Decimal("20"), 30
    settings.save()
    assert settings.return_window_days == 14  # the default
    return settings


def friend_of(customer, *, first_name="Fiona"):
    friend = create_customer(email="fiona@example.com", first_name=first_name, last_name="Fischer")
    referral_attach(friend=friend, code=referral_code_for(member=customer).code, ip="10.0.0.1")
    return friend


def days_later(days: int, seconds: int = 0) -> datetime.datetime:
    return timezone.now() + datetime.timedelta(days=days, seconds=seconds)


@pytest.mark.django_db
def test_rewards_wait_for_the_return_window_then_the_worker_releases_them(customer, rules, store):
    friend = friend_of(customer)

    purchase = buy(friend, store, "till-1", line("30"))

    referral = Referral.objects.get()
    assert referral.status == ReferralStatus.REWARDED
    assert state(customer) == (0, 200, 0, 0)
    assert state(friend) == (30, 100, 0, 1)  # the purchase's own points are not held
    window_end = purchase.recorded_at + datetime.timedelta(days=14)
    assert referral.referrer_lot.available_at == window_end
    assert referral.friend_lot.available_at == window_end
    assert points_release_due(now=days_later(13)) == 0
    assert state(customer) == (0, 200, 0, 0)
    assert points_release_due(now=days_later(14, seconds=5)) == 2
    assert state(customer) == (200, 0, 0, 1)
    assert state(friend) == (130, 0, 0, 2)


@pytest.mark.django_db
def test_a_purchase_hold_longer_than_the_window_decides(customer, rules, store):
    program = program_settings_get()
    program.pending_days = 20
    program.save()
    friend = friend_of(customer)

    purchase = buy(friend, store, "till-1", line("30"))

    purchase_lot = PointsLot.objects.get(purchase=purchase)
    referral = Referral.objects.get()
    assert referral.referrer_lot.available_at == purchase_lot.available_at
    assert purchase_lot.available_at == purchase.occurred_at + datetime.timedelta(days=20)
    assert state(customer) == (0, 200, 0, 0)


@pytest.mark.django_db
def test_a_full_return_within_the_window_cancels_the_pending_rewards(customer, rules, store):
    friend = friend_of(customer)
    purchase = buy(friend, store, "till-1", line("30"))

    checkout_return(purchase=purchase, lines=None)

    referral = Referral.objects.get()
    assert referral.status == ReferralStatus.CANCELLED
    assert referral.reasons == ["The qualifying purchase was returned."]
    assert state(customer) == (0, 0, 0, 0)
    assert state(friend) == (0, 0, 0, 2)  # the purchase and its return
    assert (referral.referrer_lot.remaining, referral.friend_lot.remaining) == (0, 0)
    points_release_due(now=days_later(15))  # the emptied lots release nothing
    assert state(customer) == (0, 0, 0, 0)
    assert state(friend) == (0, 0, 0, 2)


@pytest.mark.django_db
def test_a_void_cancels_the_pending_rewards(customer, rules, store, staff_user):
    friend = friend_of(customer)
    purchase = buy(friend, store, "till-1", line("30"), actor=staff_user)

    checkout_void(purchase=purchase, actor=staff_user, store=store)

    assert Referral.objects.get().status == ReferralStatus.CANCELLED
    assert state(customer) == (0, 0, 0, 0)
    assert state(friend) == (0, 0, 0, 2)


@pytest.mark.django_db
def test_a_return_after_release_takes_the_rewards_back_and_what_was_spent_becomes_debt(
    customer, rules, store
):
    friend = friend_of(customer)
    purchase = buy(friend, store, "till-1", line("30"))
    points_release_due(now=days_later(15))
    points_spend(account=customer.points_account, points=150, note="A reward")

    returned = checkout_return(purchase=purchase, lines=None).purchase_return

    assert Referral.objects.get().status == ReferralStatus.CANCELLED
    assert state(customer) == (0, 0, 150, 3)
    assert state(friend) == (0, 0, 0, 4)
    taken_back = PointsEntry.objects.filter(note=TAKEN_BACK).order_by("account_id")
    assert sorted(
        (entry.account_id, entry.kind, entry.points, entry.debt_change, entry.purchase_return_id)
        for entry in taken_back
    ) == sorted(
        [
            (customer.points_account.pk, EntryKind.RETURN, -50, 150, None),
            (friend.points_account.pk, EntryKind.RETURN, -100, 0, returned.pk),
        ]
    )


@pytest.mark.django_db
def test_a_partial_return_that_keeps_the_minimum_keeps_the_rewards(customer, rules, store):
    friend = friend_of(customer)
    purchase = buy(friend, store, "till-1", line("25"), line("10"))
    small, large = sorted(purchase.lines.all(), key=lambda item: item.amount)

    checkout_return(purchase=purchase, lines=[ReturnRequest(line_id=small.pk, quantity=1)])

    assert Referral.objects.get().status == ReferralStatus.REWARDED
    assert state(customer) == (0, 200, 0, 0)
    assert state(friend) == (25, 100, 0, 2)

    # Returning the rest takes the purchase below the minimum: now the rewards go.
    checkout_return(purchase=purchase, lines=[ReturnRequest(line_id=large.pk, quantity=1)])

    assert Referral.objects.get().status == ReferralStatus.CANCELLED
    assert state(customer) == (0, 0, 0, 0)
    assert state(friend) == (0, 0, 0, 3)


@pytest.mark.django_db
def test_a_refused_return_leaves_the_rewards(customer, rules, store):
    friend = friend_of(customer)
    purchase = buy(friend, store, "till-1", line("30"))
    line_id = purchase.lines.get().pk

    with pytest.raises(InvalidReturn):
        checkout_return(purchase=purchase, lines=[ReturnRequest(line_id=line_id, quantity=2)])

    assert Referral.objects.get().status == ReferralStatus.REWARDED
    assert state(customer) == (0, 200, 0, 0)
    assert state(friend) == (30, 100, 0, 1)


@pytest.mark.django_db
def test_a_referral_waiting_for_review_is_cancelled_and_can_no_longer_be_approved(
    customer, rules, store, manager_user
):
    rules.monthly_cap = 0
    rules.save()
    friend = friend_of(customer)
    purchase = buy(friend, store, "till-1", line("30"))
    assert Referral.objects.get().status == ReferralStatus.QUALIFIED

    checkout_return(purchase=purchase, lines=None)

    referral = Referral.objects.get()
    assert (referral.status, referral.is_flagged) == (ReferralStatus.CANCELLED, False)
    with pytest.raises(ReviewNotAllowed):
        referral_approve(referral=referral, actor=manager_user)
    assert Referral.objects.get().status == ReferralStatus.CANCELLED
    assert state(customer) == (0, 0, 0, 0)
    assert state(friend) == (0, 0, 0, 2)


@pytest.mark.django_db
def test_reward_notes_never_echo_what_a_stranger_typed(customer, rules, store):
    rules.return_window_days = 0
    rules.save()
    friend = friend_of(customer, first_name="Call 555-0100 to claim")

    buy(friend, store, "till-1", line("30"))

    notes = dict(
        PointsEntry.objects.filter(
            kind__in=[EntryKind.REFERRAL_REFERRER, EntryKind.REFERRAL_FRIEND]
        ).values_list("kind", "note")
    )
    assert notes == {
        EntryKind.REFERRAL_REFERRER: "A friend you invited made their first purchase",
        EntryKind.REFERRAL_FRIEND: "Your first purchase with a friend's invitation",
    }


@pytest.mark.django_db
def test_the_referrer_and_the_manager_see_a_cancelled_referral(
    client, customer, rules, store, manager_user
):
    friend = friend_of(customer)
    purchase = buy(friend, store, "till-1", line("30"))
    checkout_return(purchase=purchase, lines=None)

    client.force_login(customer.user)
    mine = client.get(reverse("referrals:mine")).content.decode()
    client.force_login(manager_user)
    admin = client.get(reverse("admin:referrals_referral_changelist")).content.decode()

    assert "Cancelled: the purchase was returned" in mine
    assert 'data-testid="referral-points">0<' in mine
    assert "Cancelled: the purchase was returned" in admin
