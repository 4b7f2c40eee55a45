"""The worker's jobs: expiry, reminders, birthdays, unsubscribing. Dates under time-machine."""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.db import connection
from django.urls import reverse

from engagement.services import reminders
from engagement.services.birthdays import birthday_rewards_grant
from engagement.services.reminders import expiry_reminders_queue, inactivity_reminders_queue
from loyalty.models import EntryKind, ExpiryPolicy, OutboxEmail, PointsEntry, PointsLot, RuleKind
from loyalty.services import points_credit, points_spend, program_settings_get
from loyalty.services.expiry import points_expire_due, points_expire_inactive
from loyalty.services.outbox import outbox_send_due
from members.unsubscribe import unsubscribe_token
from tests.factories import create_customer
from tests.loyalty.points import base_rule, buy, line, lot_remaining, rule, state
from tests.rewards.catalogue import make_reward

OSLO = ZoneInfo("Europe/Oslo")


def local(text: str) -> datetime.datetime:
    return datetime.datetime.fromisoformat(text).replace(tzinfo=OSLO)


@pytest.fixture
def oslo(settings, db):
    """Program in Oslo; points expire at the end of the month a month after earning."""
    settings.TIME_ZONE = "Europe/Oslo"
    program = program_settings_get()
    program.expiry_policy, program.expiry_months = ExpiryPolicy.END_OF_MONTH, 1
    program.save()
    return program


def earn(member, points: int, at: str):
    with time_machine.travel(local(at), tick=False):
        return points_credit(account=member.points_account, points=points)


# --- expiry -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_lot_due_at_local_midnight_is_not_expired_at_23_59_the_day_before(oslo, customer):
    lot = earn(customer, 50, "2026-01-15T10:00").lot
    assert lot.expires_at == local("2026-03-01T00:00")

    assert points_expire_due(now=local("2026-02-28T23:59")) == 0
    assert state(customer) == (50, 0, 0, 1)

    assert points_expire_due(now=local("2026-03-01T00:00")) == 1
    assert points_expire_due(now=local("2026-03-01T00:05")) == 0  # a second run changes nothing

    assert state(customer) == (0, 0, 0, 2)
    entry = PointsEntry.objects.get(kind=EntryKind.EXPIRY)
    assert (entry.points, entry.balance_after) == (-50, 0)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("earned", "expires"),
    [
        ("2025-12-31T23:59", "2026-02-01T00:00"),  # across the new year
        ("2026-01-31T12:00", "2026-03-01T00:00"),  # February's end
        ("2027-12-10T09:00", "2028-02-01T00:00"),
        ("2028-01-05T09:00", "2028-03-01T00:00"),  # leap year: 29 February is the last day
    ],
)
def test_end_of_month_policy_across_december_and_february(oslo, customer, earned, expires):
    lot = earn(customer, 5, earned).lot

    assert lot.expires_at == local(expires)


@pytest.mark.django_db
def test_only_what_is_left_of_each_lot_expires_one_entry_per_lot(oslo, customer, other_customer):
    earn(customer, 30, "2026-01-10T10:00")
    earn(customer, 20, "2026-01-20T10:00")
    earn(customer, 40, "2026-02-10T10:00")  # expires a month later
    earn(other_customer, 10, "2026-01-05T10:00")
    with time_machine.travel(local("2026-02-01T10:00"), tick=False):
        points_spend(account=customer.points_account, points=35)  # 30 + 5 of the second

    assert points_expire_due(now=local("2026-03-01T00:00"), batch_size=1) == 2

    assert state(customer) == (40, 0, 0, 5)
    assert state(other_customer) == (0, 0, 0, 2)
    assert lot_remaining(customer) == [0, 0, 40]
    expired = PointsEntry.objects.filter(kind=EntryKind.EXPIRY, account__member=customer)
    assert sorted(expired.values_list("points", flat=True)) == [-15]


