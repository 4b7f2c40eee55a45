"""The desk's purchase form as a till clerk meets it: in the order a sale is read out."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_the_receipt_number_comes_before_the_items(client, staff_user, customer):
    client.force_login(staff_user)

    page = client.get(reverse("staff_points:purchase_new", args=[customer.card_number]))

    html = page.content.decode()
    assert page.status_code == 200
    assert html.index('name="receipt_number"') < html.index('name="lines-0-description"')
