"""Web push through the outbox, against a push service on 127.0.0.1 (tests/push_service.py):
the request a push service gets, the payload only the browser can read, retries, and the
subscriptions the push service has forgotten."""

import datetime
import io
from zoneinfo import ZoneInfo

import http_ece
import pytest
import time_machine
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from engagement.tasks import send_expiry_reminders
from loyalty.models import OutboxEmail, OutboxPush, OutboxStatus
from loyalty.platform.webpush import vapid_key_pair_new
from loyalty.services import points_credit, program_settings_get
from loyalty.services.outbox import outbox_send_due
from loyalty.services.push import PushToQueue, push_send_due, pushes_queue
from loyalty.tasks import send_pending_pushes
from members.models import PushSubscription
from members.privacy import member_close
from rewards.codes import voucher_code_format
from rewards.models import RedemptionChannel
from rewards.services import reward_redeem
from tests.push_service import PushService, Subscriber, unb64url, vapid_claims_verified
from tests.rewards.catalogue import give_points, make_reward

OSLO = ZoneInfo("Europe/Oslo")


@pytest.fixture
def vapid(settings):
    public, private = vapid_key_pair_new()
    settings.LOYALTY_VAPID_PUBLIC_KEY = public
    settings.LOYALTY_VAPID_PRIVATE_KEY = private
    settings.LOYALTY_VAPID_SUBJECT = "mailto:push@example.com"
    settings.LOYALTY_PUSH_ALLOW_HTTP = True
    return public


@pytest.fixture
def push_service():
    with PushService() as service:
        yield service


def subscribe(member, endpoint: str) -> tuple[Subscriber, PushSubscription]:
    browser = Subscriber(endpoint)
    row = PushSubscription.objects.create(
        member=member, endpoint=endpoint, p256dh=browser.p256dh, auth=browser.auth
    )
    return browser, row


def redeem_coffee(member):
    give_points(member, 100)
    return reward_redeem(
        member=member,
        reward=make_reward("coffee", points_cost=40),
        channel=RedemptionChannel.ONLINE,
    )


@pytest.mark.django_db
def test_a_voucher_goes_as_a_push_the_push_service_can_deliver_and_only_the_browser_can_read(
    vapid, push_service, customer
):
    browser, subscription = subscribe(customer, push_service.endpoint("alice-phone"))

    redemption = redeem_coffee(customer)
    before = timezone.now()
    sent = push_send_due()

    assert sent == 1
    [request] = push_service.received
    assert request.path == "/push/alice-phone"
    assert request.headers["ttl"] == "86400"
    assert request.headers["content-encoding"] == "aes128gcm"
    claims = vapid_claims_verified(request.headers["authorization"], public_key=vapid)
    assert claims["aud"] == push_service.origin
    assert claims["sub"] == "mailto:push@example.com"
    assert before.timestamp() < claims["exp"] <= before.timestamp() + 24 * 3600
    assert browser.decrypt(request.body) == {
        "title": "Your voucher: Coffee",
        "body": f"Show the code at the till: {voucher_code_format(redemption.code)}",
        "url": f"/me/rewards/{redemption.pk}/",
        "tag": f"voucher-issued:{redemption.pk}:push:{subscription.pk}",
    }
    push = OutboxPush.objects.get()
    assert (push.status, push.attempts, push.last_error) == (OutboxStatus.SENT, 1, "")
    subscription.refresh_from_db()
    assert subscription.last_success_at is not None
    assert subscription.last_failure_at is None
    # The email is its own row, untouched by the push.
    assert OutboxEmail.objects.get().status == OutboxStatus.PENDING

    assert push_send_due() == 0
    assert len(push_service.received) == 1


