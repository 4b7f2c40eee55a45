"""POST purchases/, purchases/preview/ and purchases/{external_id}/returns/ through the API."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from loyalty.models import (
    EntryKind,
    PointsAccount,
    PointsEntry,
    Purchase,
    PurchaseLine,
    PurchaseReturn,
    RuleKind,
)
from loyalty.services import points_spend, program_settings_get
from tests.api.conftest import purchase_body, url
from tests.loyalty.points import rule, state

pytestmark = pytest.mark.django_db


def nothing_recorded(member) -> bool:
    return (
        Purchase.objects.count() == 0
        and PurchaseLine.objects.count() == 0
        and state(member) == (0, 0, 0, 0)
    )


# --- recording --------------------------------------------------------------------------------


def test_a_purchase_is_recorded_at_the_keys_store_and_credited(till, customer, store, earning):
    response = till.post(url("purchase-create"), purchase_body(customer), format="json")

    assert response.status_code == 201
    body = response.json()
    purchase = Purchase.objects.get()
    assert purchase.store == store
    assert purchase.recorded_by is None
    assert body["external_id"] == "till-1-0001"
    assert body["store"] == "downtown"
    assert body["member"] == customer.card_number
    assert body["total"] == "32.99"
    assert body["points"] == 32
    assert body["points_pending"] is False
    assert body["breakdown"] == [
        {"rule": earning.pk, "name": "Base", "kind": "base_rate", "points": 32}
    ]
    assert [line["line"] for line in body["lines"]] == [1, 2]
    assert body["lines"][0]["category"] == "coffee"
    assert body["lines"][1]["category"] is None
    assert [line["points"] for line in body["lines"]] == [25, 7]
    assert state(customer) == (32, 0, 0, 1)


def test_the_rule_breakdown_shows_every_rule(till, customer, earning):
    coffee = earning.categories.model.objects.get(code="coffee")
    double = rule(
        RuleKind.CATEGORY_MULTIPLIER, "Coffee 2x", multiplier=Decimal("2"), categories=[coffee]
    )

    body = till.post(url("purchase-create"), purchase_body(customer), format="json").json()

    assert body["points"] == 57
    assert body["breakdown"] == [
        {"rule": earning.pk, "name": "Base", "kind": "base_rate", "points": 32},
        {"rule": double.pk, "name": "Coffee 2x", "kind": "category_multiplier", "points": 25},
    ]


def test_points_on_hold_are_reported_pending(till, customer, earning, time_machine):
    time_machine.move_to(timezone.now(), tick=False)
    program = program_settings_get()
    program.pending_days = 14
    program.save()

    body = till.post(url("purchase-create"), purchase_body(customer), format="json").json()

    # The period runs from when the sale reached the program, not from yesterday's sale time:
    # a sale sent late still waits its whole period.
    assert body["points_pending"] is True
    expected = timezone.now() + datetime.timedelta(days=14)
    assert datetime.datetime.fromisoformat(body["points_available_at"]) == expected
    assert state(customer) == (0, 32, 0, 0)


def test_the_same_receipt_again_answers_200_with_the_same_body_and_credits_nothing(
    till, customer, earning
):
    first = till.post(url("purchase-create"), purchase_body(customer), format="json")

    again = till.post(url("purchase-create"), purchase_body(customer), format="json")

    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json() == first.json()
    assert Purchase.objects.count() == 1
    assert state(customer) == (32, 0, 0, 1)


def test_a_replay_after_a_return_still_answers_the_first_body(till, customer, earning):
    first = till.post(url("purchase-create"), purchase_body(customer), format="json").json()
    till.post(
        url("purchase-return", external_id="till-1-0001"),
        {"lines": [{"line": 1, "quantity": 1}]},
        format="json",
    )

    again = till.post(url("purchase-create"), purchase_body(customer), format="json")

    assert again.status_code == 200
    assert again.json() == first


def test_the_same_receipt_id_at_another_store_is_another_purchase(
    till, other_till, customer, earning
):
    till.post(url("purchase-create"), purchase_body(customer), format="json")

    response = other_till.post(url("purchase-create"), purchase_body(customer), format="json")

    assert response.status_code == 201
    assert response.json()["store"] == "uptown"
    assert Purchase.objects.count() == 2


def test_the_same_receipt_id_for_another_member_is_a_conflict(
    till, customer, other_customer, earning
):
    till.post(url("purchase-create"), purchase_body(customer), format="json")

    response = till.post(url("purchase-create"), purchase_body(other_customer), format="json")

    assert response.status_code == 409
    assert response.json()["code"] == "purchase_conflict"
    assert state(other_customer) == (0, 0, 0, 0)


def test_the_same_receipt_id_for_another_basket_is_a_conflict(till, customer, earning):
    first = till.post(url("purchase-create"), purchase_body(customer), format="json")
    other_basket = purchase_body(
        customer, total="7.99", lines=[{"sku": "BAG-1", "quantity": 1, "amount": "7.99"}]
    )

    response = till.post(url("purchase-create"), other_basket, format="json")

    assert first.status_code == 201
    assert response.status_code == 409
    assert response.json()["code"] == "purchase_conflict"
    assert state(customer) == (32, 0, 0, 1)
    assert Purchase.objects.count() == 1


# --- refused purchases: a stable code, nothing recorded ---------------------------------------


# Times worked out when the test runs, not when the module is read.
SALE_TIMES = {
    "FUTURE": lambda: (timezone.now() + datetime.timedelta(hours=1)).isoformat(),
    "EIGHT_DAYS_AGO": lambda: (timezone.now() - datetime.timedelta(days=8)).isoformat(),
    "NO_ZONE": lambda: (
        (timezone.now() - datetime.timedelta(hours=1)).replace(tzinfo=None).isoformat()
    ),
}


@pytest.mark.parametrize(
    ("overrides", "status", "code", "field"),
    [
        ({"occurred_at": "FUTURE"}, 422, "invalid_purchase", None),
        ({"occurred_at": "EIGHT_DAYS_AGO"}, 422, "invalid_purchase", None),
        ({"occurred_at": "NO_ZONE"}, 400, "invalid", "occurred_at"),
        ({"occurred_at": "2026-03-01T14:05:00"}, 400, "invalid", "occurred_at"),
        ({"currency": "EUR"}, 422, "invalid_purchase", None),
        ({"total": "30.00"}, 422, "invalid_purchase", None),
        ({"member": "412345678905"}, 422, "member_not_found", None),
        ({"member": "not a card"}, 422, "member_not_found", None),
        ({"occurred_at": "1999-12-31T23:00:00Z"}, 400, "invalid", "occurred_at"),
        ({"occurred_at": "yesterday"}, 400, "invalid", "occurred_at"),
        ({"currency": "EURO"}, 400, "invalid", "currency"),
        ({"total": "0"}, 400, "invalid", "total"),
        ({"total": "-5.00"}, 400, "invalid", "total"),
        ({"external_id": "   "}, 400, "invalid", "external_id"),
        ({"external_id": "x" * 101}, 400, "invalid", "external_id"),
        ({"lines": []}, 400, "invalid", "lines"),
        ({"lines": "coffee"}, 400, "invalid", "lines"),
        ({"lines": [{"amount": "0"}]}, 400, "invalid", "lines"),
        ({"lines": [{"amount": "-1.00"}]}, 400, "invalid", "lines"),
        ({"lines": [{"amount": "1.005"}]}, 400, "invalid", "lines"),
        ({"lines": [{"amount": "NaN"}]}, 400, "invalid", "lines"),
        ({"lines": [{"amount": "1e400"}]}, 400, "invalid", "lines"),
        ({"lines": [{"amount": "5.00", "quantity": 0}]}, 400, "invalid", "lines"),
        ({"lines": [{"amount": "5.00", "quantity": 2**70}]}, 400, "invalid", "lines"),
        ({"lines": [{"amount": "5.00", "category": "shoes"}]}, 400, "invalid", "lines"),
        ({"lines": [{"amount": "5.00", "description": "nul\x00byte"}]}, 400, "invalid", "lines"),
    ],
)
def test_a_refused_purchase_has_a_stable_code_and_records_nothing(
    overrides, status, code, field, till, customer, earning
):
    if overrides.get("occurred_at") in SALE_TIMES:
        overrides = {"occurred_at": SALE_TIMES[overrides["occurred_at"]]()}
    body = {**purchase_body(customer), **overrides}

    response = till.post(url("purchase-create"), body, format="json")

    assert response.status_code == status, response.content
    assert response.json()["code"] == code
    assert response.json()["message"]
    if field:
        assert field in response.json()["fields"]
    assert nothing_recorded(customer)


def test_an_unknown_category_names_the_line(till, customer, earning):
    body = purchase_body(customer, total="5.00", lines=[{"amount": "5.00", "category": "shoes"}])

    response = till.post(url("purchase-create"), body, format="json")

    assert response.json() == {
        "code": "invalid",
        "message": "lines[0].category: Unknown category 'shoes'.",
        "fields": {"lines": {"0": {"category": ["Unknown category 'shoes'."]}}},
    }


def test_a_body_that_is_not_json_is_a_parse_error(till, customer):
    response = till.post(url("purchase-create"), "{not json", content_type="application/json")

    assert response.status_code == 400
    assert response.json()["code"] == "parse_error"


@pytest.mark.parametrize(
    "body",
    [
        "[" * 100_000 + "]" * 100_000,  # RecursionError inside json (a 500 before)
        '{"member": ' + "[" * 9 + "]" * 9 + "}",  # parses, but deeper than any request
    ],
    ids=["deeper-than-python", "deeper-than-any-request"],
)
def test_a_body_nested_too_deep_is_a_parse_error_and_records_nothing(till, customer, body):
    response = till.post(url("purchase-create"), body, content_type="application/json")

    assert response.status_code == 400
    assert response.json() == {
        "code": "parse_error",
        "message": "The body nests objects or lists deeper than 8 levels.",
        "fields": {},
    }
    assert Purchase.objects.count() == 0


def test_a_body_larger_than_the_limit_is_a_parse_error(till, customer, earning, settings):
    settings.LOYALTY_API_MAX_BODY_BYTES = 1000
    body = purchase_body(customer)
    body["lines"][0]["description"] = "x" * 1000

    response = till.post(url("purchase-create"), body, format="json")

    assert response.status_code == 400
    assert response.json() == {
        "code": "parse_error",
        "message": "The request body is larger than 1000 bytes.",
        "fields": {},
    }
    assert Purchase.objects.count() == 0


def test_nan_is_not_json(till, customer):
    response = till.post(url("purchase-create"), '{"total": NaN}', content_type="application/json")

    assert response.status_code == 400
    assert response.json()["code"] == "parse_error"


def test_a_body_that_is_not_an_object_is_invalid(till, customer):
    response = till.post(url("purchase-create"), [1, 2], format="json")

    assert response.status_code == 400
    assert response.json()["code"] == "invalid"


def test_form_data_is_unsupported(till, customer):
    response = till.post(url("purchase-create"), {"member": "x"}, format="multipart")

    assert response.status_code == 415
    assert response.json()["code"] == "unsupported_media_type"


def test_get_on_a_post_endpoint_is_405(till):
    response = till.get(url("purchase-create"))

    assert response.status_code == 405
    assert response.json()["code"] == "method_not_allowed"


def test_a_closed_members_purchase_is_refused(till, customer, earning):
    customer.user.is_active = False
    customer.user.save()

    response = till.post(url("purchase-create"), purchase_body(customer), format="json")

    assert response.status_code == 409
    assert response.json()["code"] == "member_closed"
    assert nothing_recorded(customer)


# --- preview ----------------------------------------------------------------------------------


def test_a_preview_shows_the_points_and_records_nothing(till, customer, earning):
    body = purchase_body(customer)
    preview = {"member": body["member"], "lines": body["lines"]}

    response = till.post(url("purchase-preview"), preview, format="json")

    assert response.status_code == 200
    assert response.json() == {
        "points": 32,
        "bonus_points": 0,
        "cap_reduction": 0,
        "lines": [
            {"line": 1, "points": 25, "eligible": True},
            {"line": 2, "points": 7, "eligible": True},
        ],
        "breakdown": [{"rule": earning.pk, "name": "Base", "kind": "base_rate", "points": 32}],
    }
    assert nothing_recorded(customer)


def test_a_preview_of_excluded_lines(till, customer, earning):
    coffee = earning.categories.model.objects.get(code="coffee")
    rule(RuleKind.CATEGORY_EXCLUSION, "No coffee", categories=[coffee])
    lines = [{"amount": "10.00", "category": "coffee"}, {"amount": "5.00"}]

    response = till.post(
        url("purchase-preview"), {"member": customer.card_number, "lines": lines}, format="json"
    )

    assert response.json()["points"] == 5
    assert [line["eligible"] for line in response.json()["lines"]] == [False, True]


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({"member": "412345678905", "lines": [{"amount": "5"}]}, 422, "member_not_found"),
        ({"lines": [{"amount": "5"}]}, 400, "invalid"),
        ({"member": "MEMBER", "lines": []}, 400, "invalid"),
    ],
)
def test_a_refused_preview(body, status, code, till, customer, earning):
    if body.get("member") == "MEMBER":
        body["member"] = customer.card_number

    response = till.post(url("purchase-preview"), body, format="json")

    assert response.status_code == status
    assert response.json()["code"] == code


# --- returns ----------------------------------------------------------------------------------


@pytest.fixture
def recorded(till, customer, earning):
    """Alice's purchase till-1-0001 at Downtown: 2 coffee (25 points) and a bagel (7)."""
    response = till.post(url("purchase-create"), purchase_body(customer), format="json")
    assert response.status_code == 201
    return response.json()


