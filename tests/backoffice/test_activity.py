"""The managers' activity log: everything that made or moved value, with who (staff, a manager
or an API key), where, what and why, newest first, paged; managers only. The filters are in
tests/backoffice/test_activity_filters.py."""

import datetime
import json
import re

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.core.paginator import Paginator
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from engagement.services.checkout import (
    checkout_hold_approve,
    checkout_hold_reject,
    checkout_purchase,
    checkout_return,
    checkout_void,
)
from loyalty.backoffice.activity import ActivityFeed, ActivityFilter, activity_list
from loyalty.services import ReturnRequest, points_adjust
from loyalty.services.api_keys import api_key_create
from members.models import User
from referrals.services import referral_attach, referral_code_for, referral_reject
from rewards.models import RedemptionChannel
from rewards.services import redemption_void, reward_redeem, voucher_use
from tests.factories import create_customer
from tests.loyalty.points import base_rule, buy, line
from tests.rewards.catalogue import give_points, make_reward

pytestmark = pytest.mark.django_db

ACTIVITY = reverse("activity:index")
START = datetime.datetime(2026, 4, 1, 9, 0, tzinfo=datetime.UTC)


@pytest.fixture
def world(customer, store, staff_user, manager_user, time_machine):
    """One of each staff action, a minute apart, plus what the log must leave out."""
    time_machine.move_to(START, tick=False)

    def tick():
        time_machine.shift(datetime.timedelta(minutes=1))

    base_rule("1")
    give_points(customer, 1000)  # not a staff action
    coffee = make_reward("free-coffee", points_cost=100)
    muffin = make_reward("muffin", points_cost=50)
    first = buy(customer, store, "r-1", line("30.00", quantity=3), actor=staff_user)
    second = buy(customer, store, "r-2", line("12.00"), actor=staff_user)
    tick()
    points_adjust(
        account=customer.points_account,
        points=50,
        reason="Goodwill: late delivery",
        actor=manager_user,
    )
    tick()
    checkout_return(
        purchase=first,
        lines=[ReturnRequest(line_id=first.lines.get().pk, quantity=1)],
        actor=staff_user,
        store=store,
    )
    tick()
    at_counter = reward_redeem(
        member=customer,
        reward=coffee,
        channel=RedemptionChannel.COUNTER,
        actor=staff_user,
        store=store,
    )
    tick()
    online = reward_redeem(
        member=customer, reward=muffin, channel=RedemptionChannel.ONLINE, actor=customer.user
    )
    tick()
    voucher_use(code=online.code, actor=staff_user, store=store)
    tick()
    redemption_void(redemption=at_counter, actor=staff_user, store=store, reason="Wrong reward")
    tick()
    friend = create_customer(email="fiona@example.com", first_name="Fiona", last_name="Fischer")
    referral = referral_attach(
        friend=friend, code=referral_code_for(member=customer).code, ip="10.0.0.1"
    )
    referral_reject(referral=referral, actor=manager_user, reason="Same household")
    tick()
    checkout_void(purchase=second, actor=staff_user, store=store)
    tick()
    api_key, _raw_key = api_key_create(store=store, name="Till 1")
    from_till = checkout_purchase(
        member=customer, store=store, external_id="t-1", lines=[line("40.00")], api_key=api_key
    ).purchase
    tick()
    checkout_return(purchase=from_till, lines=None, store=store, api_key=api_key)
    tick()
    through_api = reward_redeem(
        member=customer,
        reward=coffee,
        channel=RedemptionChannel.API,
        store=store,
        api_key=api_key,
    )
    tick()
    # Above the desk's largest total (5,000.00): held for a manager.
    approved = buy(customer, store, "h-1", line("6000.00"), actor=staff_user)
    tick()
    checkout_hold_approve(purchase=approved, actor=manager_user, note="Checked the receipt")
    tick()
    rejected = buy(customer, store, "h-2", line("5500.00"), actor=staff_user)
    tick()
    checkout_hold_reject(purchase=rejected, actor=manager_user, note="No such sale")
    tick()
    admin_change(manager_user, staff_user, ["Groups", "Staff status"])
    # Neither a change of a user's name nor a change of a store is a change of rights.
    admin_change(manager_user, staff_user, ["First name"])
    admin_change(manager_user, store, ["Active"])
    return {"counter": at_counter, "online": online, "api": through_api, "key": api_key}