@pytest.mark.django_db
def test_each_of_the_members_browsers_gets_its_own_copy_and_other_members_none(
    vapid, push_service, customer, other_customer
):
    phone, _row = subscribe(customer, push_service.endpoint("phone"))
    tablet, _row = subscribe(customer, push_service.endpoint("tablet"))
    subscribe(other_customer, push_service.endpoint("bob"))

    redeem_coffee(customer)

    assert push_send_due() == 2
    by_path = {request.path: request for request in push_service.received}
    assert sorted(by_path) == ["/push/phone", "/push/tablet"]
    assert phone.decrypt(by_path["/push/phone"].body)["title"] == "Your voucher: Coffee"
    assert tablet.decrypt(by_path["/push/tablet"].body)["title"] == "Your voucher: Coffee"
    # Encrypted for one browser, the other cannot read it.
    with pytest.raises(http_ece.ECEException):
        phone.decrypt(by_path["/push/tablet"].body)


@pytest.mark.django_db
@pytest.mark.parametrize("status", [404, 410])
def test_a_subscription_the_push_service_has_forgotten_is_deleted_with_its_pushes(
    vapid, push_service, customer, status
):
    subscribe(customer, push_service.endpoint("gone"))
    _browser, kept = subscribe(customer, push_service.endpoint("kept"))
    push_service.status_by_path["/push/gone"] = status
    redeem_coffee(customer)

    assert push_send_due() == 1

    assert sorted(request.path for request in push_service.received) == [
        "/push/gone",
        "/push/kept",
    ]
    assert list(PushSubscription.objects.values_list("pk", flat=True)) == [kept.pk]
    assert list(OutboxPush.objects.values_list("subscription_id", "status")) == [
        (kept.pk, OutboxStatus.SENT)
    ]
    assert OutboxEmail.objects.get().status == OutboxStatus.PENDING


@pytest.mark.django_db
def test_a_push_service_error_is_retried_with_back_off_and_the_email_still_goes(
    vapid, push_service, customer
):
    browser, subscription = subscribe(customer, push_service.endpoint("phone"))
    push_service.statuses[:] = [500]
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        redeem_coffee(customer)

        assert push_send_due() == 0
        assert outbox_send_due() == 1  # the email goes whatever the push did

    push = OutboxPush.objects.get()
    assert (push.status, push.attempts) == (OutboxStatus.PENDING, 1)
    assert push.send_after == start + datetime.timedelta(minutes=1)
    assert push.last_error.startswith("500 Push failed: 500")
    subscription.refresh_from_db()
    assert subscription.last_failure_at == start
    assert subscription.last_error == push.last_error
    assert len(mail.outbox) == 1

    with time_machine.travel(start + datetime.timedelta(seconds=59), tick=False):
        assert push_send_due() == 0
    with time_machine.travel(start + datetime.timedelta(minutes=1), tick=False):
        assert push_send_due() == 1

    push.refresh_from_db()
    assert (push.status, push.attempts, push.last_error) == (OutboxStatus.SENT, 2, "")
    assert [browser.decrypt(request.body)["title"] for request in push_service.received] == [
        "Your voucher: Coffee",
        "Your voucher: Coffee",
    ]


@pytest.mark.django_db
def test_a_push_service_that_does_not_answer_fails_after_six_tries(vapid, customer):
    with PushService() as gone:
        endpoint = gone.endpoint("phone")  # closed once the block ends: connection refused
    subscribe(customer, endpoint)
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        redeem_coffee(customer)
    for minutes in (0, 1, 3, 7, 15, 31):
        with time_machine.travel(start + datetime.timedelta(minutes=minutes), tick=False):
            assert push_send_due() == 0

    push = OutboxPush.objects.get()
    assert (push.status, push.attempts) == (OutboxStatus.FAILED, 6)
    assert push.last_error.startswith("ConnectionError: ")
    assert PushSubscription.objects.count() == 1  # unreachable is not "gone"


@pytest.fixture
def oslo(settings, db):
    settings.TIME_ZONE = "Europe/Oslo"
    program = program_settings_get()
    program.expiry_policy, program.expiry_months = "end_of_month", 1
    program.save()
    return program


def local(text: str) -> datetime.datetime:
    return datetime.datetime.fromisoformat(text).replace(tzinfo=OSLO)


