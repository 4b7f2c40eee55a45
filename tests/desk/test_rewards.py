"""Staff desk rewards: redeem at the counter, validate, use and void vouchers."""

import datetime
import uuid
from decimal import Decimal

import pytest
import time_machine
from django.contrib.auth.models import Permission
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from loyalty.services import program_settings_get
from members.models import User
from rewards.codes import voucher_code_format
from rewards.models import Redemption, RedemptionChannel, RedemptionStatus, Reward, RewardKind
from rewards.services import redemption_void, reward_redeem, voucher_use
from tests.factories import create_staff
from tests.loyalty.points import state
from tests.rewards.catalogue import give_points, make_cause, make_reward

# --- helpers ------------------------------------------------------------------------------

MATRIX = [
    ("anonymous", 302),
    ("customer", 403),
    ("plain_user", 403),
    ("desk_only_user", 403),
    ("staff_user", 200),
    ("manager_user", 200),
]


def _login(client, request, who: str) -> None:
    if who == "anonymous":
        return
    user = request.getfixturevalue(who)
    client.force_login(getattr(user, "user", user))


def _messages(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def assert_refused(response, status: int) -> None:
    assert response.status_code == status
    if status == 302:
        assert response["Location"].startswith(reverse("account_login"))


def snapshot(member, *rewards) -> tuple:
    """Everything a refused action must leave alone: points, stock, every redemption's status."""
    return (
        state(member),
        [Reward.objects.get(pk=reward.pk).stock for reward in rewards],
        sorted(Redemption.objects.values_list("pk", "status")),
    )


def redeem_url(member) -> str:
    return reverse("staff_rewards:redeem", args=[member.card_number])


def confirm_url(member, reward) -> str:
    return reverse("staff_rewards:redeem_confirm", args=[member.card_number, reward.pk])


def void_url(member, redemption) -> str:
    return reverse("staff_rewards:redemption_void", args=[member.card_number, redemption.pk])


VOUCHERS = reverse("staff_rewards:vouchers")
USE = reverse("staff_rewards:voucher_use")
VOID = reverse("staff_rewards:voucher_void")
# What the void confirmation pages' own buttons send (tests/desk/test_void_confirmations.py).
CONFIRM_VOID_REDEMPTION = {"confirm": "void_redemption"}
CONFIRM_VOID_VOUCHER = {"confirm": "void_voucher"}


def confirm_data(key: uuid.UUID | None = None, steps: int = 1, *, confirm: bool = True) -> dict:
    """What the confirmation page posts; `confirm=False` is the list's Redeem button."""
    data = {"request_key": str(key or uuid.uuid4()), "steps": str(steps)}
    if confirm:
        data["confirm"] = "redeem"
    return data


def online_voucher(member, reward) -> Redemption:
    return reward_redeem(member=member, reward=reward, channel=RedemptionChannel.ONLINE)


def counter_redemption(member, reward, *, actor) -> Redemption:
    return reward_redeem(
        member=member,
        reward=reward,
        channel=RedemptionChannel.COUNTER,
        actor=actor,
        store=actor.store,
    )


def status_of(redemption) -> str:
    return Redemption.objects.get(pk=redemption.pk).status


# --- fixtures -----------------------------------------------------------------------------


@pytest.fixture
def desk_only_user(db):
    """Staff who may look members up but has none of the rewards permissions."""
    user = User.objects.create_user(email="desk@example.com", password="pw-desk-123")
    user.user_permissions.add(Permission.objects.get(codename="use_staff_desk"))
    return user


@pytest.fixture
def floater(db):
    """Store staff whose login is not linked to a store."""
    return create_staff(email="floater@example.com", store=None)


@pytest.fixture
def pastry(db) -> Reward:
    return make_reward("free-pastry", name="Free pastry", points_cost=150, stock=10)


@pytest.fixture
def rich_customer(customer, pastry):
    give_points(customer, 500)
    return customer


# --- authorization ------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(("who", "status"), MATRIX)
def test_redeem_page_authorization(client, request, rich_customer, pastry, who, status):
    _login(client, request, who)

    response = client.get(redeem_url(rich_customer))

    if status == 200:
        assert response.status_code == 200
        assert "Free pastry" in response.content.decode()
    else:
        assert_refused(response, status)
        assert "Alice" not in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(("who", "status"), MATRIX)
def test_redeem_confirm_authorization(client, request, rich_customer, pastry, who, status):
    _login(client, request, who)
    before = snapshot(rich_customer, pastry)

    response = client.post(confirm_url(rich_customer, pastry), confirm_data())

    if status == 200:
        assert response.status_code == 302
        assert response["Location"] == reverse("staff:member", args=[rich_customer.card_number])
        assert state(rich_customer) == (350, 0, 0, 2)
        assert Redemption.objects.get().status == RedemptionStatus.FULFILLED
    else:
        assert_refused(response, status)
        assert snapshot(rich_customer, pastry) == before


@pytest.mark.django_db
@pytest.mark.parametrize(("who", "status"), MATRIX)
def test_summary_void_authorization(client, request, rich_customer, pastry, who, status):
    voucher = online_voucher(rich_customer, pastry)
    _login(client, request, who)
    before = snapshot(rich_customer, pastry)

    response = client.post(void_url(rich_customer, voucher), CONFIRM_VOID_REDEMPTION)

    if status == 200:
        assert response.status_code == 302
        assert status_of(voucher) == RedemptionStatus.VOID
        assert state(rich_customer) == (500, 0, 0, 3)
    else:
        assert_refused(response, status)
        assert snapshot(rich_customer, pastry) == before


@pytest.mark.django_db
@pytest.mark.parametrize(("who", "status"), MATRIX)
def test_validate_page_authorization(client, request, rich_customer, pastry, who, status):
    voucher = online_voucher(rich_customer, pastry)
    _login(client, request, who)

    response = client.get(VOUCHERS, {"code": voucher.code})

    if status == 200:
        assert response.status_code == 200
        assert "Alice Andersen" in response.content.decode()
    else:
        assert_refused(response, status)
        assert "Alice" not in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(("who", "status"), MATRIX)
def test_mark_used_authorization(client, request, rich_customer, pastry, who, status):
    voucher = online_voucher(rich_customer, pastry)
    _login(client, request, who)
    before = snapshot(rich_customer, pastry)

    response = client.post(USE, {"code": voucher.code})

    if status == 200:
        assert response.status_code == 302
        assert status_of(voucher) == RedemptionStatus.FULFILLED
    else:
        assert_refused(response, status)
        assert snapshot(rich_customer, pastry) == before


@pytest.mark.django_db
@pytest.mark.parametrize(("who", "status"), MATRIX)
def test_voucher_void_authorization(client, request, rich_customer, pastry, who, status):
    voucher = online_voucher(rich_customer, pastry)
    _login(client, request, who)
    before = snapshot(rich_customer, pastry)

    response = client.post(
        VOID, {"code": voucher.code, "reason": "Wrong reward", **CONFIRM_VOID_VOUCHER}
    )

    if status == 200:
        assert response.status_code == 302
        assert status_of(voucher) == RedemptionStatus.VOID
    else:
        assert_refused(response, status)
        assert snapshot(rich_customer, pastry) == before


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["confirm", "void", USE, VOID])
def test_state_changes_refuse_get(client, staff_user, rich_customer, pastry, url):
    voucher = online_voucher(rich_customer, pastry)
    client.force_login(staff_user)
    if url == "confirm":
        url = confirm_url(rich_customer, pastry)
    elif url == "void":
        url = void_url(rich_customer, voucher)
    before = snapshot(rich_customer, pastry)

    response = client.get(url, {"code": voucher.code, **confirm_data()})

    assert response.status_code == 405
    assert snapshot(rich_customer, pastry) == before


