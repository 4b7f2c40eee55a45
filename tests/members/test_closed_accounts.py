"""A closed account neither earns nor spends, anywhere; closing forfeits what it held."""

import pytest
from django.urls import reverse

from loyalty.exceptions import MemberClosed
from loyalty.models import EntryKind, PointsEntry
from loyalty.services import points_adjust, points_credit, program_settings_get
from loyalty.services.api_keys import api_key_create
from loyalty.services.ledger import credit_locked, lock_account
from members.privacy import member_close
from rewards.models import Redemption, RedemptionChannel
from rewards.services import reward_redeem
from tests.api.conftest import KeyClient, purchase_body, url
from tests.loyalty.points import base_rule, buy, category, line, state
from tests.rewards.catalogue import make_reward


@pytest.mark.django_db
def test_closing_forfeits_available_and_pending_points_in_one_entry(customer, store):
    program = program_settings_get()
    program.pending_days = 14
    program.save()
    base_rule("1")
    points_credit(account=customer.points_account, points=120)
    buy(customer, store, "r-1", line("30.00"))
    assert state(customer) == (120, 30, 0, 1)

    member_close(member=customer)

    assert state(customer) == (0, 0, 0, 2)
    forfeit = PointsEntry.objects.get(account__member=customer, kind=EntryKind.FORFEIT)
    assert (forfeit.points, forfeit.balance_after) == (-120, 0)
    assert sum(allocation.points for allocation in forfeit.allocations.all()) == -120


@pytest.mark.django_db
def test_a_closed_account_earns_nothing_and_spends_nothing(customer, store):
    base_rule("1")
    points_credit(account=customer.points_account, points=500)
    reward = make_reward(points_cost=100)
    member_close(member=customer)
    before = state(customer)

    with pytest.raises(MemberClosed):
        points_credit(account=customer.points_account, points=10)
    with pytest.raises(MemberClosed):
        points_adjust(account=customer.points_account, points=50, reason="goodwill", actor=None)
    with pytest.raises(MemberClosed):
        reward_redeem(member=customer, reward=reward, channel=RedemptionChannel.ONLINE)
    with pytest.raises(MemberClosed):
        credit_locked(
            lock_account(customer.points_account.pk),
            points=1,
            kind="bonus",
            earned_at=customer.joined_at,
        )

    assert state(customer) == before == (0, 0, 0, 2)
    assert Redemption.objects.count() == 0


@pytest.mark.django_db
def test_the_api_answers_member_closed_for_a_purchase_a_preview_and_a_redemption(customer, store):
    base_rule("1")
    category("coffee")
    points_credit(account=customer.points_account, points=500)
    reward = make_reward(points_cost=100)
    card = customer.card_number
    member_close(member=customer)
    till = KeyClient(api_key_create(store=store, name="Till 1")[1])
    body = purchase_body(customer)

    answers = [
        till.post(url("purchase-create"), body, format="json"),
        till.post(url("purchase-preview"), {"member": card, "lines": body["lines"]}, format="json"),
        till.post(url("redemption-create"), {"member": card, "reward": reward.pk}, format="json"),
    ]

    assert [(answer.status_code, answer.json()["code"]) for answer in answers] == [
        (409, "member_closed")
    ] * 3
    assert answers[0].json()["message"] == (
        "This member's account is closed: it neither earns nor spends points."
    )
    assert state(customer) == (0, 0, 0, 2)
    assert Redemption.objects.count() == 0


@pytest.mark.django_db
def test_the_desk_shows_a_closed_account_without_any_action(client, customer, staff_user):
    card = customer.card_number
    member_close(member=customer)
    client.force_login(staff_user)

    page = client.get(reverse("staff:member", args=[card]))

    html = page.content.decode()
    assert page.status_code == 200
    assert 'data-testid="account-closed"' in html
    assert reverse("staff_points:purchase_new", args=[card]) not in html
    assert reverse("staff_rewards:redeem", args=[card]) not in html