def return_url(external_id: str = "till-1-0001") -> str:
    return url("purchase-return", external_id=external_id)


def test_a_return_takes_back_the_points_of_the_returned_quantity(till, customer, recorded):
    response = till.post(
        return_url(), {"external_id": "ret-1", "lines": [{"line": 1, "quantity": 1}]}
    )

    assert response.status_code == 201
    body = response.json()
    assert body["purchase"] == "till-1-0001"
    assert body["external_id"] == "ret-1"
    assert body["points"] == 12
    assert body["debt_added"] == 0
    assert body["lines"] == [{"line": 1, "quantity": 1}]
    assert state(customer) == (20, 0, 0, 2)
    assert PurchaseReturn.objects.get().store.code == "downtown"


def test_a_return_keeps_the_key_that_asked_for_it(till, own_key, customer, recorded):
    """The activity log names the till: the return remembers its key, and no staff member."""
    response = till.post(return_url(), {"lines": [{"line": 2, "quantity": 1}]})

    assert response.status_code == 201
    purchase_return = PurchaseReturn.objects.get()
    assert (purchase_return.api_key, purchase_return.actor) == (own_key[0], None)


def test_a_return_of_spent_points_becomes_debt(till, customer, recorded):
    points_spend(account=customer.points_account, points=30)

    body = till.post(return_url(), {"lines": [{"line": 1, "quantity": 2}]}).json()

    assert (body["points"], body["debt_added"]) == (25, 23)
    assert state(customer) == (0, 0, 23, 3)


