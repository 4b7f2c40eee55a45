"""Confirm before value moves: a void, a return and a counter redemption each show what will
happen and ask once more; only the confirmation page's own button (`confirm=…`) acts."""

import re
import uuid

import pytest
from django.urls import reverse

from loyalty.models import PurchaseReturn
from loyalty.services import points_spend
from rewards.models import Redemption, RedemptionStatus, RewardKind
from tests.desk.test_points import (
    CONFIRM_VOID,
    RECEIPT_KEY,
    assert_ledger_adds_up,
    record,
    return_data,
    state,
)
from tests.desk.test_rewards import confirm_data, confirm_url, redeem_url, snapshot
from tests.factories import create_staff
from tests.rewards.catalogue import give_points, make_reward

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("coffee")]


def _messages(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def _templates(response) -> list[str]:
    return [template.name for template in response.templates if template.name.startswith("desk/")]


def _buttons(html: str) -> list[str]:
    """The page's action controls in document order: (tag, classes, label) as one string."""
    start = html.index('class="actions confirm-actions"')
    form = html[start : html.index("<footer", start)]  # not the footer's language switcher
    controls = re.findall(r'<(a|button)\b[^>]*class="([^"]+)"[^>]*>(.*?)</\1>', form)
    return [f"{tag}|{classes}|{label}" for tag, classes, label in controls]


def void_url(purchase) -> str:
    return reverse("staff_points:purchase_void", args=[purchase.member.card_number, purchase.pk])


def return_url(purchase) -> str:
    return reverse("staff_points:purchase_return", args=[purchase.member.card_number, purchase.pk])


def _nothing_returned(purchase, customer) -> None:
    purchase.refresh_from_db()
    assert (purchase.points_reversed, purchase.voided_at) == (0, None)
    assert PurchaseReturn.objects.count() == 0
    assert state(customer) == (31, 0, 1)
    assert_ledger_adds_up(customer)


# --- void ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "data",
    [pytest.param({}, id="old-one-tap-form"), pytest.param({"confirm": "yes"}, id="other-value")],
)
def test_a_void_post_without_confirmation_shows_the_page_and_records_nothing(
    client, store, customer, staff_user, data
):
    purchase = record(customer, store, actor=staff_user, external_id="T1-000123")
    client.force_login(staff_user)

    response = client.post(void_url(purchase), data)

    assert response.status_code == 200
    assert _templates(response)[0] == "desk/purchase_void_confirm.html"
    html = response.content.decode()
    last_four = customer.card_number[-4:]
    assert f'data-testid="confirm-member">Alice Andersen, card ending {last_four}<' in html
    assert 'data-testid="confirm-receipt">T1-000123<' in html
    assert 'data-testid="confirm-points">31<' in html
    assert 'data-testid="confirm-balance">31 now, 0 after<' in html
    assert "Voiding T1-000123 takes 31 points back from Alice Andersen." in html
    _nothing_returned(purchase, customer)


def test_the_void_page_offers_keeping_the_purchase_first_and_filled(
    client, store, customer, staff_user
):
    purchase = record(customer, store, actor=staff_user, external_id="T1-000123")
    client.force_login(staff_user)

    html = client.get(void_url(purchase)).content.decode()

    member_url = reverse("staff:member", args=[customer.card_number])
    assert _buttons(html) == [
        "a|button|Keep the purchase",
        "button|button button--danger|Void purchase T1-000123",
    ]
    assert f'<a class="button" href="{member_url}">' in html
    assert 'name="confirm" value="void"' in html
    assert 'name="csrfmiddlewaretoken"' in html
    _nothing_returned(purchase, customer)


def test_a_double_submitted_void_confirmation_voids_once(client, store, customer, staff_user):
    purchase = record(customer, store, actor=staff_user)
    client.force_login(staff_user)

    first = client.post(void_url(purchase), CONFIRM_VOID, follow=True)
    second = client.post(void_url(purchase), CONFIRM_VOID, follow=True)

    assert _messages(first) == ["Purchase voided: 31 points taken back."]
    assert _messages(second) == ["This purchase is already void."]
    assert PurchaseReturn.objects.filter(purchase=purchase, is_void=True).count() == 1
    assert state(customer) == (0, 0, 2)
    assert_ledger_adds_up(customer)


def test_a_void_that_could_only_fail_is_refused_without_a_confirmation_page(
    client, store, customer, staff_user
):
    purchase = record(customer, store, actor=staff_user)
    client.force_login(create_staff(email="colleague@example.com", store=store))

    response = client.get(void_url(purchase), follow=True)

    assert response.redirect_chain == [(reverse("staff:member", args=[customer.card_number]), 302)]
    assert _messages(response) == [
        "Only the person who recorded a purchase can void it, within 15 minutes."
    ]
    _nothing_returned(purchase, customer)


# --- return -------------------------------------------------------------------------------


def test_a_return_shows_what_comes_back_and_records_only_when_confirmed(
    client, store, customer, staff_user
):
    purchase = record(customer, store, actor=staff_user, external_id="T1-000124")
    client.force_login(staff_user)
    unconfirmed = return_data(purchase, 0, 1)
    del unconfirmed["confirm"]

    page = client.post(return_url(purchase), unconfirmed)

    assert _templates(page)[0] == "desk/purchase_return_confirm.html"
    html = page.content.decode()
    assert 'data-testid="confirm-points">7<' in html
    assert 'data-testid="confirm-balance">31 now, 24 after<' in html
    assert "<li>1 × Bagel</li>" in html
    assert _buttons(html) == [
        "a|button|Keep the purchase",
        "button|button button--secondary|Change the quantities",
        "button|button button--danger|Record the return on T1-000124",
    ]
    # The quantities and the key travel on, so confirming posts the same return.
    assert f'name="return_key" value="{RECEIPT_KEY}"' in html
    bagel = purchase.lines.get(description="Bagel")
    assert f'<input type="hidden" name="line_{bagel.pk}" value="1">' in html
    _nothing_returned(purchase, customer)

    confirmed = client.post(return_url(purchase), return_data(purchase, 0, 1), follow=True)

    assert _messages(confirmed) == ["Return recorded: 7 points taken back."]
    assert PurchaseReturn.objects.get().points == 7
    assert state(customer) == (24, 0, 2)