def admin_change(actor, changed, fields: list[str]) -> LogEntry:
    """The row the admin writes when `actor` saves `changed` with these fields changed."""
    return LogEntry.objects.create(
        user=actor,
        content_type=ContentType.objects.get_for_model(type(changed)),
        object_id=str(changed.pk),
        object_repr=str(changed),
        action_flag=CHANGE,
        change_message=json.dumps([{"changed": {"fields": fields}}]),
    )


def who(activity) -> str:
    return f"API key {activity.api_key.name}" if activity.api_key else activity.actor.email


def test_the_log_lists_each_staff_action_newest_first_with_who_what_and_why(world):
    activities = activity_list()[0:50]

    staff, manager, key = "staff@example.com", "manager@example.com", "API key Till 1"
    minutes = datetime.timedelta(minutes=1)
    held_6000 = "The total 6,000.00 is above the limit of 5,000.00 per purchase."
    held_5500 = "The total 5,500.00 is above the limit of 5,000.00 per purchase."
    assert [
        (activity.kind, who(activity), (activity.at - START) / minutes, activity.why)
        for activity in activities
    ] == [
        ("rights_change", manager, 16, "In the admin"),
        ("void_purchase", manager, 15, "A manager rejected the held purchase"),
        ("hold_rejected", manager, 15, "No such sale"),
        ("purchase", staff, 14, held_5500),
        ("hold_approved", manager, 13, "Checked the receipt"),
        ("purchase", staff, 12, held_6000),
        ("api_redemption", key, 11, ""),
        ("return", key, 10, "Goods returned"),
        ("purchase", key, 9, ""),
        ("void_purchase", staff, 8, "Recorded by mistake"),
        ("referral_review", manager, 7, "Same household"),
        ("redemption_voided", staff, 6, "Wrong reward"),
        ("voucher_used", staff, 5, ""),
        ("counter_redemption", staff, 3, ""),
        ("return", staff, 2, "Goods returned"),
        ("adjustment", manager, 1, "Goodwill: late delivery"),
        ("purchase", staff, 0, ""),
        ("purchase", staff, 0, ""),
    ]
    assert activity_list().count() == 18
    whats = [activity.what for activity in activities]
    assert whats[0] == "User staff@example.com: changed groups, staff status"
    assert whats[1] == "Receipt downtown/h-2, 1 item: 5,500 points taken back"
    assert whats[2] == (
        f"Receipt downtown/h-2, 5,500.00 USD: 5,500 points; held because: {held_5500}"
    )
    assert whats[3] == "Receipt downtown/h-2, 1 item, 5,500.00 USD: 5,500 points (rejected)"
    assert whats[5] == "Receipt downtown/h-1, 1 item, 6,000.00 USD: 6,000 points (approved)"
    api_code = world["api"].code
    assert whats[6] == f"Free Coffee for 100 points, voucher {api_code[:5]}-{api_code[5:]}"
    assert whats[7] == "Receipt downtown/t-1, 1 item: 40 points taken back"
    assert whats[8] == "Receipt downtown/t-1, 1 item, 40.00 USD: 40 points"
    counter_code = world["counter"].code
    assert whats[13] == (
        f"Free Coffee for 100 points, voucher {counter_code[:5]}-{counter_code[5:]}"
    )
    assert whats[14] == "Receipt downtown/r-1, 1 item: 10 points taken back"
    assert whats[15] == "+50 points; balance after: 1,092"
    assert whats[10] == "Fiona Fischer, invited by Alice Andersen; now: Rejected"
    assert whats[16:] == [
        "Receipt downtown/r-2, 1 item, 12.00 USD: 12 points",
        "Receipt downtown/r-1, 3 items, 30.00 USD: 30 points",
    ]
    # Where: the store of each desk or key action; none for decisions made away from a till.
    assert [activity.store.code if activity.store else None for activity in activities] == [
        None,  # a rights change
        None,  # the void that rejected a held purchase was not made at a store
        "downtown",
        "downtown",
        "downtown",
        "downtown",
        "downtown",
        "downtown",
        "downtown",
        "downtown",
        None,  # a referral review
        None,  # a redemption voided
        "downtown",
        "downtown",
        "downtown",
        None,  # an adjustment in the back office
        "downtown",
        "downtown",
    ]
    assert [activity.api_key for activity in activities[6:9]] == [world["key"]] * 3
    assert {activity.actor for activity in activities[6:9]} == {None}
    assert activities[0].member is None
    assert {activity.member.user.email for activity in activities[1:]} == {"alice@example.com"}