def test_the_same_return_id_again_answers_200_and_takes_nothing_more(till, customer, recorded):
    data = {"external_id": "ret-1", "lines": [{"line": 1, "quantity": 1}]}
    first = till.post(return_url(), data)

    again = till.post(return_url(), data)

    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json() == first.json()
    assert PurchaseReturn.objects.count() == 1
    assert state(customer) == (20, 0, 0, 2)


@pytest.mark.parametrize(
    "lines",
    [
        [{"line": 1, "quantity": 2}],
        [{"line": 2, "quantity": 1}],
        [{"line": 1, "quantity": 1}, {"line": 2, "quantity": 1}],
    ],
    ids=["other-quantity", "other-line", "more-lines"],
)
def test_the_same_return_id_with_other_lines_is_a_conflict(till, customer, recorded, lines):
    till.post(return_url(), {"external_id": "ret-1", "lines": [{"line": 1, "quantity": 1}]})

    response = till.post(return_url(), {"external_id": "ret-1", "lines": lines})

    assert response.status_code == 409
    assert response.json() == {
        "code": "return_conflict",
        "message": "This return id was already recorded for other lines of the purchase.",
        "fields": {},
    }
    assert PurchaseReturn.objects.count() == 1
    assert state(customer) == (20, 0, 0, 2)