@pytest.mark.django_db
def test_state_changes_need_the_csrf_token(rich_customer, pastry, staff_user):
    voucher = online_voucher(rich_customer, pastry)
    client = Client(enforce_csrf_checks=True)
    client.force_login(staff_user)
    before = snapshot(rich_customer, pastry)

    responses = [
        client.post(confirm_url(rich_customer, pastry), confirm_data()),
        client.post(void_url(rich_customer, voucher)),
        client.post(USE, {"code": voucher.code}),
        client.post(VOID, {"code": voucher.code}),
    ]

    assert [response.status_code for response in responses] == [403] * 4
    assert snapshot(rich_customer, pastry) == before


# --- the member summary and the desk ------------------------------------------------------


@pytest.mark.django_db
def test_the_summary_lists_recent_redemptions_with_codes_and_links(
    client, staff_user, rich_customer, pastry
):
    voucher = online_voucher(rich_customer, pastry)
    mine = counter_redemption(rich_customer, make_reward("mug", points_cost=50), actor=staff_user)
    client.force_login(staff_user)

    page = client.get(reverse("staff:member", args=[rich_customer.card_number])).content.decode()

    assert redeem_url(rich_customer) in page
    assert VOUCHERS in page
    assert voucher_code_format(voucher.code) in page
    assert voucher_code_format(mine.code) in page
    assert "Ready to use" in page
    assert "Used" in page
    assert void_url(rich_customer, voucher) in page
    assert void_url(rich_customer, mine) in page


