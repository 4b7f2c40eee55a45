"""Staff desk actions on points: record a purchase (with preview), return, void, adjust."""

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.contrib.auth.models import Permission
from django.db.models import Sum
from django.urls import reverse
from django.utils import timezone

from engagement.services.checkout import checkout_purchase
from loyalty.models import (
    EntryKind,
    PointsAccount,
    PointsEntry,
    PointsLot,
    ProductCategory,
    Purchase,
    PurchaseReturn,
)
from loyalty.services import BasketLine, points_spend
from members.models import User
from tests.factories import create_customer, create_staff

RECEIPT_KEY = "desk-" + "a" * 32
OTHER_KEY = "desk-" + "b" * 32
# What the void's confirmation page posts; without it a POST only shows that page.
CONFIRM_VOID = {"confirm": "void"}


# --- helpers ------------------------------------------------------------------------------


def _login(client, request, who: str) -> None:
    if who == "anonymous":
        return
    user = request.getfixturevalue(who)
    client.force_login(getattr(user, "user", user))


def _messages(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def purchase_data(
    *lines: dict, receipt_key: str = RECEIPT_KEY, receipt_number: str = "", count: int = 5
) -> dict:
    """The purchase form as a browser posts it: five lines (or `count`, when the page's script
    added some), unused ones left blank."""
    data = {
        "receipt_key": receipt_key,
        "receipt_number": receipt_number,
        "lines-TOTAL_FORMS": str(count),
        "lines-INITIAL_FORMS": "0",
        "lines-MIN_NUM_FORMS": "0",
        "lines-MAX_NUM_FORMS": "50",
    }
    for index in range(count):
        line = lines[index] if index < len(lines) else {}
        data[f"lines-{index}-description"] = line.get("description", "")
        data[f"lines-{index}-category"] = line.get("category", "")
        data[f"lines-{index}-quantity"] = line.get("quantity", "1")
        data[f"lines-{index}-amount"] = line.get("amount", "")
    return data


def two_lines(coffee: ProductCategory) -> tuple[dict, dict]:
    """Coffee 12.50 x2 earns 12 base + 12 double = 24; a bagel 7.99 earns 7. Together 31."""
    return (
        {
            "description": "Coffee beans",
            "category": str(coffee.pk),
            "quantity": "2",
            "amount": "12.50",
        },
        {"description": "Bagel", "amount": "7.99"},
    )


def record(member, store, *, actor, external_id: str = "till-1") -> Purchase:
    coffee = ProductCategory.objects.get(code="coffee")
    return checkout_purchase(
        member=member,
        store=store,
        external_id=external_id,
        lines=[
            BasketLine(amount=Decimal("12.50"), quantity=2, category=coffee, description="Beans"),
            BasketLine(amount=Decimal("7.99"), description="Bagel"),
        ],
        actor=actor,
    ).purchase


def state(member) -> tuple[int, int, int]:
    """(balance, debt, number of ledger entries)."""
    account = PointsAccount.objects.get(member=member)
    return account.balance, account.debt, PointsEntry.objects.filter(account=account).count()


def assert_ledger_adds_up(member) -> None:
    account = PointsAccount.objects.get(member=member)
    entries = PointsEntry.objects.filter(account=account).aggregate(total=Sum("points"))["total"]
    lots = PointsLot.objects.filter(account=account, is_pending=False).aggregate(
        total=Sum("remaining")
    )["total"]
    assert account.balance == (entries or 0) == (lots or 0)


# --- fixtures -----------------------------------------------------------------------------


@pytest.fixture
def dora(db):
    return create_customer(email="dora@example.com", first_name="Dora", last_name="Diaz")


@pytest.fixture
def desk_only_user(db):
    """Staff who may look members up but has none of the points permissions."""
    user = User.objects.create_user(email="desk@example.com", password="pw-desk-123")
    user.user_permissions.add(Permission.objects.get(codename="use_staff_desk"))
    return user


# --- authorization ------------------------------------------------------------------------

PURCHASE_MATRIX = [
    ("anonymous", 302),
    ("customer", 403),
    ("plain_user", 403),
    ("desk_only_user", 403),
    ("staff_user", 200),
    ("manager_user", 200),
]


def assert_status(response, status: int) -> None:
    assert response.status_code == status
    if status == 302:
        assert response["Location"].startswith(reverse("account_login"))


@pytest.mark.django_db
@pytest.mark.parametrize(("who", "status"), PURCHASE_MATRIX)
def test_purchase_form_authorization(client, request, store, dora, who, status):
    _login(client, request, who)

    response = client.get(reverse("staff_points:purchase_new", args=[dora.card_number]))

    assert_status(response, status)
    if status == 200:
        assert "Record a purchase" in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(("who", "status"), PURCHASE_MATRIX)
def test_record_purchase_authorization(client, request, store, dora, coffee, who, status):
    _login(client, request, who)

    response = client.post(
        reverse("staff_points:purchase_new", args=[dora.card_number]),
        purchase_data(*two_lines(coffee)),
    )

    expected = 302 if status == 200 else status
    assert response.status_code == expected
    assert Purchase.objects.count() == (1 if status == 200 else 0)
    assert state(dora) == ((31, 0, 1) if status == 200 else (0, 0, 0))


@pytest.mark.django_db
@pytest.mark.parametrize(("who", "status"), PURCHASE_MATRIX)
def test_preview_authorization(client, request, store, dora, coffee, who, status):
    _login(client, request, who)

    response = client.post(
        reverse("staff_points:purchase_preview", args=[dora.card_number]),
        purchase_data(*two_lines(coffee)),
    )

    assert_status(response, status)
    if status == 200:
        assert response.json()["points"] == 31


@pytest.mark.django_db
@pytest.mark.parametrize(("who", "status"), PURCHASE_MATRIX)
def test_return_page_authorization(client, request, store, dora, coffee, who, status):
    purchase = record(dora, store, actor=None)
    _login(client, request, who)

    response = client.get(
        reverse("staff_points:purchase_return", args=[dora.card_number, purchase.pk])
    )

    assert_status(response, status)
    if status == 200:
        assert "Coffee" in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(("who", "status"), PURCHASE_MATRIX)
def test_void_authorization(client, request, store, dora, coffee, who, status):
    user = None if who == "anonymous" else request.getfixturevalue(who)
    recorder = user if status == 200 else None
    purchase = record(dora, store, actor=recorder)
    _login(client, request, who)

    response = client.post(
        reverse("staff_points:purchase_void", args=[dora.card_number, purchase.pk]),
        CONFIRM_VOID,
    )

    purchase.refresh_from_db()
    if status == 200:
        assert response.status_code == 302
        assert response["Location"] == reverse("staff:member", args=[dora.card_number])
        assert purchase.voided_at is not None
        assert state(dora) == (0, 0, 2)
    else:
        assert_status(response, status)
        assert purchase.voided_at is None
        assert state(dora) == (31, 0, 1)
    assert_ledger_adds_up(dora)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("anonymous", 302),
        ("customer", 403),
        ("plain_user", 403),
        ("desk_only_user", 403),
        ("staff_user", 403),
        ("manager_user", 200),
    ],
)
def test_adjust_page_authorization(client, request, store, dora, who, status):
    _login(client, request, who)

    response = client.get(reverse("staff_points:adjust", args=[dora.card_number]))

    assert_status(response, status)


