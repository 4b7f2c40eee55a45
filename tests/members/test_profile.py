import datetime

import pytest
from django.urls import reverse

from members.models import Member
from tests.factories import create_customer

VALID = {
    "first_name": "Alicia",
    "last_name": "Andersen",
    "phone": "+1 (555) 010-2000",
    "birthday": "1990-04-12",
    "reminder_emails": "",
    "marketing_emails": "on",
}


def _snapshot(member: Member) -> tuple:
    member.refresh_from_db()
    member.user.refresh_from_db()
    return (
        member.user.first_name,
        member.user.last_name,
        member.phone,
        member.birthday,
        member.reminder_emails,
        member.marketing_emails,
    )


@pytest.mark.django_db
def test_member_updates_profile_and_email_preferences(client, customer):
    client.force_login(customer.user)

    response = client.post(reverse("members:profile"), VALID)

    assert response.status_code == 302
    assert _snapshot(customer) == (
        "Alicia",
        "Andersen",
        "+15550102000",
        datetime.date(1990, 4, 12),
        False,
        True,
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("phone", "12-34", "Enter a phone number of 6 to 15 digits."),
        ("phone", "+1 555 010 0000 0000 0000", "Enter a phone number of 6 to 15 digits."),
        ("birthday", "2999-01-01", "Your birthday cannot be in the future."),
        ("birthday", "1850-01-01", "Enter a birthday after 1900."),
        ("birthday", "not-a-date", "Enter a valid date."),
        ("first_name", "", "This field is required."),
    ],
)
def test_bad_profile_input_shows_an_error_and_changes_nothing(
    client, customer, field, value, message
):
    client.force_login(customer.user)
    before = _snapshot(customer)

    response = client.post(reverse("members:profile"), {**VALID, field: value})

    assert response.status_code == 200
    assert response.context["form"].errors[field] == [message]
    assert _snapshot(customer) == before


@pytest.mark.django_db
def test_a_phone_number_of_another_member_is_refused(client, customer):
    other = create_customer(email="carl@example.com", phone="+15550102000")
    client.force_login(customer.user)
    before = _snapshot(customer)

    response = client.post(reverse("members:profile"), VALID)

    assert response.status_code == 200
    assert response.context["form"].errors["phone"] == [
        "This phone number belongs to another member. Ask staff for help."
    ]
    assert "carl" not in response.content.decode()
    assert _snapshot(customer) == before
    assert _snapshot(other)[2] == "+15550102000"