@pytest.mark.django_db
def test_the_summary_offers_void_only_where_it_is_allowed(
    client, staff_user, rich_customer, pastry, store
):
    colleague = create_staff(email="colleague@example.com", store=store)
    theirs = counter_redemption(rich_customer, pastry, actor=colleague)
    used = online_voucher(rich_customer, pastry)
    voucher_use(code=used.code, actor=colleague, store=store)
    client.force_login(staff_user)

    page = client.get(reverse("staff:member", args=[rich_customer.card_number])).content.decode()

    assert voucher_code_format(theirs.code) in page
    assert void_url(rich_customer, theirs) not in page
    assert void_url(rich_customer, used) not in page


@pytest.mark.django_db
def test_the_summary_shows_an_unswept_past_date_voucher_as_expired(
    client, staff_user, rich_customer
):
    online_voucher(rich_customer, make_reward("short", points_cost=10, voucher_valid_days=1))
    client.force_login(staff_user)

    with time_machine.travel(timezone.now() + datetime.timedelta(days=2)):
        page = client.get(reverse("staff:member", args=[rich_customer.card_number]))

    assert 'class="tag tag--expired">Expired<' in page.content.decode()


@pytest.mark.django_db
def test_the_desk_page_has_a_voucher_box(client, staff_user, desk_only_user):
    client.force_login(staff_user)
    page = client.get(reverse("staff:desk")).content.decode()
    client.force_login(desk_only_user)
    without = client.get(reverse("staff:desk")).content.decode()

    assert f'action="{VOUCHERS}"' in page
    assert 'name="code"' in page
    assert f'action="{VOUCHERS}"' not in without


# --- redeem at the counter ----------------------------------------------------------------


@pytest.mark.django_db
def test_the_redeem_page_lists_what_the_member_can_have_now(client, staff_user, customer):
    give_points(customer, 200)
    pastry = make_reward("free-pastry", name="Free pastry", points_cost=150)
    make_reward("hamper", name="Holiday hamper", points_cost=250)
    make_reward("tote", name="Tote bag", points_cost=100, stock=0)
    make_reward("retired", name="Retired mug", points_cost=10, is_active=False)
    once = make_reward("once", name="Once only", points_cost=10, per_member_limit=1)
    online_voucher(customer, once)
    client.force_login(staff_user)

    response = client.get(redeem_url(customer))

    page = response.content.decode()
    assert confirm_url(customer, pastry) in page
    assert page.count('name="request_key"') == 1
    assert "Needs 60 more points." in page
    assert "Already redeemed as often as allowed." in page
    assert confirm_url(customer, once) not in page
    assert "This reward is out of stock." in page
    assert "Retired mug" not in page