@pytest.mark.django_db
def test_an_expiry_reminder_goes_as_one_push_however_often_the_tasks_run(
    oslo, vapid, push_service, customer, other_customer
):
    browser, subscription = subscribe(customer, push_service.endpoint("alice"))
    subscribe(other_customer, push_service.endpoint("bob"))
    other_customer.reminder_emails = False  # no reminders: no push of them either
    other_customer.save()
    for member in (customer, other_customer):
        with time_machine.travel(local("2026-01-15T10:00"), tick=False):
            points_credit(account=member.points_account, points=60)

    with time_machine.travel(local("2026-02-22T10:00"), tick=False):
        assert send_expiry_reminders() == 1
        assert send_expiry_reminders() == 0
        assert send_pending_pushes() == 1
        assert send_pending_pushes() == 0

    [request] = push_service.received
    account = customer.points_account.pk
    assert browser.decrypt(request.body) == {
        "title": "Use 60 points by Feb. 28, 2026 or lose them",
        "body": "You have 60 points in all. See what they can get you.",
        "url": "/rewards/",
        "tag": f"expiry-reminder:{account}:2026-03-01:7:push:{subscription.pk}",
    }
    assert OutboxEmail.objects.get().key == f"expiry-reminder:{account}:2026-03-01:7"
    assert OutboxPush.objects.count() == 1


@pytest.mark.django_db
def test_without_vapid_keys_nothing_is_queued_or_sent(settings, push_service, customer):
    settings.LOYALTY_VAPID_PUBLIC_KEY = ""
    settings.LOYALTY_VAPID_PRIVATE_KEY = ""
    subscribe(customer, push_service.endpoint("phone"))

    redeem_coffee(customer)

    assert OutboxEmail.objects.count() == 1
    assert OutboxPush.objects.count() == 0
    assert push_send_due() == 0
    assert push_service.received == []


@pytest.mark.django_db
def test_queueing_the_same_event_again_writes_nothing(vapid, customer):
    _browser, subscription = subscribe(customer, "https://push.example.net/p/1")
    push = PushToQueue(key="event:1", member_id=customer.pk, title="T", body="B", url="/me/")

    assert pushes_queue([push, push]) == 1
    assert pushes_queue([push]) == 0
    assert list(OutboxPush.objects.values_list("key", "title", "body", "url")) == [
        (f"event:1:push:{subscription.pk}", "T", "B", "/me/")
    ]


@pytest.mark.django_db
def test_a_push_whose_subscription_went_while_it_was_queued_is_dropped(vapid, customer):
    _browser, subscription = subscribe(customer, "https://push.example.net/p/1")
    pushes_queue([PushToQueue(key="e", member_id=customer.pk, title="T", body="B", url="/")])
    PushSubscription.objects.filter(pk=subscription.pk)._raw_delete(using="default")

    assert push_send_due() == 0
    assert OutboxPush.objects.count() == 0


def test_vapid_keys_prints_a_matching_key_pair():
    out = io.StringIO()
    call_command("vapid_keys", stdout=out)

    lines = out.getvalue().splitlines()
    assert [line.split("=", 1)[0] for line in lines] == [
        "LOYALTY_VAPID_PUBLIC_KEY",
        "LOYALTY_VAPID_PRIVATE_KEY",
    ]
    public, private = (unb64url(line.split("=", 1)[1]) for line in lines)
    assert len(public) == 65
    assert public[0] == 4
    assert len(private) == 32
    derived = ec.derive_private_key(int.from_bytes(private, "big"), ec.SECP256R1()).public_key()
    assert (
        derived.public_bytes(
            serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
        )
        == public
    )


@pytest.mark.django_db
def test_closing_the_account_forgets_its_browsers_and_their_queued_pushes(
    vapid, push_service, customer, other_customer
):
    subscribe(customer, push_service.endpoint("alice"))
    _browser, bobs = subscribe(other_customer, push_service.endpoint("bob"))
    pushes_queue(
        [
            PushToQueue(key="e", member_id=member.pk, title="T", body="B", url="/")
            for member in (customer, other_customer)
        ]
    )

    member_close(member=customer)

    assert list(PushSubscription.objects.values_list("pk", flat=True)) == [bobs.pk]
    assert list(OutboxPush.objects.values_list("key", flat=True)) == [f"e:push:{bobs.pk}"]
    assert push_send_due() == 1
    assert [request.path for request in push_service.received] == ["/push/bob"]