@pytest.mark.django_db
def test_staff_without_the_adjust_permission_cannot_post_an_adjustment(client, dora, staff_user):
    client.force_login(staff_user)

    response = client.post(
        reverse("staff_points:adjust", args=[dora.card_number]),
        {"points": "500", "reason": "Because", "adjust_key": RECEIPT_KEY},
    )

    assert response.status_code == 403
    assert state(dora) == (0, 0, 0)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("url_name", "extra_args"),
    [("purchase_preview", [])],
)
def test_state_changing_endpoints_refuse_get(client, staff_user, dora, url_name, extra_args):
    client.force_login(staff_user)

    response = client.get(reverse(f"staff_points:{url_name}", args=[dora.card_number, *extra_args]))

    assert response.status_code == 405


@pytest.mark.django_db
def test_an_unknown_card_number_is_404(client, staff_user):
    client.force_login(staff_user)

    response = client.get(reverse("staff_points:purchase_new", args=["0000000000"]))

    assert response.status_code == 404


# --- recording a purchase -----------------------------------------------------------------


@pytest.mark.django_db
def test_a_two_line_purchase_credits_exact_points_and_a_resubmit_records_nothing_more(
    client, store, customer, staff_user, coffee
):
    client.force_login(staff_user)
    url = reverse("staff_points:purchase_new", args=[customer.card_number])
    data = purchase_data(*two_lines(coffee))

    first = client.post(url, data, follow=True)
    second = client.post(url, data, follow=True)

    purchase = Purchase.objects.get()
    assert purchase.external_id == RECEIPT_KEY
    assert purchase.points == 31
    assert purchase.total == Decimal("20.49")
    assert purchase.recorded_by == staff_user
    assert purchase.store == store
    assert [
        (line.description, line.quantity, line.amount, line.points) for line in purchase.lines.all()
    ] == [
        ("Coffee beans", 2, Decimal("12.50"), 24),
        ("Bagel", 1, Decimal("7.99"), 7),
    ]
    assert state(customer) == (31, 0, 1)
    assert first.redirect_chain == [(reverse("staff:member", args=[customer.card_number]), 302)]
    assert _messages(first) == ["Purchase recorded: 31 points credited."]
    assert _messages(second) == [
        "This purchase was already recorded (31 points); nothing was added."
    ]
    assert_ledger_adds_up(customer)


