"""The database connection really dropped in the middle of recording a purchase (PostgreSQL)."""

import pytest
from django.db import connection, connections
from django.urls import reverse

from loyalty.models import PointsEntry, Purchase
from loyalty.services import earning
from tests.loyalty.points import base_rule

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="terminates a PostgreSQL backend"),
]


def _kill_my_connection() -> None:
    """Ask PostgreSQL, over a second connection, to end the request's own connection."""
    pid = connection.connection.info.backend_pid
    other = connections.create_connection("default")
    try:
        with other.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
    finally:
        other.close()


def test_a_dropped_connection_mid_purchase_answers_503_and_records_nothing(
    client, customer, staff_user, monkeypatch
):
    base_rule("1")
    client.force_login(staff_user)
    original = earning.earning_compute

    def compute_then_lose_the_database(**kwargs):
        result = original(**kwargs)
        _kill_my_connection()
        return result

    monkeypatch.setattr(
        "loyalty.services.purchases.earning_compute", compute_then_lose_the_database
    )

    response = client.post(
        reverse("staff_points:purchase_new", args=[customer.card_number]),
        {
            "receipt_key": "desk-" + "d" * 32,
            "receipt_number": "",
            "lines-TOTAL_FORMS": "1",
            "lines-INITIAL_FORMS": "0",
            "lines-MIN_NUM_FORMS": "0",
            "lines-MAX_NUM_FORMS": "50",
            "lines-0-description": "Beans",
            "lines-0-category": "",
            "lines-0-quantity": "1",
            "lines-0-amount": "25.00",
        },
    )

    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert "Nothing was recorded" in response.content.decode()
    connection.close()
    assert Purchase.objects.count() == 0
    assert PointsEntry.objects.count() == 0