def test_a_manager_reads_the_log_page(client, world, manager_user):
    client.force_login(manager_user)

    response = client.get(ACTIVITY)

    assert response.status_code == 200
    html = response.content.decode()
    assert re.findall(r'<tr data-kind="([a-z_]+)">', html) == [
        "rights_change",
        "void_purchase",
        "hold_rejected",
        "purchase",
        "hold_approved",
        "purchase",
        "api_redemption",
        "return",
        "purchase",
        "void_purchase",
        "referral_review",
        "redemption_voided",
        "voucher_used",
        "counter_redemption",
        "return",
        "adjustment",
        "purchase",
        "purchase",
    ]
    assert "Goodwill: late delivery" in html
    assert "Points adjusted" in html
    assert "Rights changed" in html
    assert '<time datetime="2026-04-01T09:01:00+00:00">' in html
    who_cells = re.findall(r'<td data-testid="who">([^<]*)<', html)
    assert who_cells[6:9] == ["API key Till 1"] * 3
    assert who_cells[0] == "Morgan"
    assert who_cells[9] == "Sam"
    assert f'href="{ACTIVITY}"' in html  # the managers' menu links to it


@pytest.mark.parametrize(
    ("who", "expected"),
    [("customer", 403), ("plain_user", 403), ("staff_user", 403), ("manager_user", 200)],
)
def test_only_managers_see_the_log(client, request, who, expected):
    user = request.getfixturevalue(who)
    client.force_login(getattr(user, "user", user))

    response = client.get(ACTIVITY)

    assert response.status_code == expected
    assert (f'href="{ACTIVITY}"' in client.get(reverse("home")).content.decode()) is (
        expected == 200
    )


def test_the_log_asks_an_anonymous_visitor_to_sign_in(client):
    response = client.get(ACTIVITY)

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('account_login')}?next={ACTIVITY}"


def test_pages_merge_the_sources_in_time_order(
    customer, manager_user, staff_user, store, time_machine
):
    """Adjustments, purchases and their voids interleaved in time: every page is the matching
    slice of the whole log, whichever source its rows come from."""
    time_machine.move_to(START, tick=False)
    base_rule("1")
    give_points(customer, 10_000)
    expected = []
    for number in range(12):
        time_machine.shift(datetime.timedelta(seconds=30))
        if number % 3 == 2:
            purchase = buy(customer, store, f"r-{number}", line("5.00"), actor=staff_user)
            expected.append(("purchase", number))
            time_machine.shift(datetime.timedelta(seconds=1))
            checkout_void(purchase=purchase, actor=staff_user, store=store)
            expected.append(("void_purchase", number))
        else:
            points_adjust(
                account=customer.points_account,
                points=-number - 1,
                reason=f"Correction {number}",
                actor=manager_user,
            )
            expected.append(("adjustment", number))
    expected.reverse()

    paginator = Paginator(activity_list(), 5)
    pages = [
        [(activity.kind, activity.at) for activity in paginator.page(number).object_list]
        for number in paginator.page_range
    ]

    assert paginator.count == 16
    assert [len(page) for page in pages] == [5, 5, 5, 1]
    assert [kind for page in pages for kind, _at in page] == [kind for kind, _n in expected]
    moments = [at for page in pages for _kind, at in page]
    assert moments == sorted(moments, reverse=True)


def test_a_page_costs_the_same_queries_however_long_the_log(
    client, world, manager_user, django_assert_max_num_queries
):
    client.force_login(manager_user)

    with django_assert_max_num_queries(30):
        response = client.get(ACTIVITY, {"page": "1"})

    assert response.status_code == 200


def test_a_page_number_that_is_not_one_shows_the_nearest_page(client, world, manager_user):
    client.force_login(manager_user)

    for page in ("0", "99", "x", "-1"):
        assert client.get(ACTIVITY, {"page": page}).status_code == 200


def test_the_feed_takes_plain_slices_only():
    feed = ActivityFeed(sources=[])

    assert feed[0:10] == []
    with pytest.raises(TypeError):
        feed[0]
    with pytest.raises(ValueError, match="non-negative"):
        feed[-5:]