@pytest.mark.django_db
def test_counter_redemption_spends_exact_points_and_is_used_at_once(
    client, staff_user, store, rich_customer, pastry
):
    client.force_login(staff_user)
    key = uuid.uuid4()

    response = client.post(confirm_url(rich_customer, pastry), confirm_data(key), follow=True)

    redemption = Redemption.objects.get()
    assert (redemption.status, redemption.channel, redemption.points) == (
        RedemptionStatus.FULFILLED,
        RedemptionChannel.COUNTER,
        150,
    )
    assert (redemption.fulfilled_by, redemption.fulfilled_store, redemption.issued_by) == (
        staff_user,
        store,
        staff_user,
    )
    assert redemption.idempotency_key == f"counter:{rich_customer.pk}:{pastry.pk}:{key}"
    assert state(rich_customer) == (350, 0, 0, 2)
    assert Reward.objects.get(pk=pastry.pk).stock == 9
    assert _messages(response) == ["Redeemed Free pastry for 150 points. Hand over: Free pastry."]
    assert voucher_code_format(redemption.code) in response.content.decode()


@pytest.mark.django_db
def test_a_double_posted_confirm_redeems_once(client, staff_user, rich_customer, pastry):
    client.force_login(staff_user)
    data = confirm_data()

    first = client.post(confirm_url(rich_customer, pastry), data, follow=True)
    second = client.post(confirm_url(rich_customer, pastry), data, follow=True)

    assert Redemption.objects.count() == 1
    assert state(rich_customer) == (350, 0, 0, 2)
    assert Reward.objects.get(pk=pastry.pk).stock == 9
    assert _messages(first)[0].startswith("Redeemed Free pastry")
    assert _messages(second) == [
        "Free pastry was already redeemed; no more points were spent. Hand over: Free pastry."
    ]


@pytest.mark.django_db
def test_a_key_for_one_reward_never_answers_for_another(client, staff_user, rich_customer, pastry):
    mug = make_reward("mug", name="Mug", points_cost=50)
    client.force_login(staff_user)
    data = confirm_data()

    client.post(confirm_url(rich_customer, pastry), data)
    client.post(confirm_url(rich_customer, mug), data)

    assert sorted(Redemption.objects.values_list("reward__slug", flat=True)) == [
        "free-pastry",
        "mug",
    ]
    assert state(rich_customer) == (300, 0, 0, 3)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("kind", "value", "said"),
    [
        (RewardKind.FIXED_DISCOUNT, Decimal("5.00"), "Give a discount of $5.00."),
        (RewardKind.PERCENT_DISCOUNT, Decimal("15.00"), "Give 15% off."),
        (RewardKind.EXPERIENCE, None, "Hand over: Thing."),
    ],
)
def test_the_message_says_what_to_hand_over(client, staff_user, customer, kind, value, said):
    give_points(customer, 100)
    reward = make_reward("thing", points_cost=100, kind=kind, value=value)
    client.force_login(staff_user)

    response = client.post(confirm_url(customer, reward), confirm_data(), follow=True)

    assert program_settings_get().currency == "USD"
    assert _messages(response) == [f"Redeemed Thing for 100 points. {said}"]


@pytest.mark.django_db
def test_store_credit_redeems_the_chosen_steps(client, staff_user, customer):
    program = program_settings_get()
    program.point_value = Decimal("0.01")
    program.save()
    give_points(customer, 1000)
    credit = make_reward(
        "credit", name="Store credit", points_cost=200, kind=RewardKind.STORE_CREDIT, max_steps=5
    )
    client.force_login(staff_user)
    page = client.get(redeem_url(customer)).content.decode()

    response = client.post(confirm_url(customer, credit), confirm_data(steps=3), follow=True)

    assert 'max="5"' in page
    redemption = Redemption.objects.get()
    assert (redemption.steps, redemption.points, redemption.value) == (3, 600, Decimal("6.00"))
    assert state(customer) == (400, 0, 0, 2)
    assert _messages(response) == [
        "Redeemed Store credit for 600 points. Give store credit of $6.00."
    ]