def test_change_the_quantities_goes_back_to_the_filled_form(client, store, customer, staff_user):
    purchase = record(customer, store, actor=staff_user)
    client.force_login(staff_user)
    data = return_data(purchase, 2, 0)
    data["edit"] = "1"
    del data["confirm"]

    response = client.post(return_url(purchase), data)

    assert _templates(response)[0] == "desk/purchase_return.html"
    beans = purchase.lines.get(description="Beans")
    assert f'name="line_{beans.pk}" value="2"' in response.content.decode()
    _nothing_returned(purchase, customer)


def test_the_return_page_says_what_will_be_owed(client, store, customer, staff_user):
    purchase = record(customer, store, actor=staff_user)
    points_spend(account=customer.points_account, points=30)
    client.force_login(staff_user)
    data = return_data(purchase, 2, 0)
    del data["confirm"]

    html = client.post(return_url(purchase), data).content.decode()

    assert 'data-testid="confirm-points">24<' in html
    assert 'data-testid="confirm-balance">1 now, 0 after<' in html
    assert "23 points were already spent: they will be owed and come off the next earnings." in html
    assert PurchaseReturn.objects.count() == 0
    assert state(customer) == (1, 0, 2)


def test_a_return_the_purchase_cannot_take_is_refused_before_the_confirmation(
    client, store, customer, staff_user
):
    purchase = record(customer, store, actor=staff_user)
    client.force_login(staff_user)
    client.post(return_url(purchase), return_data(purchase, 1, 0, key="desk-" + "c" * 32))
    data = return_data(purchase, 2, 0)
    del data["confirm"]

    response = client.post(return_url(purchase), data)

    assert _templates(response)[0] == "desk/purchase_return.html"
    assert "Line Beans: 2 returned but only 1 left to return." in response.content.decode()
    assert PurchaseReturn.objects.count() == 1
    assert state(customer) == (19, 0, 2)


# --- counter redemption -------------------------------------------------------------------


@pytest.fixture
def pastry(db):
    return make_reward("free-pastry", name="Free pastry", points_cost=150, stock=5)


def test_the_redeem_button_shows_the_confirmation_and_spends_nothing(
    client, staff_user, customer, pastry
):
    give_points(customer, 200)
    key = uuid.uuid4()
    client.force_login(staff_user)
    before = snapshot(customer, pastry)

    response = client.post(confirm_url(customer, pastry), confirm_data(key, confirm=False))

    assert response.status_code == 200
    assert _templates(response)[0] == "desk/rewards_confirm.html"
    html = response.content.decode()
    last_four = customer.card_number[-4:]
    assert f'data-testid="confirm-member">Alice Andersen, card ending {last_four}<' in html
    assert 'data-testid="confirm-points">150<' in html
    assert 'data-testid="confirm-balance">200 now, 50 after<' in html
    assert (
        'data-testid="confirm-voucher">Free product, marked used now. Hand over: Free pastry.<'
        in html
    )
    assert _buttons(html) == [
        "a|button|Back to the rewards",
        "button|button button--danger|Redeem Free pastry for 150 points",
    ]
    assert f'href="{redeem_url(customer)}"' in html
    assert f'name="request_key" value="{key}"' in html
    assert snapshot(customer, pastry) == before
    assert Redemption.objects.count() == 0


def test_confirming_the_page_twice_redeems_once(client, staff_user, customer, pastry):
    give_points(customer, 200)
    client.force_login(staff_user)
    page = client.post(confirm_url(customer, pastry), confirm_data(confirm=False))
    key = re.search(r'name="request_key" value="([^"]+)"', page.content.decode()).group(1)
    confirmation = {"request_key": key, "steps": "1", "confirm": "redeem"}

    first = client.post(confirm_url(customer, pastry), confirmation, follow=True)
    second = client.post(confirm_url(customer, pastry), confirmation, follow=True)

    assert _messages(first) == ["Redeemed Free pastry for 150 points. Hand over: Free pastry."]
    assert _messages(second) == [
        "Free pastry was already redeemed; no more points were spent. Hand over: Free pastry."
    ]
    redemption = Redemption.objects.get()
    assert (redemption.points, redemption.status) == (150, RedemptionStatus.FULFILLED)
    assert snapshot(customer, pastry)[:2] == ((50, 0, 0, 2), [4])


def test_the_confirmation_says_what_store_credit_is_worth(client, staff_user, customer):
    give_points(customer, 500)
    credit = make_reward(
        "credit", name="Store credit", kind=RewardKind.STORE_CREDIT, points_cost=100, max_steps=5
    )
    client.force_login(staff_user)

    response = client.post(confirm_url(customer, credit), confirm_data(steps=3, confirm=False))

    html = response.content.decode()
    assert 'data-testid="confirm-reward">Store credit × 3<' in html
    assert 'data-testid="confirm-points">300<' in html
    assert "Give store credit of $3.00." in html
    assert 'name="steps" value="3"' in html
    assert Redemption.objects.count() == 0