@pytest.mark.django_db
def test_a_typed_receipt_number_is_the_receipt_id(client, store, customer, staff_user, coffee):
    client.force_login(staff_user)

    client.post(
        reverse("staff_points:purchase_new", args=[customer.card_number]),
        purchase_data(*two_lines(coffee), receipt_number=" R-1001 "),
    )

    assert Purchase.objects.get().external_id == "R-1001"
    assert_ledger_adds_up(customer)


@pytest.mark.django_db
def test_a_receipt_already_used_for_another_member_is_a_form_error(
    client, store, customer, dora, staff_user, coffee
):
    record(dora, store, actor=staff_user, external_id="R-1001")
    client.force_login(staff_user)

    response = client.post(
        reverse("staff_points:purchase_new", args=[customer.card_number]),
        purchase_data(*two_lines(coffee), receipt_number="R-1001"),
    )

    assert response.status_code == 200
    assert "This receipt id was already recorded for a different purchase." in (
        response.content.decode()
    )
    assert "Dora" not in response.content.decode()
    assert Purchase.objects.count() == 1
    assert state(customer) == (0, 0, 0)
    assert state(dora) == (31, 0, 1)
    assert_ledger_adds_up(customer)
    assert_ledger_adds_up(dora)


@pytest.mark.django_db
def test_pending_points_are_reported_as_pending(client, store, customer, staff_user, coffee):
    from loyalty.services import program_settings_get

    program = program_settings_get()
    program.pending_days = 14
    program.save()
    client.force_login(staff_user)

    with time_machine.travel(datetime.datetime(2026, 3, 2, 12, 0, tzinfo=datetime.UTC), tick=False):
        response = client.post(
            reverse("staff_points:purchase_new", args=[customer.card_number]),
            purchase_data(*two_lines(coffee)),
            follow=True,
        )

    assert _messages(response) == ["Purchase recorded: 31 points, available from March 16, 2026."]
    account = PointsAccount.objects.get(member=customer)
    assert (account.balance, account.pending) == (0, 31)
    assert_ledger_adds_up(customer)


BAD_BASKETS = [
    pytest.param([{"amount": "-5.00"}], "Enter an amount above zero.", id="negative-amount"),
    pytest.param([{"amount": "0"}], "Enter an amount above zero.", id="zero-amount"),
    pytest.param([{"amount": "twelve"}], "Enter an amount such as 12.50.", id="non-numeric"),
    pytest.param([{"amount": "1.999"}], "Enter at most two decimals.", id="three-decimals"),
    pytest.param([{"amount": "5", "quantity": "0"}], "Enter a quantity of at least 1.", id="qty-0"),
    pytest.param([{"amount": "5", "quantity": "1.5"}], "Enter a whole number.", id="qty-fraction"),
    pytest.param([{"description": "Bagel"}], "Enter the line&#x27;s amount.", id="no-amount"),
    pytest.param([], "Enter at least one line with an amount.", id="empty-basket"),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("lines", "error"), BAD_BASKETS)
