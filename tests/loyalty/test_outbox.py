import datetime

import pytest
import time_machine
from django.core import mail
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from loyalty.models import OutboxEmail, OutboxStatus
from loyalty.services.outbox import (
    MAX_ATTEMPTS,
    EmailToQueue,
    email_queue,
    emails_queue_bulk,
    outbox_send_due,
)
from loyalty.tasks import send_pending_emails
from rewards.codes import voucher_code_format
from rewards.models import RedemptionChannel, Reward
from rewards.services import reward_redeem, vouchers_remind_expiring
from tests.concurrency import run_together
from tests.factories import create_customer
from tests.rewards.catalogue import give_points, make_reward


@pytest.fixture
def redemption(customer):
    give_points(customer, 100)
    return reward_redeem(
        member=customer, reward=make_reward(voucher_valid_days=10), channel=RedemptionChannel.ONLINE
    )


@pytest.mark.django_db
def test_a_redemption_queues_its_voucher_email_and_the_worker_sends_it_once(redemption):
    queued = OutboxEmail.objects.get()
    assert (queued.key, queued.to_email, queued.status) == (
        f"voucher-issued:{redemption.pk}",
        "alice@example.com",
        OutboxStatus.PENDING,
    )
    assert mail.outbox == []  # nothing is sent inside the request

    assert send_pending_emails.apply().get() == 1
    assert send_pending_emails.apply().get() == 0

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.subject == "Your voucher: Free Coffee"
    assert voucher_code_format(redemption.code) in message.body
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    assert 'src="cid:qr"' in html
    assert [attachment.get("Content-ID") for attachment in message.attachments] == ["<qr>"]
    assert OutboxEmail.objects.get().status == OutboxStatus.SENT


@pytest.mark.django_db
def test_counter_redemptions_send_no_voucher_email(customer, store):
    give_points(customer, 100)

    reward_redeem(
        member=customer, reward=make_reward(), channel=RedemptionChannel.COUNTER, store=store
    )

    assert OutboxEmail.objects.count() == 0