@pytest.mark.django_db
def test_expiry_runs_the_balance_down_in_expiry_order_each_entry_with_its_lot(
    oslo, customer, store
):
    base_rule("1")
    first = earn(customer, 10, "2026-01-05T10:00").lot
    second = earn(customer, 20, "2026-01-06T10:00").lot
    third = earn(customer, 30, "2026-01-07T10:00").lot
    with time_machine.travel(local("2026-01-08T10:00"), tick=False):
        purchase = buy(customer, store, "till-1", line("25"))
    bought = PointsLot.objects.get(purchase=purchase)
    earn(customer, 5, "2026-02-10T10:00")  # expires 2026-04-01
    # The first-earned lot expires last: the order is by date, then by pk.
    PointsLot.objects.filter(pk=first.pk).update(expires_at=local("2026-03-01T00:30"))

    assert points_expire_due(now=local("2026-03-01T01:00")) == 4

    entries = list(PointsEntry.objects.filter(kind=EntryKind.EXPIRY).order_by("pk"))
    assert [(entry.points, entry.balance_after) for entry in entries] == [
        (-20, 70),
        (-30, 40),
        (-25, 15),
        (-10, 5),
    ]
    allocations = [list(entry.allocations.values_list("lot_id", "points")) for entry in entries]
    assert allocations == [
        [(second.pk, -20)],
        [(third.pk, -30)],
        [(bought.pk, -25)],
        [(first.pk, -10)],
    ]
    assert [entry.purchase_id for entry in entries] == [None, None, purchase.pk, None]
    assert {
        (entry.note, entry.debt_change, entry.store_id, entry.actor_id, entry.idempotency_key)
        for entry in entries
    } == {("Points expired", 0, None, None, None)}
    assert all(entry.created_at is not None for entry in entries)
    assert state(customer) == (5, 0, 0, 9)
    assert lot_remaining(customer) == [0, 0, 0, 0, 5]


@pytest.mark.django_db
def test_a_crash_between_batches_loses_nothing_and_the_next_run_finishes(
    oslo, customer, monkeypatch
):
    for day in range(1, 6):
        earn(customer, 10, f"2026-01-0{day}T10:00")
    from loyalty.services import expiry

    calls = {"n": 0}
    original = expiry._expire_batch

    def crash_on_second(**kwargs):
        calls["n"] += 1
        if calls["n"] == 2:
            raise RuntimeError("worker killed")
        return original(**kwargs)

    monkeypatch.setattr(expiry, "_expire_batch", crash_on_second)
    with pytest.raises(RuntimeError):
        points_expire_due(now=local("2026-03-01T00:00"), batch_size=2)
    assert state(customer) == (30, 0, 0, 7)  # the first batch is in; nothing half-written

    monkeypatch.setattr(expiry, "_expire_batch", original)
    assert points_expire_due(now=local("2026-03-01T00:00"), batch_size=2) == 3
    assert state(customer) == (0, 0, 0, 10)


@pytest.mark.django_db
def test_inactivity_expires_the_whole_balance_when_the_policy_is_on(oslo, store):
    base_rule("1")
    with time_machine.travel(local("2026-01-10T10:00"), tick=False):
        customer = create_customer()
        buy(customer, store, "till-1", line("25"))
    assert points_expire_inactive(now=local("2026-12-01T10:00")) == 0  # policy off

    oslo.inactivity_days, oslo.expiry_policy = 90, ExpiryPolicy.NEVER
    oslo.save()
    assert points_expire_inactive(now=local("2026-04-09T10:00")) == 0
    assert points_expire_inactive(now=local("2026-04-11T10:00")) == 1
    assert points_expire_inactive(now=local("2026-04-12T10:00")) == 0

    assert state(customer) == (0, 0, 0, 2)


# --- reminders ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_reminders_at_each_stage_exactly_once(oslo, customer):
    make_reward("coffee", points_cost=40)
    make_reward("mug", points_cost=500)
    earn(customer, 60, "2026-01-15T10:00")  # expires 2026-03-01 00:00

    assert expiry_reminders_queue(now=local("2026-01-29T10:00")) == 0  # 31 days out
    assert expiry_reminders_queue(now=local("2026-02-01T10:00")) == 1  # 30-day stage
    assert expiry_reminders_queue(now=local("2026-02-02T10:00")) == 0
    assert expiry_reminders_queue(now=local("2026-02-22T10:00")) == 1  # 7-day stage
    assert expiry_reminders_queue(now=local("2026-02-25T10:00")) == 0

    keys = sorted(OutboxEmail.objects.values_list("key", flat=True))
    account = customer.points_account.pk
    assert keys == [
        f"expiry-reminder:{account}:2026-03-01:30",
        f"expiry-reminder:{account}:2026-03-01:7",
    ]
    email = OutboxEmail.objects.get(key__endswith=":7")
    assert email.subject == "Use 60 points by Feb. 28, 2026 or lose them"
    assert (
        "use 60 of your points by Feb. 28, 2026 or lose them: they expire at the end of that day."
        in email.body_text
    )
    assert "- Free Coffee" not in email.body_text
    assert "- Coffee: 40 points" in email.body_text
    assert "Mug" not in email.body_text
    assert email.headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