def test_bad_purchase_input_is_refused_and_changes_nothing(
    client, store, customer, staff_user, coffee, lines, error
):
    client.force_login(staff_user)

    response = client.post(
        reverse("staff_points:purchase_new", args=[customer.card_number]), purchase_data(*lines)
    )

    assert response.status_code == 200
    assert error in response.content.decode()
    assert Purchase.objects.count() == 0
    assert state(customer) == (0, 0, 0)
    assert_ledger_adds_up(customer)


@pytest.mark.django_db
def test_a_tampered_receipt_key_is_refused(client, store, customer, staff_user, coffee):
    client.force_login(staff_user)

    response = client.post(
        reverse("staff_points:purchase_new", args=[customer.card_number]),
        purchase_data(*two_lines(coffee), receipt_key="x" * 300),
    )

    assert response.status_code == 200
    assert "This form has expired; open it again." in response.content.decode()
    assert Purchase.objects.count() == 0


@pytest.mark.django_db
def test_a_staff_member_without_a_store_cannot_record(client, customer, coffee):
    no_store = create_staff(email="floater@example.com", store=None)
    client.force_login(no_store)
    url = reverse("staff_points:purchase_new", args=[customer.card_number])

    page = client.get(url)
    posted = client.post(url, purchase_data(*two_lines(coffee)))

    for response in (page, posted):
        assert response.status_code == 200
        assert "Your login is not linked to a store" in response.content.decode()
        assert "data-purchase-form" not in response.content.decode()
    assert Purchase.objects.count() == 0
    assert state(customer) == (0, 0, 0)


@pytest.mark.django_db
def test_the_purchase_form_renders_a_fresh_hidden_receipt_key_and_five_lines(
    client, store, customer, staff_user, coffee
):
    client.force_login(staff_user)
    url = reverse("staff_points:purchase_new", args=[customer.card_number])

    first = client.get(url)
    second = client.get(url)

    first_key = first.context["form"]["receipt_key"].value()
    assert first_key.startswith("desk-")
    assert len(first_key) == 37
    assert first_key != second.context["form"]["receipt_key"].value()
    assert len(first.context["formset"].forms) == 5
    html = first.content.decode()
    assert f'<input type="hidden" name="receipt_key" value="{first_key}"' in html
    assert '<label for="id_lines-0-amount">Line total:</label>' in html
    assert "js/purchase.js" in html


# --- preview ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_preview_returns_exact_points_and_records_nothing(
    client, store, customer, staff_user, coffee
):
    client.force_login(staff_user)

    response = client.post(
        reverse("staff_points:purchase_preview", args=[customer.card_number]),
        purchase_data(*two_lines(coffee)),
    )

    assert response.status_code == 200
    assert response.json() == {
        "points": 31,
        "summary": "This purchase earns 31 points.",
        "breakdown": [
            {"name": "Base", "kind": "base_rate", "points": 19},
            {"name": "Coffee double", "kind": "category_multiplier", "points": 12},
        ],
        "basket": "3 items · $20.49",
        "errors": {},
        "ready": True,
    }
    assert Purchase.objects.count() == 0
    assert state(customer) == (0, 0, 0)
    assert_ledger_adds_up(customer)


@pytest.mark.django_db
def test_the_preview_of_an_incomplete_basket_says_so(client, store, customer, staff_user, coffee):
    client.force_login(staff_user)

    response = client.post(
        reverse("staff_points:purchase_preview", args=[customer.card_number]),
        purchase_data({"amount": "-1"}),
    )

    assert response.status_code == 200
    assert response.json() == {
        "points": None,
        "summary": "Fill in the lines to see the points.",
        "breakdown": [],
        "basket": "No items yet.",
        "errors": {"lines-0-amount": "Enter an amount above zero."},
        "ready": False,
    }
    assert Purchase.objects.count() == 0