@pytest.mark.django_db
def test_a_failing_send_is_retried_with_back_off_then_marked_failed(redemption, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 1
    start = timezone.now()

    with time_machine.travel(start, tick=False):
        assert outbox_send_due() == 0
        email = OutboxEmail.objects.get()
        assert (email.status, email.attempts) == (OutboxStatus.PENDING, 1)
        assert email.send_after == start + datetime.timedelta(minutes=1)
        assert "ConnectionRefusedError" in email.last_error
        assert outbox_send_due() == 0  # not due yet
        assert OutboxEmail.objects.get().attempts == 1

    for attempt in range(2, MAX_ATTEMPTS + 1):
        outbox_send_due(now=start + datetime.timedelta(days=attempt))

    email = OutboxEmail.objects.get()
    assert (email.status, email.attempts) == (OutboxStatus.FAILED, MAX_ATTEMPTS)
    assert outbox_send_due(now=start + datetime.timedelta(days=30)) == 0


@pytest.mark.django_db
def test_expiring_voucher_reminder_is_queued_once_three_days_before(redemption):
    at = timezone.now()

    assert vouchers_remind_expiring(now=at + datetime.timedelta(days=6)) == 0
    assert vouchers_remind_expiring(now=at + datetime.timedelta(days=7, minutes=1)) == 1
    assert vouchers_remind_expiring(now=at + datetime.timedelta(days=8)) == 0

    reminder = OutboxEmail.objects.get(key=f"voucher-expiring:{redemption.pk}")
    assert reminder.subject == "Your voucher for Free Coffee expires soon"


@pytest.mark.django_db
def test_a_superuser_queues_a_failed_email_again(client, superuser, redemption):
    OutboxEmail.objects.update(
        status=OutboxStatus.FAILED, attempts=MAX_ATTEMPTS, last_error="timeout"
    )
    client.force_login(superuser)

    listing = client.get(reverse("admin:loyalty_outboxemail_changelist"))
    response = client.post(
        reverse("admin:loyalty_outboxemail_changelist"),
        {"action": "retry", "_selected_action": [OutboxEmail.objects.get().pk]},
    )

    assert listing.status_code == 200
    assert "Your voucher: Free Coffee" in listing.content.decode()
    assert response.status_code == 302
    email = OutboxEmail.objects.get()
    assert (email.status, email.attempts) == (OutboxStatus.PENDING, 0)


@pytest.mark.django_db
def test_plain_text_and_subject_are_not_html_escaped(customer):
    customer.user.first_name = "Siobhán O'Brien & Co"
    customer.user.save()
    give_points(customer, 100)
    reward_redeem(
        member=customer,
        reward=make_reward("tea", name="Tea & cake"),
        channel=RedemptionChannel.ONLINE,
    )

    email = OutboxEmail.objects.get()

    assert email.subject == "Your voucher: Tea & cake"
    assert "Hello Siobhán O'Brien & Co," in email.body_text
    assert "O&#x27;Brien &amp; Co" in email.body_html


def _reminder(key: str, member, *, points: int = 60) -> dict:
    return {
        "key": key,
        "to": member.user.email,
        "template": "expiry_reminder",
        "member": member,
        "context": {
            "member": member,
            "points": points,
            "last_day": datetime.date(2026, 2, 28),
            "balance": 1200,
            "rewards": [Reward(name="Tea & cake", points_cost=40)],
            "unsubscribe_url": "http://127.0.0.1:8000/unsubscribe/token/",
        },
        "headers": {"List-Unsubscribe": "<http://127.0.0.1:8000/unsubscribe/token/>"},
    }


@pytest.mark.django_db
def test_the_reminder_says_the_last_day_one_way_in_its_subject_and_body(customer):
    email_queue(**_reminder("one", customer, points=1))

    email = OutboxEmail.objects.get(key="one")
    assert email.subject == "Use 1 point by Feb. 28, 2026 or lose it"
    assert email.body_text.startswith(
        f"Hello {customer.user.first_name},\n\nuse 1 of your points by Feb. 28, 2026 or lose it: "
        "it expires at the end of that day. You have 1,200 points in all."
    )
    assert (
        "<strong>use 1 of your points by Feb. 28, 2026 or lose it</strong>: it expires at the end"
        in email.body_html
    )


@pytest.mark.django_db
def test_bulk_queueing_writes_what_email_queue_writes(customer):
    with time_machine.travel(timezone.now(), tick=False):
        email_queue(**_reminder("one", customer))
        assert emails_queue_bulk([EmailToQueue(**_reminder("bulk", customer))]) == {"bulk"}

    one, bulk = (OutboxEmail.objects.filter(key=key).values().get() for key in ("one", "bulk"))
    assert {**one, "id": None, "key": None} == {**bulk, "id": None, "key": None}
    assert one["subject"] == "Use 60 points by Feb. 28, 2026 or lose them"
    assert "- Tea & cake: 40 points" in one["body_text"]
    assert "Tea &amp; cake" in one["body_html"]


@pytest.mark.django_db
def test_bulk_queueing_skips_keys_already_queued_and_returns_only_the_new_ones(
    customer, other_customer
):
    email_queue(**_reminder("first", customer, points=10))

    written = emails_queue_bulk(
        [
            EmailToQueue(**_reminder("first", customer, points=20)),
            EmailToQueue(**_reminder("second", other_customer, points=30)),
            EmailToQueue(**_reminder("second", other_customer, points=40)),
        ]
    )

    assert written == {"second"}
    assert emails_queue_bulk([EmailToQueue(**_reminder("second", other_customer))]) == set()
    subjects = dict(OutboxEmail.objects.values_list("key", "subject"))
    assert subjects == {
        "first": "Use 10 points by Feb. 28, 2026 or lose them",
        "second": "Use 30 points by Feb. 28, 2026 or lose them",
    }


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrent writers need PostgreSQL")
def test_workers_bulk_queueing_the_same_keys_at_once_write_and_count_each_once():
    members = [create_customer() for _ in range(6)]
    emails = [EmailToQueue(**_reminder(f"race:{member.pk}", member)) for member in members]

    results = run_together(4, lambda _index: emails_queue_bulk(emails))

    assert all(isinstance(result, set) for result in results), results
    assert sorted(key for result in results for key in result) == sorted(
        email.key for email in emails
    )
    assert OutboxEmail.objects.count() == 6
