"""The desk's purchase form as a till clerk meets it: in the order a sale is read out."""

from decimal import Decimal

import pytest
from django.urls import reverse

from loyalty.models import ProductCategory, Purchase
from tests.desk.test_points import purchase_data, state, two_lines

pytestmark = pytest.mark.django_db


def test_the_receipt_number_comes_before_the_items(client, staff_user, customer):
    client.force_login(staff_user)

    page = client.get(reverse("staff_points:purchase_new", args=[customer.card_number]))

    html = page.content.decode()
    assert page.status_code == 200
    assert html.index('name="receipt_number"') < html.index('name="lines-0-description"')


# --- a basket being typed: lines added by the page, mistakes on their line ----------------


def _preview(client, member, data) -> dict:
    response = client.post(
        reverse("staff_points:purchase_preview", args=[member.card_number]), data
    )
    assert response.status_code == 200
    return response.json()


def test_a_preview_with_a_mistake_counts_the_ready_lines_and_names_the_field(
    client, staff_user, customer, coffee
):
    client.force_login(staff_user)

    payload = _preview(
        client,
        customer,
        purchase_data(*two_lines(coffee), {"description": "Cake", "amount": "3.555"}),
    )

    assert payload == {
        "points": 31,
        "summary": "Fix the marked line. The lines that are ready earn 31 points.",
        "breakdown": [
            {"name": "Base", "kind": "base_rate", "points": 19},
            {"name": "Coffee double", "kind": "category_multiplier", "points": 12},
        ],
        "basket": "3 items · $20.49",
        "errors": {"lines-2-amount": "Enter at most two decimals."},
        "ready": False,
    }
    assert Purchase.objects.count() == 0
    assert state(customer) == (0, 0, 0)


def test_the_running_total_groups_thousands_and_counts_every_item(
    client, staff_user, customer, coffee
):
    client.force_login(staff_user)

    payload = _preview(client, customer, purchase_data({"quantity": "12", "amount": "1234.50"}))

    assert payload["basket"] == "12 items · $1,234.50"
    assert payload["points"] == 1234
    assert payload["ready"] is True


def test_a_refused_submission_keeps_the_mistake_on_its_line_and_the_points_of_the_rest(
    client, staff_user, customer, coffee
):
    client.force_login(staff_user)

    response = client.post(
        reverse("staff_points:purchase_new", args=[customer.card_number]),
        purchase_data(*two_lines(coffee), {"description": "Cake", "amount": "0"}),
    )

    assert response.status_code == 200
    html = response.content.decode()
    line_three = html[html.index('name="lines-2-description"') : html.index('name="lines-3-')]
    assert "Enter an amount above zero." in line_three
    assert "Fix the marked line. The lines that are ready earn 31 points." in html
    assert "3 items · $20.49" in html
    assert Purchase.objects.count() == 0
    assert state(customer) == (0, 0, 0)


def test_an_expired_form_still_shows_what_the_lines_earn(client, staff_user, customer, coffee):
    client.force_login(staff_user)

    response = client.post(
        reverse("staff_points:purchase_new", args=[customer.card_number]),
        purchase_data(*two_lines(coffee), receipt_key="stale"),
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert "This form has expired; open it again." in html
    assert "This purchase earns 31 points." in html
    assert Purchase.objects.count() == 0


def test_lines_the_page_adds_past_the_first_five_are_recorded(client, staff_user, customer, coffee):
    client.force_login(staff_user)
    lines = [{"description": f"Item {n}", "amount": "2.00"} for n in range(1, 8)]

    response = client.post(
        reverse("staff_points:purchase_new", args=[customer.card_number]),
        purchase_data(*lines, count=7),
    )

    assert response.status_code == 302
    purchase = Purchase.objects.get()
    assert [line.description for line in purchase.lines.order_by("pk")] == [
        f"Item {n}" for n in range(1, 8)
    ]
    assert (purchase.total, purchase.points) == (Decimal("14.00"), 14)
    assert state(customer) == (14, 0, 1)


def test_more_lines_than_a_purchase_may_have_are_refused_and_nothing_is_recorded(
    client, staff_user, customer, coffee
):
    client.force_login(staff_user)
    lines = [{"amount": "1.00"} for _ in range(51)]

    response = client.post(
        reverse("staff_points:purchase_new", args=[customer.card_number]),
        purchase_data(*lines, count=51),
    )

    assert response.status_code == 200
    assert "A purchase has at most 50 lines." in response.content.decode()
    assert Purchase.objects.count() == 0
    assert state(customer) == (0, 0, 0)


def test_the_page_carries_an_empty_line_to_copy_and_the_store_s_quick_categories(
    client, staff_user, customer, coffee
):
    ProductCategory.objects.create(code="bakery", name="Bakery")
    client.force_login(staff_user)

    page = client.get(reverse("staff_points:purchase_new", args=[customer.card_number]))

    html = page.content.decode()
    template = html[html.index("<template data-line-template>") : html.index("</template>")]
    assert 'name="lines-__prefix__-amount"' in template
    assert 'name="lines-TOTAL_FORMS" value="5"' in html
    assert [category.name for category in page.context["quick_categories"]] == [
        "Bakery",
        "Coffee",
    ]
    assert f'data-category="{coffee.pk}"' in html
