"""The managers' activity log: staff actions on points, rewards and referrals with who, when,
what and why, newest first, paged; managers only."""

import datetime
import re

import pytest
from django.core.paginator import Paginator
from django.urls import reverse

from engagement.services.checkout import checkout_return, checkout_void
from loyalty.backoffice.activity import ActivityFeed, activity_list
from loyalty.services import ReturnRequest, points_adjust
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
    return {"counter": at_counter, "online": online}


def test_the_log_lists_each_staff_action_newest_first_with_who_what_and_why(world):
    activities = activity_list()[0:50]

    assert [
        (activity.kind, activity.actor.email, activity.at - START, activity.why)
        for activity in activities
    ] == [
        (
            "void_purchase",
            "staff@example.com",
            datetime.timedelta(minutes=8),
            "Recorded by mistake",
        ),
        (
            "referral_review",
            "manager@example.com",
            datetime.timedelta(minutes=7),
            "Same household",
        ),
        ("redemption_voided", "staff@example.com", datetime.timedelta(minutes=6), "Wrong reward"),
        ("voucher_used", "staff@example.com", datetime.timedelta(minutes=5), ""),
        ("counter_redemption", "staff@example.com", datetime.timedelta(minutes=3), ""),
        ("return", "staff@example.com", datetime.timedelta(minutes=2), "Goods returned"),
        (
            "adjustment",
            "manager@example.com",
            datetime.timedelta(minutes=1),
            "Goodwill: late delivery",
        ),
    ]
    assert activity_list().count() == 7
    counter_code = world["counter"].code
    assert activities[4].what == (
        f"Free Coffee for 100 points, voucher {counter_code[:5]}-{counter_code[5:]}"
    )
    assert activities[5].what == "Receipt downtown/r-1, 1 item: 10 points taken back"
    assert activities[6].what == "+50 points; balance after: 1,092"
    assert activities[1].what == "Fiona Fischer, invited by Alice Andersen; now: Rejected"
    assert {activity.member.user.email for activity in activities} == {"alice@example.com"}


def test_a_manager_reads_the_log_page(client, world, manager_user):
    client.force_login(manager_user)

    response = client.get(ACTIVITY)

    assert response.status_code == 200
    html = response.content.decode()
    assert re.findall(r'<tr data-kind="([a-z_]+)">', html) == [
        "void_purchase",
        "referral_review",
        "redemption_voided",
        "voucher_used",
        "counter_redemption",
        "return",
        "adjustment",
    ]
    assert "Goodwill: late delivery" in html
    assert "Points adjusted" in html
    assert '<time datetime="2026-04-01T09:01:00+00:00">' in html
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
    """Adjustments and returns interleaved in time: every page is the matching slice of the
    whole log, whichever source its rows come from."""
    time_machine.move_to(START, tick=False)
    base_rule("1")
    give_points(customer, 10_000)
    expected = []
    for number in range(12):
        time_machine.shift(datetime.timedelta(seconds=30))
        if number % 3 == 2:
            purchase = buy(customer, store, f"r-{number}", line("5.00"), actor=staff_user)
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

    assert paginator.count == 12
    assert [len(page) for page in pages] == [5, 5, 2]
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