@pytest.mark.django_db
def test_the_no_javascript_preview_button_shows_points_and_records_nothing(
    client, store, customer, staff_user, coffee
):
    client.force_login(staff_user)

    response = client.post(
        reverse("staff_points:purchase_new", args=[customer.card_number]),
        {**purchase_data(*two_lines(coffee)), "preview": "1"},
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert "This purchase earns 31 points." in html
    assert "Coffee double" in html
    assert f'value="{RECEIPT_KEY}"' in html
    assert Purchase.objects.count() == 0
    assert state(customer) == (0, 0, 0)


# --- returns ------------------------------------------------------------------------------


def return_data(purchase, *quantities, key: str = RECEIPT_KEY) -> dict:
    lines = list(purchase.lines.order_by("position"))
    data = {"return_key": key, "confirm": "return"}
    for line, quantity in zip(lines, quantities, strict=True):
        data[f"line_{line.pk}"] = str(quantity)
    return data


@pytest.mark.django_db
def test_returning_one_line_takes_back_exactly_its_points(
    client, store, customer, staff_user, coffee
):
    purchase = record(customer, store, actor=staff_user)
    client.force_login(staff_user)
    url = reverse("staff_points:purchase_return", args=[customer.card_number, purchase.pk])

    page = client.get(url)
    response = client.post(url, return_data(purchase, 0, 1), follow=True)
    again = client.post(url, return_data(purchase, 0, 1), follow=True)

    assert page.status_code == 200
    purchase.refresh_from_db()
    assert purchase.points_reversed == 7
    assert PurchaseReturn.objects.get().points == 7
    assert state(customer) == (24, 0, 2)
    assert _messages(response) == ["Return recorded: 7 points taken back."]
    assert _messages(again) == ["This return was already recorded; nothing more was taken back."]
    assert [line.returned_quantity for line in purchase.lines.order_by("position")] == [0, 1]
    assert_ledger_adds_up(customer)


@pytest.mark.django_db
def test_returning_spent_points_creates_debt(client, store, customer, staff_user, coffee):
    purchase = record(customer, store, actor=staff_user)
    points_spend(account=customer.points_account, points=30)
    client.force_login(staff_user)

    response = client.post(
        reverse("staff_points:purchase_return", args=[customer.card_number, purchase.pk]),
        return_data(purchase, 2, 0),
        follow=True,
    )

    assert _messages(response) == [
        "Return recorded: 24 points taken back. 23 points were already spent and are now "
        "owed; they come off the next earnings."
    ]
    assert state(customer) == (0, 23, 3)
    assert 'data-testid="debt">23<' in response.content.decode()
    assert_ledger_adds_up(customer)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("quantities", "error"),
    [
        pytest.param((3, 0), "Only 2 were bought.", id="more-than-bought"),
        pytest.param((1, 2), "Only 1 were bought.", id="more-than-bought-second-line"),
        pytest.param((0, 0), "Enter how many of at least one line come back.", id="nothing"),
        pytest.param((-1, 0), "Enter 0 or more.", id="negative"),
        pytest.param(("x", 0), "Enter a whole number.", id="non-numeric"),
    ],
)
def test_bad_return_input_is_refused_and_changes_nothing(
    client, store, customer, staff_user, coffee, quantities, error
):
    purchase = record(customer, store, actor=staff_user)
    client.force_login(staff_user)

    response = client.post(
        reverse("staff_points:purchase_return", args=[customer.card_number, purchase.pk]),
        return_data(purchase, *quantities),
    )

    assert response.status_code == 200
    assert error in response.content.decode()
    assert PurchaseReturn.objects.count() == 0
    purchase.refresh_from_db()
    assert purchase.points_reversed == 0
    assert state(customer) == (31, 0, 1)
    assert_ledger_adds_up(customer)


