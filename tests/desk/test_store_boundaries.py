"""Staff act only at their own store, never on their own member account, and a login linked to
no store does nothing at the desk. The services hold the rules, so the desk and the API agree."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from engagement.services.checkout import checkout_return, checkout_void
from loyalty.desk.forms import desk_key_new
from loyalty.exceptions import NoStore, OtherStore, OwnAccount
from loyalty.models import Purchase, PurchaseReturn
from loyalty.services import ReturnRequest, purchase_record
from members.roles import STORE_STAFF
from rewards.models import Redemption, RedemptionChannel, RedemptionStatus
from rewards.services import redemption_void, reward_redeem, voucher_use
from tests.desk.test_points import purchase_data
from tests.factories import create_customer, create_manager, create_staff, create_store
from tests.loyalty.points import base_rule, buy, line, state
from tests.rewards.catalogue import give_points, make_reward

pytestmark = pytest.mark.django_db


@pytest.fixture
def uptown(db):
    return create_store(code="uptown", name="Uptown")


@pytest.fixture
def uptown_staff(uptown):
    return create_staff(email="upstaff@example.com", store=uptown)


@pytest.fixture
def storeless_staff(staff_user):
    return create_staff(email="nostore@example.com", store=None)


@pytest.fixture
def sale(customer, store, staff_user):
    """A 40.00 purchase at Downtown, recorded there by Downtown's staff: 40 points."""
    base_rule("1")
    return buy(customer, store, "r-1", line("40.00", quantity=2), actor=staff_user)


def _everything():
    """What a refused act must leave alone, beyond the member's points."""
    return (
        sorted(Purchase.objects.values_list("pk", "points_reversed", "voided_at")),
        PurchaseReturn.objects.count(),
        sorted(Redemption.objects.values_list("pk", "status")),
    )