@pytest.mark.django_db
def test_no_reminder_for_spent_points_or_members_who_opted_out(oslo, customer, other_customer):
    earn(customer, 60, "2026-01-15T10:00")
    earn(other_customer, 60, "2026-01-15T10:00")
    with time_machine.travel(local("2026-01-20T10:00"), tick=False):
        points_spend(account=customer.points_account, points=60)
    other_customer.reminder_emails = False
    other_customer.save()

    assert expiry_reminders_queue(now=local("2026-02-22T10:00")) == 0
    assert OutboxEmail.objects.count() == 0


@pytest.mark.django_db
def test_one_reminder_per_expiry_date(oslo, customer):
    earn(customer, 10, "2026-01-05T10:00")
    earn(customer, 20, "2026-01-25T10:00")  # same month: same expiry date
    earn(customer, 30, "2026-02-02T10:00")  # next month

    assert expiry_reminders_queue(now=local("2026-02-05T10:00")) == 1
    assert OutboxEmail.objects.get().subject == "Use 30 points by Feb. 28, 2026 or lose them"


@pytest.mark.django_db
def test_reminders_across_chunks_count_only_what_they_write(oslo, monkeypatch):
    monkeypatch.setattr(reminders, "CHUNK_SIZE", 2)
    members = [create_customer() for _ in range(5)]
    for member in members:
        earn(member, 60, "2026-01-15T10:00")
    taken = f"expiry-reminder:{members[2].points_account.pk}:2026-03-01:7"
    OutboxEmail.objects.create(
        key=taken, to_email="x@example.com", subject="queued before", send_after=local("2026-02-01")
    )

    assert expiry_reminders_queue(now=local("2026-02-22T10:00")) == 4
    assert expiry_reminders_queue(now=local("2026-02-22T10:00")) == 0

    assert OutboxEmail.objects.count() == 5
    assert OutboxEmail.objects.get(key=taken).subject == "queued before"
    assert set(OutboxEmail.objects.values_list("member", flat=True)) == {
        None,
        *(member.pk for member in members if member != members[2]),
    }


@pytest.mark.django_db
def test_reminder_queries_do_not_grow_with_the_members_due(oslo):
    from django.test.utils import CaptureQueriesContext

    make_reward("coffee", points_cost=40)

    def queue_all() -> tuple[int, int]:
        OutboxEmail.objects.all().delete()
        with CaptureQueriesContext(connection) as queries:
            queued = expiry_reminders_queue(now=local("2026-02-22T10:00"))
        return queued, len(queries)

    for _ in range(2):
        earn(create_customer(), 60, "2026-01-15T10:00")
    queued_for_two, queries_for_two = queue_all()
    for _ in range(6):
        earn(create_customer(), 60, "2026-01-15T10:00")
    queued_for_eight, queries_for_eight = queue_all()

    assert (queued_for_two, queued_for_eight) == (2, 8)
    assert queries_for_eight == queries_for_two


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrent writers need PostgreSQL")
def test_workers_queueing_reminders_at_once_count_each_email_once():
    from django.utils import timezone

    from tests.concurrency import run_together

    now = timezone.now()
    for _ in range(5):
        lot = points_credit(account=create_customer().points_account, points=40).lot
        PointsLot.objects.filter(pk=lot.pk).update(expires_at=now + datetime.timedelta(days=5))

    results = run_together(4, lambda _index: expiry_reminders_queue(now=now))

    assert sum(results) == 5, results
    assert OutboxEmail.objects.count() == 5


# --- unsubscribe --------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_unsubscribe_link_works_without_logging_in_and_get_changes_nothing(client, customer):
    url = reverse("unsubscribe", args=[unsubscribe_token(member=customer, purpose="reminders")])

    assert client.get(url).status_code == 200
    customer.refresh_from_db()
    assert customer.reminder_emails is True

    response = client.post(url, {"List-Unsubscribe": "One-Click"})

    assert response.status_code == 200
    customer.refresh_from_db()
    assert (customer.reminder_emails, customer.marketing_emails) == (False, False)


@pytest.mark.django_db
def test_a_tampered_unsubscribe_link_is_refused(client, customer, other_customer):
    token = unsubscribe_token(member=customer, purpose="reminders")
    forged = token[:-2] + ("AA" if token[-2:] != "AA" else "BB")

    for bad in [forged, "nonsense", token + "x"]:
        response = client.post(reverse("unsubscribe", args=[bad]))
        assert response.status_code == 404

    customer.refresh_from_db()
    assert customer.reminder_emails is True