@pytest.mark.django_db
def test_a_counter_donation_has_nothing_to_hand_over(client, staff_user, customer):
    give_points(customer, 100)
    cause = make_cause()
    meal = make_reward("meal", name="Give a meal", kind=RewardKind.DONATION, cause=cause)
    client.force_login(staff_user)

    response = client.post(confirm_url(customer, meal), confirm_data(), follow=True)

    assert _messages(response) == [
        "Redeemed Give a meal for 100 points. Nothing to hand over: 100 points go to Food Bank."
    ]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("setup", "message"),
    [
        ("poor", "This reward needs 150 points; 100 are available."),
        ("sold_out", "This reward is out of stock."),
        ("limit", "This reward was already redeemed as often as one member may."),
        ("too_many_steps", "Choose a number from 1 to 1."),
        ("bad_key", "This page has expired. Please confirm again."),
        ("coming", "This reward is not available yet."),
    ],
)
def test_a_refused_redemption_says_why_and_changes_nothing(
    client, staff_user, customer, setup, message
):
    give_points(customer, 100 if setup == "poor" else 500)
    pastry = make_reward(
        "free-pastry",
        name="Free pastry",
        points_cost=150,
        stock=0 if setup == "sold_out" else 5,
        per_member_limit=1 if setup == "limit" else None,
        available_from=timezone.now() + datetime.timedelta(days=3) if setup == "coming" else None,
    )
    if setup == "limit":
        online_voucher(customer, pastry)
    data = confirm_data(steps=2 if setup == "too_many_steps" else 1)
    if setup == "bad_key":
        data["request_key"] = "not-a-uuid"
    client.force_login(staff_user)
    before = snapshot(customer, pastry)

    response = client.post(confirm_url(customer, pastry), data, follow=True)

    assert response.redirect_chain[-1][0] == redeem_url(customer)
    assert message in _messages(response)
    assert snapshot(customer, pastry) == before


@pytest.mark.django_db
@pytest.mark.parametrize("target", ["unknown_reward", "retired_reward", "unknown_card"])
def test_bad_urls_are_not_found_and_change_nothing(
    client, staff_user, rich_customer, pastry, target
):
    retired = make_reward("retired", points_cost=10, is_active=False)
    url = {
        "unknown_reward": reverse(
            "staff_rewards:redeem_confirm", args=[rich_customer.card_number, 999999]
        ),
        "retired_reward": confirm_url(rich_customer, retired),
        "unknown_card": reverse("staff_rewards:redeem_confirm", args=["000000000000", pastry.pk]),
    }[target]
    client.force_login(staff_user)
    before = snapshot(rich_customer, pastry, retired)

    response = client.post(url, confirm_data())

    assert response.status_code == 404
    assert snapshot(rich_customer, pastry, retired) == before


@pytest.mark.django_db
def test_staff_without_a_store_cannot_redeem(client, floater, rich_customer, pastry):
    client.force_login(floater)
    before = snapshot(rich_customer, pastry)

    page = client.get(redeem_url(rich_customer))
    posted = client.post(confirm_url(rich_customer, pastry), confirm_data(), follow=True)
    summary = client.get(reverse("staff:member", args=[rich_customer.card_number]))

    assert "not linked to a store, so you cannot redeem rewards" in page.content.decode()
    assert confirm_url(rich_customer, pastry) not in page.content.decode()
    assert "Your login is not linked to a store." in " ".join(_messages(posted))
    assert redeem_url(rich_customer) not in summary.content.decode()
    assert "not linked to a store" in summary.content.decode()
    assert snapshot(rich_customer, pastry) == before


# --- void from the member summary ---------------------------------------------------------