def _messages(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def return_url(purchase) -> str:
    return reverse("staff_points:purchase_return", args=[purchase.member.card_number, purchase.pk])


def void_url(purchase) -> str:
    return reverse("staff_points:purchase_void", args=[purchase.member.card_number, purchase.pk])


# --- another store ------------------------------------------------------------------------


def test_staff_of_another_store_cannot_return_a_purchase_at_the_desk(
    client, customer, sale, uptown_staff
):
    before = (state(customer), _everything())
    client.force_login(uptown_staff)
    item = sale.lines.get()

    page = client.get(return_url(sale), follow=True)
    response = client.post(
        return_url(sale),
        {"return_key": desk_key_new(), f"line_{item.pk}": "1"},
        follow=True,
    )

    assert _messages(page) == [str(OtherStore.default_message)]
    assert _messages(response) == [str(OtherStore.default_message)]
    assert (state(customer), _everything()) == before
    assert state(customer) == (40, 0, 0, 1)


def test_the_member_page_offers_no_return_of_another_stores_purchase(
    client, customer, sale, staff_user, uptown_staff
):
    member_url = reverse("staff:member", args=[customer.card_number])
    client.force_login(uptown_staff)
    assert return_url(sale) not in client.get(member_url).content.decode()
    client.force_login(staff_user)
    assert return_url(sale) in client.get(member_url).content.decode()


def test_the_return_service_refuses_another_store_and_changes_nothing(
    customer, sale, uptown, uptown_staff
):
    before = (state(customer), _everything())
    request = [ReturnRequest(line_id=sale.lines.get().pk, quantity=1)]

    with pytest.raises(OtherStore):
        checkout_return(purchase=sale, lines=request, actor=uptown_staff, store=uptown)
    with pytest.raises(OtherStore):
        checkout_void(purchase=sale, actor=uptown_staff, store=uptown)

    assert (state(customer), _everything()) == before


def test_the_recording_store_still_returns_its_own_purchase(client, customer, sale, staff_user):
    client.force_login(staff_user)
    item = sale.lines.get()

    client.post(
        return_url(sale),
        {"return_key": desk_key_new(), f"line_{item.pk}": "1", "confirm": "return"},
    )

    assert state(customer) == (20, 0, 0, 2)
    assert PurchaseReturn.objects.get().store == staff_user.store


def test_staff_of_another_store_cannot_void_its_voucher(
    client, customer, store, staff_user, uptown_staff
):
    give_points(customer, 500)
    coffee = make_reward("free-coffee", points_cost=100)
    # An API till at Downtown issued it (not used yet).
    voucher = reward_redeem(
        member=customer, reward=coffee, channel=RedemptionChannel.API, store=store
    )
    before = (state(customer), _everything())
    client.force_login(uptown_staff)

    page = client.get(reverse("staff_rewards:vouchers"), {"code": voucher.code})
    response = client.post(reverse("staff_rewards:voucher_void"), {"code": voucher.code})

    assert reverse("staff_rewards:voucher_void") not in page.content.decode()
    assert response.status_code == 200
    assert str(OtherStore.default_message) in response.content.decode()
    assert (state(customer), _everything()) == before
    assert Redemption.objects.get(pk=voucher.pk).status == RedemptionStatus.ISSUED


def test_an_online_voucher_can_be_voided_at_any_store(customer, uptown, uptown_staff):
    give_points(customer, 500)
    coffee = make_reward("free-coffee", points_cost=100)
    voucher = reward_redeem(member=customer, reward=coffee, channel=RedemptionChannel.ONLINE)

    voided = redemption_void(redemption=voucher, actor=uptown_staff, store=uptown)

    assert voided.status == RedemptionStatus.VOID
    assert state(customer) == (500, 0, 0, 3)


# --- no store -----------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["storeless_staff", "storeless_manager"])
def test_a_login_with_no_store_cannot_return_or_void_at_the_desk(
    client, request, customer, sale, who
):
    user = (
        create_manager(email="nostore-manager@example.com", store=None)
        if who == "storeless_manager"
        else request.getfixturevalue(who)
    )
    before = (state(customer), _everything())
    client.force_login(user)
    item = sale.lines.get()

    page = client.get(return_url(sale))
    posted = client.post(return_url(sale), {"return_key": desk_key_new(), f"line_{item.pk}": "1"})
    voided = client.post(void_url(sale))

    for response in (page, posted, voided):
        assert response.status_code == 403
        assert 'data-testid="no-store"' in response.content.decode()
        assert str(NoStore.default_message) in response.content.decode()
    assert (state(customer), _everything()) == before


def test_a_voucher_is_never_used_without_a_store(customer, staff_user):
    give_points(customer, 500)
    voucher = reward_redeem(
        member=customer, reward=make_reward(points_cost=100), channel=RedemptionChannel.ONLINE
    )
    before = (state(customer), _everything())

    with pytest.raises(NoStore):
        voucher_use(code=voucher.code, actor=staff_user, store=None)
    with pytest.raises(NoStore):
        reward_redeem(
            member=customer,
            reward=make_reward("muffin", points_cost=50),
            channel=RedemptionChannel.COUNTER,
            actor=staff_user,
            store=None,
        )

    assert (state(customer), _everything()) == before


# --- their own member account -------------------------------------------------------------


@pytest.fixture
def staff_member(store):
    """A staff member at Downtown who is also a member of the program."""
    member = create_customer(email="sam.shopper@example.com", first_name="Sam")
    user = member.user
    user.store = store
    user.save(update_fields=["store"])
    user.groups.add(Group.objects.get(name=STORE_STAFF))
    return member


def test_staff_cannot_record_a_purchase_on_their_own_account_at_the_desk(
    client, staff_member, store
):
    base_rule("1")
    client.force_login(staff_member.user)
    url = reverse("staff_points:purchase_new", args=[staff_member.card_number])
    data = purchase_data({"amount": "500.00", "description": "Television"})

    response = client.post(url, data)

    assert response.status_code == 200
    assert str(OwnAccount.default_message) in response.content.decode()
    assert Purchase.objects.count() == 0
    assert state(staff_member) == (0, 0, 0, 0)


def test_staff_cannot_return_redeem_or_take_a_voucher_on_their_own_account(
    staff_member, store, staff_user
):
    base_rule("1")
    give_points(staff_member, 500)
    own_sale = buy(staff_member, store, "r-own", line("40.00"), actor=staff_user)
    voucher = reward_redeem(
        member=staff_member, reward=make_reward(points_cost=100), channel=RedemptionChannel.ONLINE
    )
    user = staff_member.user
    before = (state(staff_member), _everything())

    with pytest.raises(OwnAccount):
        purchase_record(
            member=staff_member,
            store=store,
            external_id="r-2",
            lines=[line("10.00")],
            actor=user,
        )
    with pytest.raises(OwnAccount):
        checkout_return(purchase=own_sale, lines=None, actor=user, store=store)
    with pytest.raises(OwnAccount):
        reward_redeem(
            member=staff_member,
            reward=make_reward("muffin", points_cost=50),
            channel=RedemptionChannel.COUNTER,
            actor=user,
            store=store,
        )
    with pytest.raises(OwnAccount):
        voucher_use(code=voucher.code, actor=user, store=store)
    with pytest.raises(OwnAccount):
        redemption_void(redemption=voucher, actor=user, store=store)

    assert (state(staff_member), _everything()) == before
    assert state(staff_member) == (440, 0, 0, 3)


def test_a_member_still_redeems_online_on_their_own_account(staff_member):
    give_points(staff_member, 500)

    redemption = reward_redeem(
        member=staff_member,
        reward=make_reward(points_cost=100),
        channel=RedemptionChannel.ONLINE,
        actor=staff_member.user,
    )

    assert redemption.status == RedemptionStatus.ISSUED
    assert state(staff_member) == (400, 0, 0, 2)