@pytest.mark.django_db
def test_sent_reminders_carry_the_list_unsubscribe_header(oslo, customer):
    earn(customer, 60, "2026-01-15T10:00")
    expiry_reminders_queue(now=local("2026-02-22T10:00"))

    outbox_send_due()

    assert (
        mail.outbox[0]
        .extra_headers["List-Unsubscribe"]
        .startswith("<http://127.0.0.1:8000/unsubscribe/")
    )


# --- birthdays ----------------------------------------------------------------------------


@pytest.fixture
def birthday_rule(db):
    return rule(RuleKind.BIRTHDAY_BONUS, "Birthday treat", points=150)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("today", "given"),
    [
        ("2027-02-28", True),  # no 29 February in 2027
        ("2027-03-01", False),
        ("2028-02-28", False),  # a leap year: the 29th itself
        ("2028-02-29", True),
    ],
)
def test_birthday_on_29_february(birthday_rule, today, given):
    leapling = create_customer(email="leap@example.com")
    leapling.birthday = datetime.date(2000, 2, 29)
    leapling.save()

    assert birthday_rewards_grant(today=datetime.date.fromisoformat(today)) == int(given)
    assert state(leapling)[0] == (150 if given else 0)


@pytest.mark.django_db
def test_birthday_reward_once_per_member_per_year(birthday_rule, customer):
    customer.birthday = datetime.date(1990, 6, 5)
    customer.save()

    assert birthday_rewards_grant(today=datetime.date(2026, 6, 5)) == 1
    assert birthday_rewards_grant(today=datetime.date(2026, 6, 5)) == 0
    assert birthday_rewards_grant(today=datetime.date(2027, 6, 5)) == 1

    assert state(customer) == (300, 0, 0, 2)
    assert OutboxEmail.objects.filter(key__startswith=f"birthday:{customer.pk}:").count() == 2


@pytest.mark.django_db
def test_birthday_month_mode(birthday_rule, customer):
    program = program_settings_get()
    program.birthday_mode = "month"
    program.save()
    customer.birthday = datetime.date(1990, 6, 25)
    customer.save()

    assert birthday_rewards_grant(today=datetime.date(2026, 5, 31)) == 0
    assert birthday_rewards_grant(today=datetime.date(2026, 6, 1)) == 1
    assert birthday_rewards_grant(today=datetime.date(2026, 6, 25)) == 0


@pytest.mark.django_db
def test_no_birthday_rule_no_birthday_points(customer):
    customer.birthday = datetime.date(1990, 6, 5)
    customer.save()

    assert birthday_rewards_grant(today=datetime.date(2026, 6, 5)) == 0
    assert PointsLot.objects.count() == 0


@pytest.mark.django_db
def test_a_birthday_rule_limited_to_a_tier_reaches_only_that_tier(customer, other_customer):
    from loyalty.models import Tier

    gold = Tier.objects.create(name="Gold", rank=1, threshold=500)
    everyone = rule(RuleKind.BIRTHDAY_BONUS, "Birthday", points=100)
    gold_only = rule(RuleKind.BIRTHDAY_BONUS, "Gold birthday", points=300)
    gold_only.tiers.set([gold])
    customer.points_account.tier = gold
    customer.points_account.save()
    for member in (customer, other_customer):
        member.birthday = datetime.date(1990, 6, 5)
        member.save()

    assert birthday_rewards_grant(today=datetime.date(2026, 6, 5)) == 2

    assert (state(customer)[0], state(other_customer)[0]) == (300, 100)
    assert everyone.pk != gold_only.pk


@pytest.mark.django_db
def test_inactivity_reminder_once_before_the_balance_expires(oslo, store):

    base_rule("1")
    oslo.inactivity_days, oslo.inactivity_reminder_days, oslo.expiry_policy = (
        90,
        30,
        ExpiryPolicy.NEVER,
    )
    oslo.save()
    with time_machine.travel(local("2026-01-10T10:00"), tick=False):
        member = create_customer()
        buy(member, store, "till-1", line("25"))

    assert inactivity_reminders_queue(now=local("2026-03-10T09:00")) == 0  # 59 days
    assert inactivity_reminders_queue(now=local("2026-03-11T11:00")) == 1  # 60 days
    assert inactivity_reminders_queue(now=local("2026-03-20T11:00")) == 0

    email = OutboxEmail.objects.get()
    assert email.subject == "Keep your 25 points: shop with us before they expire"
    assert "expire on April 10, 2026" in email.body_text