def test_a_voucher_used_and_a_redemption_voided_through_the_api_name_the_key(
    customer, store, time_machine
):
    time_machine.move_to(START, tick=False)
    give_points(customer, 500)
    coffee = make_reward("free-coffee", points_cost=100)
    till, _raw = api_key_create(store=store, name="Till 1")
    shop, _raw = api_key_create(store=store, name="Web shop")
    online = reward_redeem(
        member=customer, reward=coffee, channel=RedemptionChannel.ONLINE, actor=customer.user
    )
    voucher_use(code=online.code, actor=None, store=store, api_key=till)
    time_machine.shift(datetime.timedelta(minutes=1))
    sold = reward_redeem(
        member=customer, reward=coffee, channel=RedemptionChannel.API, store=store, api_key=shop
    )
    time_machine.shift(datetime.timedelta(minutes=1))
    redemption_void(redemption=sold, actor=None, store=store, reason="Till error", api_key=shop)

    activities = activity_list()[0:10]

    assert [
        (activity.kind, who(activity), activity.store, activity.why) for activity in activities
    ] == [
        ("redemption_voided", "API key Web shop", None, "Till error"),
        ("api_redemption", "API key Web shop", store, ""),
        ("voucher_used", "API key Till 1", store, ""),
    ]
    assert [a.kind for a in activity_list(ActivityFilter(api_key=till))[0:10]] == ["voucher_used"]
    assert [a.kind for a in activity_list(ActivityFilter(api_key=shop))[0:10]] == [
        "redemption_voided",
        "api_redemption",
    ]


def test_a_change_of_rights_in_the_admin_is_in_the_log(client, manager_user, staff_user, store):
    """The manager takes a staff member out of the 'Store staff' group through the admin's own
    form: the log shows who did it to whom, and which rights changed."""
    client.force_login(manager_user)

    response = client.post(
        reverse("admin:members_user_change", args=[staff_user.pk]),
        {
            "email": staff_user.email,
            "first_name": "Sam",
            "last_name": "",
            "store": store.pk,
            "is_active": "on",
        },
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    assert list(staff_user.groups.all()) == []
    activities = activity_list()[0:10]
    assert [(activity.kind, activity.actor, activity.what) for activity in activities] == [
        ("rights_change", manager_user, "User staff@example.com: changed groups")
    ]


def test_a_change_of_a_users_name_alone_is_not_a_change_of_rights(
    client, manager_user, staff_user, store
):
    client.force_login(manager_user)

    response = client.post(
        reverse("admin:members_user_change", args=[staff_user.pk]),
        {
            "email": staff_user.email,
            "first_name": "Samuel",
            "last_name": "",
            "store": store.pk,
            "groups": list(staff_user.groups.values_list("pk", flat=True)),
            "is_active": "on",
        },
    )

    assert response.status_code == 302
    assert LogEntry.objects.count() == 1
    assert activity_list().count() == 0


def _page_queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(ACTIVITY, {"page": "1"})
    assert response.status_code == 200
    return len(queries)


def test_a_page_costs_no_more_queries_when_every_source_has_more_rows(
    client, world, manager_user, customer, staff_user, store
):
    client.force_login(manager_user)
    before = _page_queries(client)

    for number in range(3):
        purchase = buy(customer, store, f"more-{number}", line("2.00"), actor=staff_user)
        checkout_void(purchase=purchase, actor=staff_user, store=store)
        reward_redeem(
            member=customer,
            reward=world["api"].reward,
            channel=RedemptionChannel.API,
            store=store,
            api_key=world["key"],
        )
        admin_change(manager_user, staff_user, ["Active"])

    assert _page_queries(client) == before


def test_the_log_needs_the_right_to_view_users_and_purchases_too(client, store):
    """It shows rights changes and purchases, so it asks for the rights to see them."""
    clerk = User.objects.create_user(email="clerk@example.com", password="pw-clerk-123")
    clerk.is_staff = True
    clerk.save()
    for codename in (
        "view_pointsentry",
        "view_purchasereturn",
        "view_redemption",
        "view_referral",
        "view_purchase",
    ):
        clerk.user_permissions.add(Permission.objects.get(codename=codename))
    client.force_login(clerk)

    assert client.get(ACTIVITY).status_code == 403
    assert f'href="{ACTIVITY}"' not in client.get(reverse("home")).content.decode()

    clerk.user_permissions.add(Permission.objects.get(codename="view_user"))
    clerk = User.objects.get(pk=clerk.pk)
    client.force_login(clerk)
    assert client.get(ACTIVITY).status_code == 200