@pytest.mark.django_db
def test_voiding_a_counter_redemption_restores_balance_and_stock_exactly(
    client, staff_user, rich_customer, pastry
):
    redemption = counter_redemption(rich_customer, pastry, actor=staff_user)
    assert (state(rich_customer), Reward.objects.get(pk=pastry.pk).stock) == ((350, 0, 0, 2), 9)
    client.force_login(staff_user)

    response = client.post(
        void_url(rich_customer, redemption), CONFIRM_VOID_REDEMPTION, follow=True
    )

    redemption.refresh_from_db()
    assert (redemption.status, redemption.voided_by) == (RedemptionStatus.VOID, staff_user)
    assert redemption.void_reason == "Voided at the staff desk"
    assert state(rich_customer) == (500, 0, 0, 3)
    assert Reward.objects.get(pk=pastry.pk).stock == 10
    assert _messages(response) == [
        "Free pastry voided: 150 points are back on Alice Andersen's balance."
    ]

    again = client.post(void_url(rich_customer, redemption), CONFIRM_VOID_REDEMPTION, follow=True)

    assert _messages(again) == ["This redemption is already void."]
    assert state(rich_customer) == (500, 0, 0, 3)
    assert Reward.objects.get(pk=pastry.pk).stock == 10


@pytest.mark.django_db
@pytest.mark.parametrize("confirmed", [False, True], ids=["before-the-page", "confirmed"])
@pytest.mark.parametrize("who", ["colleague", "too_late", "used_voucher"])
def test_a_void_that_is_not_allowed_says_why_and_changes_nothing(
    client, staff_user, store, rich_customer, pastry, who, confirmed
):
    colleague = create_staff(email="colleague@example.com", store=store)
    if who == "used_voucher":
        redemption = online_voucher(rich_customer, pastry)
        voucher_use(code=redemption.code, actor=staff_user, store=store)
    else:
        redemption = counter_redemption(rich_customer, pastry, actor=colleague)
    actor = staff_user if who != "too_late" else colleague
    client.force_login(actor)
    before = snapshot(rich_customer, pastry)

    with time_machine.travel(
        timezone.now() + datetime.timedelta(minutes=16 if who == "too_late" else 0)
    ):
        response = client.post(
            void_url(rich_customer, redemption),
            CONFIRM_VOID_REDEMPTION if confirmed else {},
            follow=True,
        )

    assert response.redirect_chain == [
        (reverse("staff:member", args=[rich_customer.card_number]), 302)
    ]
    assert _messages(response)[0].startswith("Used or expired vouchers cannot be voided")
    assert snapshot(rich_customer, pastry) == before


@pytest.mark.django_db
def test_another_members_redemption_is_not_found(
    client, staff_user, rich_customer, other_customer, pastry
):
    give_points(other_customer, 200)
    theirs = online_voucher(other_customer, pastry)
    client.force_login(staff_user)
    before = snapshot(other_customer, pastry)

    response = client.post(void_url(rich_customer, theirs))
    missing = client.post(
        reverse("staff_rewards:redemption_void", args=[rich_customer.card_number, 999999])
    )

    assert (response.status_code, missing.status_code) == (404, 404)
    assert snapshot(other_customer, pastry) == before


# --- validate a voucher -------------------------------------------------------------------


@pytest.mark.django_db
def test_an_issued_voucher_shows_its_details_and_can_be_marked_used(
    client, staff_user, rich_customer, pastry
):
    voucher = online_voucher(rich_customer, pastry)
    client.force_login(staff_user)
    typed = voucher_code_format(voucher.code).lower().replace("-", " ")

    response = client.get(VOUCHERS, {"code": typed})

    page = response.content.decode()
    assert response.status_code == 200
    assert "Free pastry" in page
    assert "Alice Andersen" in page
    assert " ".join(rich_customer.card_number[i : i + 4] for i in range(0, 12, 4)) in page
    assert voucher_code_format(voucher.code) in page
    assert "Ready to use" in page
    assert "Hand over: Free pastry." in page
    assert f'action="{USE}"' in page
    assert f'action="{VOID}"' in page


@pytest.mark.django_db
def test_an_empty_box_shows_just_the_box(client, staff_user):
    client.force_login(staff_user)

    page = client.get(VOUCHERS).content.decode()

    assert 'name="code"' in page
    assert "data-scan-form" in page
    assert 'role="alert"' not in page


