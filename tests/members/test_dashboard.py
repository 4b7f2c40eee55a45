"""The member's dashboard (/me/): the four answers at the top, the card one tap away, what the
member saved (also on the history page), and the menu's current page."""

import datetime
import re
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse

from loyalty.models import ExpiryPolicy, PointsAccount, Tier
from loyalty.services import points_credit, program_settings_get
from rewards.models import RedemptionChannel
from rewards.services import reward_redeem
from tests.rewards.catalogue import make_reward

UTC = datetime.UTC
NOW = datetime.datetime(2026, 3, 2, 10, 0, tzinfo=UTC)


def _program(**fields) -> None:
    program = program_settings_get()
    for name, value in fields.items():
        setattr(program, name, value)
    program.save()


def _main(html: str) -> str:
    return re.search(r'<main id="main".*?</main>', html, re.DOTALL).group(0)


def _part(html: str, testid: str) -> str:
    match = re.search(rf'data-testid="{testid}">(.*?)</section>', html, re.DOTALL)
    assert match is not None, f"no part {testid}"
    return match.group(1)


def _text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def _dashboard(client) -> str:
    response = client.get(reverse("members:dashboard"))
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def member_with_everything(customer):
    """85 points worth 0.85 after two vouchers of 20; 10 of them are usable until 1 April."""
    _program(point_value=Decimal("0.01"), currency="USD", expiry_policy=ExpiryPolicy.DAYS)
    with time_machine.travel(NOW, tick=False):
        _program(expiry_days=30)
        points_credit(account=customer.points_account, points=50, note="Welcome")
        _program(expiry_days=60)
        points_credit(account=customer.points_account, points=75, note="Bonus")
        for slug, days in [("pastry", 10), ("filter-coffee", 20)]:
            reward = make_reward(slug, points_cost=20, voucher_valid_days=days)
            reward_redeem(member=customer, reward=reward, channel=RedemptionChannel.ONLINE)
        make_reward("tote-bag", name="Reusable tote bag", points_cost=120)
        make_reward("tasting", points_cost=300)
    return customer


@pytest.mark.django_db
def test_the_four_answers_with_their_exact_words(client, member_with_everything):
    client.force_login(member_with_everything.user)

    with time_machine.travel(NOW + datetime.timedelta(hours=1), tick=False):
        html = _dashboard(client)

    balance = _part(html, "glance-balance")
    assert 'data-testid="balance">85<' in balance
    assert 'data-testid="cash-value">Worth $0.85<' in balance
    next_reward = _part(html, "next-reward")
    assert (
        '<label class="glance__lead" for="next-reward-progress" data-testid="next-reward-text">'
        "Reusable tote bag: 35 points to go</label>"
    ) in next_reward
    assert (
        '<progress id="next-reward-progress" class="meter" max="120" value="85" '
        'data-testid="next-reward-bar">85 / 120</progress>'
    ) in next_reward
    assert (
        f'<a href="{reverse("rewards:list")}" data-testid="redeemable-now">'
        "2 rewards you can have now</a>"  # the pastry and the filter coffee, at 20 points each
    ) in next_reward
    vouchers = _part(html, "vouchers-ready")
    assert (f'<a href="{reverse("member_rewards:list")}">2 vouchers ready to use</a>') in vouchers
    assert _text(vouchers) == "Vouchers 2 vouchers ready to use Pastry, expires March 12, 2026"
    assert '<time datetime="2026-03-12">' in vouchers
    expiring = _part(html, "expiring")
    # 40 points are spent first from the lot expiring soonest: 10 of its 50 are left.
    assert _text(expiring) == (
        "Expiring points Use 10 points by April 1, 2026 or lose them "
        "75 more points expire by May 1, 2026"
    )


@pytest.mark.django_db
def test_the_card_is_one_tap_away_at_the_top_and_no_link_repeats(client, member_with_everything):
    client.force_login(member_with_everything.user)

    with time_machine.travel(NOW, tick=False):
        main = _main(_dashboard(client))

    show_card = (
        f'<a class="button dash-head__card" href="{reverse("members:card")}" '
        'data-testid="show-card">Show card</a>'
    )
    assert main.index(show_card) < main.index('data-testid="glance-balance"')
    hrefs = re.findall(r'href="([^"]+)"', main)
    assert sorted(hrefs) == sorted(
        [
            reverse("members:card"),
            reverse("members:history"),
            reverse("rewards:list"),
            reverse("member_rewards:list"),
            reverse("members:profile"),
            reverse("account_email"),
            reverse("account_change_password"),
        ]
    )


@pytest.mark.django_db
def test_a_reward_above_the_members_tier_is_never_shown_as_points_to_go(client, customer):
    gold = Tier.objects.create(name="Gold", rank=2, threshold=Decimal("500"), colour="#c9a227")
    points_credit(account=customer.points_account, points=85)
    make_reward("gold-lounge", name="Gold lounge", points_cost=90, minimum_tier=gold)
    make_reward("tote-bag", name="Reusable tote bag", points_cost=200)
    client.force_login(customer.user)

    without_tier = _part(_dashboard(client), "next-reward")
    PointsAccount.objects.filter(member=customer).update(tier=gold)
    in_gold = _part(_dashboard(client), "next-reward")

    assert "Reusable tote bag: 115 points to go" in without_tier
    assert "Gold lounge" not in without_tier
    assert 'data-testid="redeemable-now">Browse rewards</a>' in without_tier
    assert "Gold lounge: 5 points to go" in in_gold


@pytest.mark.django_db
def test_with_nothing_to_save_for_nor_any_voucher_or_expiry(client, customer):
    points_credit(account=customer.points_account, points=500)
    make_reward("pastry", points_cost=80)
    client.force_login(customer.user)

    html = _dashboard(client)

    assert _text(_part(html, "next-reward")) == (
        "Next reward Every reward you can have is within your points. 1 reward you can have now"
    )
    assert "<progress" not in _part(html, "next-reward")
    assert _text(_part(html, "vouchers-ready")) == "Vouchers No vouchers ready. My vouchers"
    assert _text(_part(html, "expiring")) == (
        "Expiring points None of your points expire in the next 90 days."
    )


@pytest.mark.django_db
def test_what_the_member_saved_is_on_the_dashboard_and_the_history(client, customer):
    _program(point_value=Decimal("0.05"), currency="USD")
    points_credit(account=customer.points_account, points=300)
    reward_redeem(
        member=customer,
        reward=make_reward("pastry", points_cost=80),
        channel=RedemptionChannel.ONLINE,
    )
    client.force_login(customer.user)

    dashboard = _dashboard(client)
    history = client.get(reverse("members:history")).content.decode()

    assert '<p class="saved__value">$4.00</p>' in _part(dashboard, "saved")
    assert (
        '<p class="history-saved" data-testid="saved">'
        "What you saved: $4.00 in rewards and donations</p>"
    ) in history


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "label"),
    [
        ("members:dashboard", "My points"),
        ("member_rewards:list", "My vouchers"),
        ("members:card", "Card"),
        ("rewards:list", "Rewards"),
    ],
)
def test_the_menu_marks_the_current_page_and_only_it(client, customer, name, label):
    client.force_login(customer.user)

    html = client.get(reverse(name)).content.decode()

    nav = re.search(r'<nav aria-label="Main">.*?</nav>', html, re.DOTALL).group(0)
    current = re.findall(r'<a href="([^"]+)" aria-current="page">([^<]+)</a>', nav)
    assert current == [(reverse(name), label)]
    assert nav.count("aria-current") == 1
