"""The time of a sale through the API: it says its zone, and lies between the member's sign-up
and now, within the program's "oldest sale taken" (`sale_time_check`)."""

import datetime

import pytest
from django.utils import timezone

from loyalty.services import program_settings_get
from tests.api.conftest import purchase_body, url
from tests.api.test_purchases import nothing_recorded
from tests.factories import create_customer

pytestmark = pytest.mark.django_db


def test_a_time_without_a_zone_is_refused_with_an_example_not_read_in_the_servers_zone(
    till, customer, earning
):
    body = {**purchase_body(customer), "occurred_at": "2026-03-01T14:05:00"}

    response = till.post(url("purchase-create"), body, format="json")

    assert response.status_code == 400
    assert response.json()["fields"] == {
        "occurred_at": ["Give the time with its zone, for example 2026-03-01T14:05:00+01:00."]
    }
    assert nothing_recorded(customer)


def test_a_sale_older_than_the_program_takes_or_the_member_is_refused(till, earning):
    program = program_settings_get()
    program.sale_max_age_days = 3
    program.save()
    newcomer = create_customer(email="new@example.com")  # joins now
    four_days_ago = (timezone.now() - datetime.timedelta(days=4)).isoformat()
    hour_ago = (timezone.now() - datetime.timedelta(hours=1)).isoformat()

    old = till.post(
        url("purchase-create"),
        {**purchase_body(newcomer), "occurred_at": four_days_ago},
        format="json",
    )
    before_joining = till.post(
        url("purchase-create"), {**purchase_body(newcomer), "occurred_at": hour_ago}, format="json"
    )
    preview = till.post(
        url("purchase-preview"),
        {"member": newcomer.card_number, "occurred_at": hour_ago, "lines": [{"amount": "5.00"}]},
        format="json",
    )

    assert (old.status_code, old.json()["code"], old.json()["message"]) == (
        422,
        "invalid_purchase",
        "The purchase time is more than 3 days ago; the program takes sales up to 3 days old.",
    )
    assert (before_joining.status_code, before_joining.json()["message"]) == (
        422,
        "The purchase time is before the member joined the program.",
    )
    assert (preview.status_code, preview.json()["code"]) == (422, "invalid_purchase")
    assert nothing_recorded(newcomer)