@pytest.mark.django_db
def test_mark_used_once_then_already_used(client, staff_user, store, rich_customer, pastry):
    voucher = online_voucher(rich_customer, pastry)
    client.force_login(staff_user)

    first = client.post(USE, {"code": voucher.code}, follow=True)
    after_first = snapshot(rich_customer, pastry)
    second = client.post(USE, {"code": voucher.code})

    voucher.refresh_from_db()
    assert (voucher.status, voucher.fulfilled_by, voucher.fulfilled_store) == (
        RedemptionStatus.FULFILLED,
        staff_user,
        store,
    )
    assert first.redirect_chain[-1][0] == VOUCHERS
    assert _messages(first) == [
        f"Voucher {voucher_code_format(voucher.code)} used for Alice Andersen. "
        "Hand over: Free pastry."
    ]
    assert second.status_code == 200
    used_on = timezone.localtime(voucher.fulfilled_at).strftime("%Y-%m-%d %H:%M")
    assert f"This voucher was already used on {used_on}." in second.content.decode()
    assert f'action="{USE}"' not in second.content.decode()
    assert snapshot(rich_customer, pastry) == after_first
    assert state(rich_customer) == (350, 0, 0, 2)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("case", "shown"),
    [
        ("used", "This voucher was already used on"),
        ("void", "This voucher was cancelled."),
        ("expired", "This voucher has expired."),
        ("swept", "This voucher has expired."),
    ],
)
def test_validate_shows_why_a_voucher_cannot_be_used(
    client, staff_user, store, rich_customer, pastry, case, shown
):
    voucher = online_voucher(rich_customer, pastry)
    later = timezone.now()
    if case == "used":
        voucher_use(code=voucher.code, actor=staff_user, store=store)
    elif case == "void":
        redemption_void(redemption=voucher, actor=staff_user)
    elif case in {"expired", "swept"}:
        later += datetime.timedelta(days=31)
        if case == "swept":
            Redemption.objects.filter(pk=voucher.pk).update(status=RedemptionStatus.EXPIRED)
    before = snapshot(rich_customer, pastry)

    with time_machine.travel(later):
        client.force_login(staff_user)
        page = client.get(VOUCHERS, {"code": voucher.code}).content.decode()
        posted = client.post(USE, {"code": voucher.code})

    assert shown in page
    assert "Alice Andersen" in page
    assert f'action="{USE}"' not in page
    assert posted.status_code == 200
    assert shown in posted.content.decode()
    assert snapshot(rich_customer, pastry) == before


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("code", "shown"),
    [
        ("hello world", "That is not a voucher code."),
        ("'; DROP TABLE--", "That is not a voucher code."),
        ("K7QXM-3HD9", "That is not a voucher code."),
        ("wrong_check", "check character does not match"),
        ("unknown", "That is not a valid voucher code. Check it and try again."),
    ],
)
def test_a_wrong_code_reveals_nothing(client, staff_user, rich_customer, pastry, code, shown):
    voucher = online_voucher(rich_customer, pastry)
    if code == "wrong_check":
        code = voucher.code[:-1] + ("2" if voucher.code[-1] != "2" else "3")
    elif code == "unknown":
        code = _valid_unknown_code()
    client.force_login(staff_user)
    before = snapshot(rich_customer, pastry)

    responses = [
        client.get(VOUCHERS, {"code": code}),
        client.post(USE, {"code": code}),
        client.post(VOID, {"code": code}),
    ]

    for response in responses:
        page = response.content.decode()
        assert response.status_code == 200
        assert shown in page
        assert "Alice" not in page
        assert "Free pastry" not in page
        assert voucher_code_format(voucher.code) not in page
    assert snapshot(rich_customer, pastry) == before


def _valid_unknown_code() -> str:
    from rewards.codes import voucher_code_generate

    code = voucher_code_generate()
    while Redemption.objects.filter(code=code).exists():
        code = voucher_code_generate()
    return code