@pytest.mark.django_db
def test_returning_more_than_is_left_shows_the_service_message(
    client, store, customer, staff_user, coffee
):
    purchase = record(customer, store, actor=staff_user)
    client.force_login(staff_user)
    url = reverse("staff_points:purchase_return", args=[customer.card_number, purchase.pk])
    client.post(url, return_data(purchase, 1, 0, key=OTHER_KEY))

    response = client.post(url, return_data(purchase, 2, 0))

    assert response.status_code == 200
    assert "Line Beans: 2 returned but only 1 left to return." in response.content.decode()
    assert PurchaseReturn.objects.count() == 1
    purchase.refresh_from_db()
    assert purchase.points_reversed == 12
    assert state(customer) == (19, 0, 2)
    assert_ledger_adds_up(customer)


@pytest.mark.django_db
def test_a_purchase_of_another_member_is_404(client, store, customer, dora, staff_user, coffee):
    dora_purchase = record(dora, store, actor=staff_user)
    client.force_login(staff_user)

    page = client.get(
        reverse("staff_points:purchase_return", args=[customer.card_number, dora_purchase.pk])
    )
    posted = client.post(
        reverse("staff_points:purchase_return", args=[customer.card_number, dora_purchase.pk]),
        return_data(dora_purchase, 1, 1),
    )
    voided = client.post(
        reverse("staff_points:purchase_void", args=[customer.card_number, dora_purchase.pk])
    )

    assert (page.status_code, posted.status_code, voided.status_code) == (404, 404, 404)
    assert PurchaseReturn.objects.count() == 0
    assert state(dora) == (31, 0, 1)


# --- voids --------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_recorder_voids_within_the_window(client, store, customer, staff_user, coffee):
    purchase = record(customer, store, actor=staff_user)
    client.force_login(staff_user)

    response = client.post(
        reverse("staff_points:purchase_void", args=[customer.card_number, purchase.pk]),
        CONFIRM_VOID,
        follow=True,
    )
    again = client.post(
        reverse("staff_points:purchase_void", args=[customer.card_number, purchase.pk]),
        CONFIRM_VOID,
        follow=True,
    )

    purchase.refresh_from_db()
    assert purchase.voided_at is not None
    assert purchase.points_reversed == 31
    assert state(customer) == (0, 0, 2)
    assert _messages(response) == ["Purchase voided: 31 points taken back."]
    assert _messages(again) == ["This purchase is already void."]
    assert PurchaseReturn.objects.get().is_void is True
    assert_ledger_adds_up(customer)


@pytest.mark.django_db
def test_another_staff_member_cannot_void(client, store, customer, staff_user, coffee):
    purchase = record(customer, store, actor=staff_user)
    colleague = create_staff(email="colleague@example.com", store=store)
    client.force_login(colleague)

    summary = client.get(reverse("staff:member", args=[customer.card_number]))
    response = client.post(
        reverse("staff_points:purchase_void", args=[customer.card_number, purchase.pk]),
        CONFIRM_VOID,
        follow=True,
    )

    void_url = reverse("staff_points:purchase_void", args=[customer.card_number, purchase.pk])
    assert void_url not in summary.content.decode()
    assert _messages(response) == [
        "Only the person who recorded a purchase can void it, within 15 minutes."
    ]
    purchase.refresh_from_db()
    assert (purchase.points_reversed, purchase.voided_at) == (0, None)
    assert state(customer) == (31, 0, 1)
    assert PurchaseReturn.objects.count() == 0
    assert_ledger_adds_up(customer)


@pytest.mark.django_db
def test_the_recorder_cannot_void_after_the_window(client, store, customer, staff_user, coffee):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        purchase = record(customer, store, actor=staff_user)
    client.force_login(staff_user)

    with time_machine.travel(start + datetime.timedelta(minutes=16), tick=False):
        summary = client.get(reverse("staff:member", args=[customer.card_number]))
        response = client.post(
            reverse("staff_points:purchase_void", args=[customer.card_number, purchase.pk]),
            CONFIRM_VOID,
            follow=True,
        )

    void_url = reverse("staff_points:purchase_void", args=[customer.card_number, purchase.pk])
    assert void_url not in summary.content.decode()
    assert _messages(response) == [
        "Only the person who recorded a purchase can void it, within 15 minutes."
    ]
    purchase.refresh_from_db()
    assert (purchase.points_reversed, purchase.voided_at) == (0, None)
    assert state(customer) == (31, 0, 1)
    assert_ledger_adds_up(customer)