def test_a_receipt_id_with_a_slash_can_be_returned(till, customer, earning):
    till.post(url("purchase-create"), purchase_body(customer, external_id="2026/03/0001"))

    response = till.post(return_url("2026/03/0001"), {"lines": [{"line": 2, "quantity": 1}]})

    assert response.status_code == 201
    assert response.json()["points"] == 7


def test_another_stores_purchase_cannot_be_returned(other_till, customer, recorded):
    response = other_till.post(return_url(), {"lines": [{"line": 1, "quantity": 1}]})

    assert response.status_code == 404
    assert response.json()["code"] == "purchase_not_found"
    assert state(customer) == (32, 0, 0, 1)


@pytest.mark.parametrize(
    ("external_id", "lines", "status", "code"),
    [
        ("nope", [{"line": 1, "quantity": 1}], 404, "purchase_not_found"),
        ("nul\x00", [{"line": 1, "quantity": 1}], 404, "purchase_not_found"),
        ("till-1-0001", [{"line": 3, "quantity": 1}], 422, "invalid_return"),
        ("till-1-0001", [{"line": 1, "quantity": 3}], 422, "invalid_return"),
        (
            "till-1-0001",
            [{"line": 1, "quantity": 1}, {"line": 1, "quantity": 1}],
            422,
            "invalid_return",
        ),
        ("till-1-0001", [{"line": 1, "quantity": 0}], 400, "invalid"),
        ("till-1-0001", [], 400, "invalid"),
        ("till-1-0001", None, 400, "invalid"),
    ],
)
def test_a_refused_return_takes_nothing_back(
    external_id, lines, status, code, till, customer, recorded
):
    data = {"lines": lines} if lines is not None else {}

    response = till.post(return_url(external_id), data)

    assert response.status_code == status, response.content
    assert response.json()["code"] == code
    assert PurchaseReturn.objects.count() == 0
    assert state(customer) == (32, 0, 0, 1)