@pytest.mark.django_db
def test_an_overlong_code_is_a_form_error(client, staff_user):
    client.force_login(staff_user)

    response = client.get(VOUCHERS, {"code": "X" * 41})

    assert response.status_code == 200
    assert "at most 40 characters" in response.content.decode()


@pytest.mark.django_db
def test_staff_without_a_store_can_validate_but_not_mark_used(
    client, floater, rich_customer, pastry
):
    voucher = online_voucher(rich_customer, pastry)
    client.force_login(floater)
    before = snapshot(rich_customer, pastry)

    page = client.get(VOUCHERS, {"code": voucher.code}).content.decode()
    posted = client.post(USE, {"code": voucher.code})

    assert "Ready to use" in page
    assert "cannot mark vouchers used" in page
    assert f'action="{USE}"' not in page
    assert posted.status_code == 200
    assert "Your login is not linked to a store." in posted.content.decode()
    assert status_of(voucher) == RedemptionStatus.ISSUED
    assert snapshot(rich_customer, pastry) == before


@pytest.mark.django_db
def test_a_donation_is_not_offered_to_be_marked_used(client, staff_user, customer):
    give_points(customer, 100)
    meal = make_reward("meal", name="Give a meal", kind=RewardKind.DONATION, cause=make_cause())
    donation = online_voucher(customer, meal)
    client.force_login(staff_user)

    page = client.get(VOUCHERS, {"code": donation.code}).content.decode()

    assert "This is a donation to Food Bank: there is nothing to hand over" in page
    assert "already used" not in page
    assert f'action="{USE}"' not in page


# --- void from the voucher page -----------------------------------------------------------


@pytest.mark.django_db
def test_voiding_an_issued_voucher_restores_balance_and_stock(
    client, staff_user, rich_customer, pastry
):
    voucher = online_voucher(rich_customer, pastry)
    client.force_login(staff_user)

    response = client.post(
        VOID,
        {"code": voucher.code, "reason": "  Asked to cancel  ", **CONFIRM_VOID_VOUCHER},
        follow=True,
    )

    voucher.refresh_from_db()
    assert (voucher.status, voucher.void_reason, voucher.voided_by) == (
        RedemptionStatus.VOID,
        "Asked to cancel",
        staff_user,
    )
    assert state(rich_customer) == (500, 0, 0, 3)
    assert Reward.objects.get(pk=pastry.pk).stock == 10
    assert response.redirect_chain[-1][0] == f"{VOUCHERS}?code={voucher.code}"
    assert _messages(response) == [
        "Free pastry voided: 150 points are back on Alice Andersen's balance."
    ]
    assert "This voucher was cancelled." in response.content.decode()

    again = client.post(VOID, {"code": voucher.code, **CONFIRM_VOID_VOUCHER}, follow=True)

    assert _messages(again) == ["This voucher is already void."]
    assert state(rich_customer) == (500, 0, 0, 3)
    assert Reward.objects.get(pk=pastry.pk).stock == 10


@pytest.mark.django_db
def test_a_used_voucher_cannot_be_voided_from_the_voucher_page(
    client, staff_user, store, rich_customer, pastry
):
    voucher = online_voucher(rich_customer, pastry)
    voucher_use(code=voucher.code, actor=staff_user, store=store)
    client.force_login(staff_user)
    before = snapshot(rich_customer, pastry)

    page = client.get(VOUCHERS, {"code": voucher.code}).content.decode()
    response = client.post(VOID, {"code": voucher.code})

    assert f'action="{VOID}"' not in page
    assert response.status_code == 200
    assert "Used or expired vouchers cannot be voided" in response.content.decode()
    assert snapshot(rich_customer, pastry) == before


@pytest.mark.django_db
def test_a_too_long_void_reason_changes_nothing(client, staff_user, rich_customer, pastry):
    voucher = online_voucher(rich_customer, pastry)
    client.force_login(staff_user)
    before = snapshot(rich_customer, pastry)

    response = client.post(VOID, {"code": voucher.code, "reason": "x" * 256})

    assert response.status_code == 200
    assert "at most 255 characters" in response.content.decode()
    assert snapshot(rich_customer, pastry) == before