# --- member summary -----------------------------------------------------------------------


@pytest.mark.django_db
def test_the_summary_lists_purchases_with_their_actions(
    client, store, customer, staff_user, coffee
):
    purchase = record(customer, store, actor=staff_user, external_id="till-77")
    client.force_login(staff_user)

    response = client.get(reverse("staff:member", args=[customer.card_number]))

    html = response.content.decode()
    assert response.status_code == 200
    assert "till-77" in html
    assert reverse("staff_points:purchase_new", args=[customer.card_number]) in html
    assert reverse("staff_points:purchase_return", args=[customer.card_number, purchase.pk]) in html
    void_url = reverse("staff_points:purchase_void", args=[customer.card_number, purchase.pk])
    assert f'href="{void_url}"' in html
    assert reverse("staff_points:adjust", args=[customer.card_number]) not in html
    [row] = response.context["purchase_rows"]
    assert (row.purchase, row.can_return, row.can_void) == (purchase, True, True)
    assert [(entry.kind, entry.points) for entry in response.context["entries"]] == [
        (EntryKind.PURCHASE, 31)
    ]


@pytest.mark.django_db
def test_the_summary_offers_adjustment_to_managers(client, customer, manager_user):
    client.force_login(manager_user)

    response = client.get(reverse("staff:member", args=[customer.card_number]))

    assert reverse("staff_points:adjust", args=[customer.card_number]) in response.content.decode()


# --- adjustments --------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_manager_adjusts_points_once_per_form(client, customer, manager_user):
    client.force_login(manager_user)
    url = reverse("staff_points:adjust", args=[customer.card_number])
    data = {"points": "50", "reason": "Goodwill for a late order", "adjust_key": RECEIPT_KEY}

    response = client.post(url, data, follow=True)
    again = client.post(url, data, follow=True)

    entry = PointsEntry.objects.get()
    assert (entry.kind, entry.points, entry.note, entry.actor) == (
        EntryKind.ADJUSTMENT,
        50,
        "Goodwill for a late order",
        manager_user,
    )
    assert state(customer) == (50, 0, 1)
    assert _messages(response) == ["Points adjusted by +50. New balance: 50."]
    assert _messages(again) == ["Points adjusted by +50. New balance: 50."]
    assert_ledger_adds_up(customer)


@pytest.mark.django_db
def test_a_negative_adjustment_takes_points_away(client, customer, manager_user):
    client.force_login(manager_user)
    url = reverse("staff_points:adjust", args=[customer.card_number])
    client.post(url, {"points": "50", "reason": "Goodwill", "adjust_key": OTHER_KEY}, follow=True)

    response = client.post(
        url,
        {"points": "-20", "reason": "Duplicate goodwill", "adjust_key": RECEIPT_KEY},
        follow=True,
    )

    assert _messages(response) == ["Points adjusted by -20. New balance: 30."]
    assert state(customer) == (30, 0, 2)
    assert_ledger_adds_up(customer)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("points", "reason", "error"),
    [
        pytest.param(
            "-80", "Too much", "Not enough points: 50 available, 80 needed.", id="below-0"
        ),
        pytest.param(
            "0", "Nothing", "An adjustment changes the balance by at least one point.", id="0"
        ),
        pytest.param("ten", "Words", "Enter a whole number of points, e.g. 50 or -50.", id="word"),
        pytest.param("10", "   ", "Give a reason for the adjustment.", id="no-reason"),
        pytest.param("99999999999", "Huge", "Enter at most 1000000.", id="huge"),
    ],
)
def test_bad_adjustments_are_refused_and_change_nothing(
    client, customer, manager_user, points, reason, error
):
    client.force_login(manager_user)
    url = reverse("staff_points:adjust", args=[customer.card_number])
    client.post(url, {"points": "50", "reason": "Goodwill", "adjust_key": OTHER_KEY})

    response = client.post(url, {"points": points, "reason": reason, "adjust_key": RECEIPT_KEY})

    assert response.status_code == 200
    assert error in response.content.decode()
    assert state(customer) == (50, 0, 1)
    assert_ledger_adds_up(customer)
