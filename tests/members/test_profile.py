import datetime
import re

import pytest
from django.urls import reverse

from loyalty.platform import sms
from members.models import Member, PhoneVerification
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
        member.phone_verified_at,
        member.birthday,
        member.reminder_emails,
        member.marketing_emails,
    )


@pytest.mark.django_db
def test_member_updates_profile_and_email_preferences(
    client, customer, django_capture_on_commit_callbacks
):
    client.force_login(customer.user)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("members:profile"), VALID)

    assert (response.status_code, response["Location"]) == (302, reverse("members:phone_verify"))
    assert _snapshot(customer) == (
        "Alicia",
        "Andersen",
        "+15550102000",
        None,
        datetime.date(1990, 4, 12),
        False,
        True,
    )
    assert [message.to for message in sms.outbox] == ["+15550102000"]


NOT_A_NUMBER = (
    "This is not a phone number we can send a text to. Type the whole number, with its country "
    "code (such as +44) if it is from another country."
)
NO_DIGITS = "A phone number is made of digits. To remove your number, empty the field."


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("phone", "12-34", NOT_A_NUMBER),
        ("phone", "+1 555 010 0000 0000 0000", NOT_A_NUMBER),
        ("phone", "1-800-FLOWERS", NOT_A_NUMBER),
        ("phone", "\u0661\u0662", NOT_A_NUMBER),
        ("phone", "call me", NO_DIGITS),
        ("phone", "-- ()", NO_DIGITS),
        ("phone", "+", NO_DIGITS),
        ("phone", "\u200b", NO_DIGITS),  # a zero-width space is no digit and no blank either
        ("birthday", "2999-01-01", "Your birthday cannot be in the future."),
        ("birthday", "1850-01-01", "Enter a birthday after 1900."),
        ("birthday", "not-a-date", "Enter a valid date."),
        ("first_name", "", "This field is required."),
    ],
)
def test_bad_profile_input_shows_an_error_and_changes_nothing(client, field, value, message):
    member = create_customer(phone="+15550100007", phone_verified=True)
    client.force_login(member.user)
    before = _snapshot(member)

    response = client.post(reverse("members:profile"), {**VALID, field: value})

    assert response.status_code == 200
    assert response.context["form"].errors[field] == [message]
    assert _snapshot(member) == before
    assert before[2:4] == ("+15550100007", member.phone_verified_at)
    assert member.phone_verified_at is not None
    assert sms.outbox == []
    assert not PhoneVerification.objects.exists()


def _page_after(client, data, capture) -> str:
    """The page the profile's answer leads to, its messages sent."""
    with capture(execute=True):
        response = client.post(reverse("members:profile"), data, follow=True)
    assert response.redirect_chain == [(reverse("members:phone_verify"), 302)]
    page = response.content.decode()
    main = page[page.index("<main") : page.index("</main>")]
    # The form's CSRF token differs from page to page; nothing else may.
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", main)


@pytest.mark.django_db
def test_a_number_another_member_verified_gets_the_same_answer_and_no_text(
    client, customer, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    other = create_customer(email="carl@example.com", first_name="Carl", phone="+15550102000")
    other.phone_verified_at = datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)
    other.save()
    free = create_customer(email="dana@example.com")
    client.force_login(free.user)
    free_page = _page_after(client, {**VALID, "phone": "+1 555 010 2001"}, capture)
    client.force_login(customer.user)

    # Full-width digits name the same number as the ASCII ones.
    full_width = "\uff15\uff15\uff15\uff10\uff11\uff10\uff12\uff10\uff10\uff10"
    taken_page = _page_after(client, {**VALID, "phone": full_width}, capture)

    assert taken_page.replace("+1 555-010-2000", "N") == free_page.replace("+1 555-010-2001", "N")
    assert "Carl" not in taken_page
    assert "carl@" not in taken_page
    assert [message.to for message in sms.outbox] == ["+15550102001"]
    assert _snapshot(customer)[2:4] == ("+15550102000", None)
    assert _snapshot(other)[2:4] == ("+15550102000", other.phone_verified_at)


@pytest.mark.django_db
def test_saving_the_same_number_again_keeps_it_verified(client):
    member = create_customer(phone="+15550100007", phone_verified=True)
    client.force_login(member.user)
    shown = client.get(reverse("members:profile")).context["form"].initial["phone"]

    response = client.post(reverse("members:profile"), {**VALID, "phone": shown})

    assert shown == "+1 555-010-0007"
    assert response["Location"] == reverse("members:profile")
    assert _snapshot(member)[2:4] == ("+15550100007", member.phone_verified_at)
    assert member.phone_verified_at is not None
    assert sms.outbox == []


@pytest.mark.django_db
def test_an_emptied_field_removes_the_number_and_its_code(client):
    member = create_customer(phone="+15550100007", phone_verified=True)
    client.force_login(member.user)

    response = client.post(reverse("members:profile"), {**VALID, "phone": "  "})

    assert response["Location"] == reverse("members:profile")
    assert _snapshot(member)[2:4] == ("", None)
    assert sms.outbox == []


@pytest.mark.django_db
def test_a_checkbox_sits_beside_its_label_without_a_colon(client, customer):
    client.force_login(customer.user)

    page = client.get(reverse("members:profile")).content.decode()

    boxes = re.findall(
        r'<div class="field field--checkbox">\s*(<input type="checkbox"[^>]*>) '
        r"(<label[^>]*>[^<]*</label>)",
        page,
    )
    assert [label for _box, label in boxes] == [
        '<label for="id_reminder_emails">Remind me before my points expire</label>',
        '<label for="id_marketing_emails">Send me news and offers</label>',
    ]
    assert '<label for="id_phone">Phone:</label>' in page  # a text field keeps the site's colon
