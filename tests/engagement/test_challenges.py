import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from engagement.models import Challenge, ChallengeCard, ChallengeStamp
from engagement.services.checkout import checkout_return
from loyalty.models import EntryKind, PointsEntry, RuleKind
from loyalty.services import ReturnRequest
from rewards.models import Redemption, RedemptionStatus
from tests.factories import create_store
from tests.loyalty.points import base_rule, buy, category, line, rule, state
from tests.rewards.catalogue import make_reward


def challenge(**fields) -> Challenge:
    fields.setdefault("name", "Buy 3 times over 20")
    fields.setdefault("starts_at", timezone.now() - datetime.timedelta(days=1))
    fields.setdefault("purchases_needed", 3)
    stores = fields.pop("stores", [])
    created = Challenge.objects.create(**fields)
    created.stores.set(stores)
    return created


@pytest.fixture
def rules(db):
    base_rule("1")


@pytest.mark.django_db
def test_the_third_qualifying_purchase_completes_the_card_once(customer, store, rules):
    challenge(min_amount=Decimal("20"), reward_points=50)

    buy(customer, store, "r1", line("25"))
    buy(customer, store, "r2", line("10"))  # too small: no stamp
    buy(customer, store, "r3", line("30"))
    buy(customer, store, "r3", line("30"))  # a till retry: no second stamp
    buy(customer, store, "r4", line("20"))
    buy(customer, store, "r5", line("40"))  # after completion: nothing more (not repeatable)

    card = ChallengeCard.objects.get()
    assert (card.stamps, card.completed_at is not None) == (3, True)
    assert ChallengeStamp.objects.count() == 3
    bonus = PointsEntry.objects.filter(kind=EntryKind.BONUS)
    assert list(bonus.values_list("points", "note")) == [
        (50, "Challenge completed: Buy 3 times over 20")
    ]
    assert state(customer)[0] == 25 + 10 + 30 + 20 + 40 + 50


@pytest.mark.django_db
def test_a_repeatable_challenge_starts_a_new_card(customer, store, rules):
    challenge(purchases_needed=2, reward_points=10, repeatable=True)

    for number in range(5):
        buy(customer, store, f"r{number}", line("5"))

    cards = list(
        ChallengeCard.objects.order_by("round").values_list("round", "stamps", "completed_at")
    )
    assert [(round_, stamps, done is not None) for round_, stamps, done in cards] == [
        (1, 2, True),
        (2, 2, True),
        (3, 1, False),
    ]
    assert state(customer)[0] == 25 + 20


@pytest.mark.django_db
def test_category_and_store_conditions(customer, store, rules):
    coffee = category("coffee")
    airport = create_store(code="airport")
    challenge(purchases_needed=2, category=coffee, stores=[store], reward_points=10)

    buy(customer, store, "r1", line("5"))  # no coffee
    buy(customer, airport, "r2", line("5", category=coffee))  # other store
    buy(customer, store, "r3", line("5", category=coffee))

    assert ChallengeCard.objects.get().stamps == 1


@pytest.mark.django_db
def test_a_returned_purchase_loses_its_stamp_while_the_card_is_open(customer, store, rules):
    challenge(min_amount=Decimal("20"), reward_points=50)
    first = buy(customer, store, "r1", line("15"), line("10"))
    buy(customer, store, "r2", line("25"))

    lines = list(first.lines.order_by("position"))
    checkout_return(purchase=first, lines=[ReturnRequest(line_id=lines[1].pk, quantity=1)])

    card = ChallengeCard.objects.get()
    assert card.stamps == 1
    assert list(ChallengeStamp.objects.values_list("purchase__external_id", flat=True)) == ["r2"]


@pytest.mark.django_db
def test_a_voucher_prize_is_issued_through_the_ledger(customer, store, rules):
    prize = make_reward("free-coffee", points_cost=80, stock=1)
    challenge(purchases_needed=1, reward=prize)

    buy(customer, store, "r1", line("5"))

    redemption = Redemption.objects.get()
    assert (redemption.reward, redemption.status, redemption.points) == (
        prize,
        RedemptionStatus.ISSUED,
        80,
    )
    assert state(customer) == (5, 0, 0, 3)
    card = ChallengeCard.objects.get()
    assert card.prize_redemption == redemption


@pytest.mark.django_db
def test_a_sold_out_voucher_prize_leaves_its_points(customer, store, rules):
    prize = make_reward("free-coffee", points_cost=80, stock=0)
    challenge(purchases_needed=1, reward=prize)

    buy(customer, store, "r1", line("5"))

    assert Redemption.objects.count() == 0
    assert state(customer) == (85, 0, 0, 2)


@pytest.mark.django_db
def test_stamps_show_on_the_dashboard_and_ways_to_earn_lists_everything(
    client, customer, store, rules
):
    stamp_card = challenge(name="Coffee club", purchases_needed=4, reward_points=30)
    buy(customer, store, "r1", line("5"))
    client.force_login(customer.user)

    dashboard = client.get(reverse("members:dashboard")).content.decode()
    ways = client.get(reverse("ways_to_earn")).content.decode()

    assert f'data-testid="challenge-{stamp_card.pk}">1 of 4 stamps<' in dashboard
    assert dashboard.count('class="stamp stamp--done"') == 1
    assert dashboard.count('class="stamp"') == 3
    assert "1 point for every $1 you spend." in ways
    assert "Make 4 purchases" in ways
    assert "and get 30 bonus points." in ways


@pytest.mark.django_db
def test_ways_to_earn_names_a_promotion_s_days_and_leaves_out_caps_and_rules_not_in_force(
    client, rules
):
    rule(RuleKind.PROMOTION, "Triple weekend", multiplier=Decimal("3"), weekdays="6,7")
    rule(RuleKind.PURCHASE_CAP, "At most 500 a purchase", points=500)
    rule(RuleKind.PROMOTION, "Switched off", multiplier=Decimal("2"), is_active=False)

    ways = client.get(reverse("ways_to_earn")).content.decode()

    assert "On Saturday, Sunday." in ways
    assert "Triple weekend" in ways
    assert "At most 500 a purchase" not in ways
    assert "Switched off" not in ways