def test_nothing_left_to_return(till, customer, recorded):
    till.post(return_url(), {"lines": [{"line": 1, "quantity": 2}, {"line": 2, "quantity": 1}]})

    response = till.post(return_url(), {"lines": [{"line": 2, "quantity": 1}]})

    assert response.status_code == 422
    assert response.json()["code"] == "invalid_return"
    assert state(customer) == (0, 0, 0, 2)
    assert PointsEntry.objects.filter(kind=EntryKind.RETURN).count() == 1
    assert PointsAccount.objects.get(member=customer).lifetime_earned == 0


# --- cost -------------------------------------------------------------------------------------


def _queries_of_purchase(till, customer, external_id: str, lines: int) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    body = purchase_body(
        customer,
        external_id,
        total=f"{lines * 2}.00",
        lines=[
            {"sku": f"S{n}", "category": "coffee", "quantity": 1, "amount": "2.00"}
            for n in range(lines)
        ],
    )
    with CaptureQueriesContext(connection) as captured:
        response = till.post(url("purchase-create"), body, format="json")
    assert response.status_code == 201
    return len(captured)


def test_a_purchase_costs_the_same_queries_whatever_its_lines_and_rules(
    till, customer, earning, store
):
    from engagement.models import Challenge
    from loyalty.models import Tier

    rule(RuleKind.PROMOTION, "Double week", multiplier=Decimal("2"))
    rule(RuleKind.THRESHOLD_BONUS, "Spend 5", threshold_amount=Decimal("5"), points=5)
    Tier.objects.create(name="Silver", rank=1, threshold=Decimal("10000"))
    Challenge.objects.create(
        name="Coffee club",
        starts_at=timezone.now() - datetime.timedelta(days=30),
        purchases_needed=50,
        reward_points=100,
    )
    _queries_of_purchase(till, customer, "warm-up", 1)  # the card, the rule book

    with_two = _queries_of_purchase(till, customer, "two-lines", 2)
    with_twelve = _queries_of_purchase(till, customer, "twelve-lines", 12)

    assert with_two == with_twelve
    # Key, categories, member, settings, lock, receipt check, purchase (in a savepoint), lines,
    # account, entry, lot, referral, tier metric, challenge card, stamp and card, then the
    # lines and the lot for the answer: 18, plus 4 savepoint statements (the outer one stands
    # for BEGIN/COMMIT outside the test's own transaction). A daily cap adds the day's points.
    assert with_two == 24  # + the key lock and its day total (limits, #16)
