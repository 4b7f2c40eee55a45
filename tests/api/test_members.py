"""GET members/{card_number}/, members/?email=|phone= and members/{card_number}/entries/."""

import base64
import datetime

import pytest
import time_machine
from django.utils import timezone

from loyalty.models import ExpiryPolicy, Tier
from loyalty.services import points_credit, program_settings_get
from tests.api.conftest import url
from tests.factories import create_customer

pytestmark = pytest.mark.django_db


def test_a_members_points(till, customer):
    program = program_settings_get()
    program.expiry_policy = ExpiryPolicy.DAYS
    program.expiry_days = 30
    program.save()
    gold = Tier.objects.create(name="Gold", rank=1, threshold=100)
    account = customer.points_account
    account.tier = gold
    account.save()
    with time_machine.travel(datetime.datetime(2026, 5, 1, 12, tzinfo=datetime.UTC), tick=False):
        points_credit(account=account, points=120)
        response = till.get(url("member-detail", card_number=customer.card_number))

    assert response.status_code == 200
    assert response.json() == {
        "card_number": customer.card_number,
        "first_name": "Alice",
        "tier": {"name": "Gold", "rank": 1},
        "available": 120,
        "available_value": "1.20",
        "currency": "USD",
        "pending": 0,
        "debt": 0,
        "expiring": [{"expires_at": "2026-06-01T00:00:00Z", "points": 120}],
    }


def test_a_card_number_as_printed_with_spaces_finds_the_member(till, customer):
    card = customer.card_number
    spaced = f"{card[:4]} {card[4:8]} {card[8:]}"

    response = till.get(url("member-detail", card_number=spaced))

    assert response.json()["card_number"] == card


@pytest.mark.parametrize("card", ["412345678905", "412345678904", "abc", "%00", "9" * 500])
def test_an_unknown_card_is_404(card, till, customer):
    response = till.get(url("member-detail", card_number=card))
    entries = till.get(url("member-entries", card_number=card))

    assert (response.status_code, entries.status_code) == (404, 404)
    assert response.json()["code"] == entries.json()["code"] == "member_not_found"


def test_lookup_by_email_ignores_case(till, customer):
    response = till.get(url("member-lookup"), {"email": "ALICE@Example.com"})

    assert response.status_code == 200
    assert response.json()["card_number"] == customer.card_number


def test_lookup_by_phone_ignores_punctuation(till, db):
    member = create_customer(phone="+15550102000", phone_verified=True)

    response = till.get(url("member-lookup"), {"phone": "+1 (555) 010-2000"})

    assert response.json()["card_number"] == member.card_number


def test_only_a_verified_number_finds_a_member_in_the_api(till):
    create_customer(email="una@example.com", phone="+15550100005")
    verified = create_customer(email="vic@example.com", phone="+15550100002", phone_verified=True)

    missed = till.get(url("member-lookup"), {"phone": "+15550100005"})
    found = till.get(url("member-lookup"), {"phone": "\uff08555\uff09010-0002"})

    assert (missed.status_code, missed.json()["code"]) == (404, "member_not_found")
    assert (found.status_code, found.json()["card_number"]) == (200, verified.card_number)


def test_lookup_by_phone_never_takes_a_card_number(till, customer):
    response = till.get(url("member-lookup"), {"phone": customer.card_number})

    assert response.status_code == 404
    assert response.json()["code"] == "member_not_found"


@pytest.mark.parametrize(
    ("query", "status", "code"),
    [
        ({"email": "alice@example"}, 404, "member_not_found"),
        ({"email": "alice"}, 400, "invalid"),
        ({"email": "ali"}, 400, "invalid"),
        ({"phone": "555"}, 404, "member_not_found"),
        ({}, 400, "invalid"),
        ({"email": "alice@example.com", "phone": "+15550102000"}, 400, "invalid"),
        ({"email": "alice\x00@example.com"}, 400, "invalid"),
    ],
)
def test_lookup_refusals(query, status, code, till, customer):
    response = till.get(url("member-lookup"), query)

    assert response.status_code == status
    assert response.json()["code"] == code


def test_partial_emails_find_nobody(till, customer):
    response = till.get(url("member-lookup"), {"email": "@example.com"})

    assert response.status_code == 404


# --- the ledger, a page at a time -------------------------------------------------------------


@pytest.fixture
def five_entries(customer):
    start = timezone.now() - datetime.timedelta(days=5)
    for day in range(5):
        with time_machine.travel(start + datetime.timedelta(days=day), tick=False):
            points_credit(account=customer.points_account, points=day + 1)


def test_entries_newest_first_in_pages(till, customer, five_entries):
    path = url("member-entries", card_number=customer.card_number) + "?page_size=2"
    seen = []
    pages = 0
    while path:
        page = till.get(path).json()
        seen.extend(entry["points"] for entry in page["results"])
        path = page["next"]
        pages += 1

    assert seen == [5, 4, 3, 2, 1]
    assert pages == 3


def test_an_entry(till, customer, five_entries):
    entry = till.get(url("member-entries", card_number=customer.card_number)).json()["results"][0]

    assert set(entry) == {
        "id",
        "kind",
        "points",
        "balance_after",
        "debt_change",
        "store",
        "purchase",
        "note",
        "created_at",
    }
    assert (entry["kind"], entry["points"], entry["balance_after"]) == ("bonus", 5, 15)


@pytest.mark.parametrize(
    "cursor",
    [
        "garbage",
        base64.b64encode(b"p=not-a-time").decode(),
        base64.b64encode(b"p=2026-01-01 10:00:00").decode(),
        base64.b64encode(b"p=0001-01-01 00:00:00+14:00").decode(),
        base64.b64encode(b"o=-1").decode(),
        base64.b64encode(b"r=x").decode(),
    ],
)
def test_a_forged_cursor_is_invalid(cursor, till, customer, five_entries):
    response = till.get(url("member-entries", card_number=customer.card_number), {"cursor": cursor})

    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert "cursor" in response.json()["fields"]
