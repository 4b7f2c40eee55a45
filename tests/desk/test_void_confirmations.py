"""Confirm before a redemption's points come back: voiding from the member page and from the
voucher check page each show what will happen first; only the confirmation page's own button
(`confirm=void_redemption`, `confirm=void_voucher`) voids."""

import datetime
import re

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode

from loyalty.audit import ledger_problems
from loyalty.models import PointsEntry
from members.models import User
from rewards.codes import voucher_code_format
from rewards.models import Redemption, RedemptionChannel, RedemptionStatus, Reward, RewardKind
from rewards.services import reward_redeem, voucher_use
from tests.desk.test_points import assert_ledger_adds_up
from tests.factories import create_staff
from tests.loyalty.points import state
from tests.rewards.catalogue import give_points, make_cause, make_reward

pytestmark = pytest.mark.django_db

VOUCHERS = reverse("staff_rewards:vouchers")
VOID = reverse("staff_rewards:voucher_void")
CONFIRM_REDEMPTION = {"confirm": "void_redemption"}
CONFIRM_VOUCHER = {"confirm": "void_voucher"}
# Anything but the page's own value is no confirmation: the other page's value, the purchase
# void's, a truthy word, the right word in the wrong case or with a space.
FORGED = [
    {},
    {"confirm": ""},
    {"confirm": "yes"},
    {"confirm": "1"},
    {"confirm": "void"},
    {"confirm": "VOID_VOUCHER"},
    {"confirm": " void_redemption"},
]


@pytest.fixture
def pastry(db) -> Reward:
    return make_reward("free-pastry", name="Free pastry", points_cost=150, stock=10)


@pytest.fixture
def voucher(customer, pastry) -> Redemption:
    """Alice had 500 points and redeemed a pastry online: 350 left, the voucher ready to use."""
    give_points(customer, 500)
    return reward_redeem(member=customer, reward=pastry, channel=RedemptionChannel.ONLINE)


def void_url(redemption) -> str:
    return reverse(
        "staff_rewards:redemption_void", args=[redemption.member.card_number, redemption.pk]
    )


def member_url(member) -> str:
    return reverse("staff:member", args=[member.card_number])


def voucher_url(redemption) -> str:
    return f"{VOUCHERS}?{urlencode({'code': redemption.code})}"


def _messages(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def _templates(response) -> list[str]:
    return [template.name for template in response.templates if template.name.startswith("desk/")]


def _buttons(html: str) -> list[str]:
    """The page's action controls in document order: (tag, classes, label) as one string."""
    start = html.index('class="actions confirm-actions"')
    form = html[start : html.index("<footer", start)]  # not the footer's language switcher
    controls = re.findall(r'<(a|button)\b[^>]*class="([^"]+)"[^>]*>(.*?)</\1>', form)
    return [f"{tag}|{classes}|{label}" for tag, classes, label in controls]


def _everything(member, pastry) -> tuple:
    """What a void changes: the points, the stock, each redemption's status and void fields."""
    return (
        state(member),
        Reward.objects.get(pk=pastry.pk).stock,
        sorted(
            Redemption.objects.values_list("pk", "status", "voided_at", "voided_by", "void_reason")
        ),
        PointsEntry.objects.count(),
    )


def _nothing_changed(member, pastry, before) -> None:
    assert _everything(member, pastry) == before
    assert_ledger_adds_up(member)
    assert ledger_problems() == []


# --- from the member page -----------------------------------------------------------------


def test_the_member_pages_void_shows_the_confirmation_and_voids_nothing(
    client, staff_user, customer, pastry, voucher
):
    client.force_login(staff_user)
    before = _everything(customer, pastry)

    response = client.post(void_url(voucher))

    assert response.status_code == 200
    assert _templates(response)[0] == "desk/redemption_void_confirm.html"
    html = response.content.decode()
    last_four = customer.card_number[-4:]
    assert "<h1>Void this voucher?</h1>" in html
    assert (
        "Voiding Free pastry gives 150 points back to Alice Andersen, and the voucher stops "
        "working. It cannot be undone." in html
    )
    assert f'data-testid="confirm-member">Alice Andersen, card ending {last_four}<' in html
    assert 'data-testid="confirm-reward">Free pastry<' in html
    assert 'data-testid="confirm-status">Ready to use<' in html
    assert f'data-testid="confirm-code">{voucher_code_format(voucher.code)}<' in html
    assert 'data-testid="confirm-points">150<' in html
    assert 'data-testid="confirm-balance">350 now, 500 after<' in html
    assert 'data-testid="confirm-reason"' not in html
    assert f'<form method="post" action="{void_url(voucher)}"' in html
    assert '<input type="hidden" name="reason" value="">' in html
    assert 'name="code"' not in html[html.index("confirm-actions") :]
    _nothing_changed(customer, pastry, before)


def test_the_member_pages_confirmation_offers_keeping_the_voucher_first_and_filled(
    client, staff_user, customer, pastry, voucher
):
    client.force_login(staff_user)
    before = _everything(customer, pastry)

    html = client.post(void_url(voucher)).content.decode()

    assert _buttons(html) == [
        "a|button|Keep the voucher",
        "button|button button--danger|Void the voucher and give back 150 points",
    ]
    assert f'<a class="button" href="{member_url(customer)}">' in html
    assert 'name="confirm" value="void_redemption"' in html
    assert 'name="csrfmiddlewaretoken"' in html
    _nothing_changed(customer, pastry, before)


def test_confirming_the_member_pages_void_gives_the_points_back_exactly(
    client, staff_user, customer, pastry, voucher
):
    client.force_login(staff_user)

    response = client.post(void_url(voucher), CONFIRM_REDEMPTION, follow=True)

    assert response.redirect_chain == [(member_url(customer), 302)]
    assert _messages(response) == [
        "Free pastry voided: 150 points are back on Alice Andersen's balance."
    ]
    voucher.refresh_from_db()
    assert (voucher.status, voucher.voided_by, voucher.void_reason) == (
        RedemptionStatus.VOID,
        staff_user,
        "Voided at the staff desk",
    )
    assert state(customer) == (500, 0, 0, 3)
    assert Reward.objects.get(pk=pastry.pk).stock == 10
    assert_ledger_adds_up(customer)
    assert ledger_problems() == []


def test_a_member_pages_void_confirmed_twice_voids_once(
    client, staff_user, customer, pastry, voucher
):
    client.force_login(staff_user)

    first = client.post(void_url(voucher), CONFIRM_REDEMPTION, follow=True)
    after_first = _everything(customer, pastry)
    second = client.post(void_url(voucher), CONFIRM_REDEMPTION, follow=True)
    unconfirmed = client.post(void_url(voucher), follow=True)

    assert _messages(first) == [
        "Free pastry voided: 150 points are back on Alice Andersen's balance."
    ]
    assert _messages(second) == ["This redemption is already void."]
    assert _messages(unconfirmed) == ["This redemption is already void."]
    assert unconfirmed.redirect_chain == [(member_url(customer), 302)]
    assert state(customer) == (500, 0, 0, 3)
    _nothing_changed(customer, pastry, after_first)


@pytest.mark.parametrize("data", FORGED, ids=range(len(FORGED)))
def test_a_forged_confirm_on_the_member_page_never_voids(
    client, staff_user, customer, pastry, voucher, data
):
    client.force_login(staff_user)
    before = _everything(customer, pastry)

    response = client.post(void_url(voucher), data)

    assert response.status_code == 200
    assert _templates(response)[0] == "desk/redemption_void_confirm.html"
    _nothing_changed(customer, pastry, before)


def test_another_members_redemption_is_not_found_even_confirmed(
    client, staff_user, customer, other_customer, pastry, voucher
):
    give_points(other_customer, 200)
    theirs = reward_redeem(member=other_customer, reward=pastry, channel=RedemptionChannel.ONLINE)
    client.force_login(staff_user)
    before = (_everything(customer, pastry), state(other_customer))
    wrong_member = reverse("staff_rewards:redemption_void", args=[customer.card_number, theirs.pk])

    responses = [
        client.post(wrong_member),
        client.post(wrong_member, CONFIRM_REDEMPTION),
        client.post(
            reverse("staff_rewards:redemption_void", args=[customer.card_number, 999999]),
            CONFIRM_REDEMPTION,
        ),
    ]

    assert [response.status_code for response in responses] == [404, 404, 404]
    assert "Bob" not in "".join(response.content.decode() for response in responses)
    assert (_everything(customer, pastry), state(other_customer)) == before
    assert Redemption.objects.get(pk=theirs.pk).status == RedemptionStatus.ISSUED


@pytest.fixture
def no_void_staff(store):
    """A desk login at the store that may check and use vouchers, but not void them."""
    user = User.objects.create_user(email="trainee@example.com", password="pw-trainee-123")
    user.store = store
    user.save(update_fields=["store"])
    user.user_permissions.add(
        *Permission.objects.filter(codename__in=["use_staff_desk", "use_voucher"])
    )
    return User.objects.get(pk=user.pk)


@pytest.mark.parametrize("confirm", [{}, CONFIRM_REDEMPTION], ids=["page", "confirmed"])
def test_staff_without_the_void_permission_get_403_from_the_member_page(
    client, no_void_staff, customer, pastry, voucher, confirm
):
    assert no_void_staff.has_perm("members.use_staff_desk")
    assert not no_void_staff.has_perm("rewards.void_redemption")
    client.force_login(no_void_staff)
    before = _everything(customer, pastry)

    response = client.post(void_url(voucher), confirm)

    assert response.status_code == 403
    assert "Free pastry" not in response.content.decode()
    _nothing_changed(customer, pastry, before)


def test_a_void_the_service_would_refuse_is_said_before_any_confirmation(
    client, staff_user, store, customer, pastry
):
    give_points(customer, 500)
    colleague = create_staff(email="colleague@example.com", store=store)
    theirs = reward_redeem(
        member=customer,
        reward=pastry,
        channel=RedemptionChannel.COUNTER,
        actor=colleague,
        store=store,
    )
    client.force_login(staff_user)
    before = _everything(customer, pastry)

    response = client.post(void_url(theirs), follow=True)

    assert response.redirect_chain == [(member_url(customer), 302)]
    assert _messages(response) == [
        "Used or expired vouchers cannot be voided; a counter redemption only by its staff "
        "member and a donation only within 15 minutes."
    ]
    _nothing_changed(customer, pastry, before)


def test_an_overlong_reason_on_the_member_page_is_refused_and_changes_nothing(
    client, staff_user, customer, pastry, voucher
):
    client.force_login(staff_user)
    before = _everything(customer, pastry)

    response = client.post(void_url(voucher), {"reason": "x" * 256, **CONFIRM_REDEMPTION})

    assert response.status_code == 302
    assert response["Location"] == member_url(customer)
    page = client.get(member_url(customer))
    assert _messages(page) == ["Ensure this value has at most 255 characters (it has 256)."]
    _nothing_changed(customer, pastry, before)


def test_a_donation_says_donation(client, staff_user, customer):
    give_points(customer, 100)
    meal = make_reward("meal", name="Give a meal", kind=RewardKind.DONATION, cause=make_cause())
    donation = reward_redeem(member=customer, reward=meal, channel=RedemptionChannel.ONLINE)
    client.force_login(staff_user)
    points = donation.points

    html = client.post(void_url(donation)).content.decode()

    assert "<h1>Void this donation?</h1>" in html
    assert _buttons(html) == [
        "a|button|Keep the donation",
        f"button|button button--danger|Void the donation and give back {points} points",
    ]
    assert Redemption.objects.get(pk=donation.pk).status == donation.status


# --- from the voucher check page ----------------------------------------------------------


def test_the_voucher_pages_void_shows_the_confirmation_with_the_reason_carried(
    client, staff_user, customer, pastry, voucher
):
    client.force_login(staff_user)
    before = _everything(customer, pastry)

    response = client.post(VOID, {"code": voucher.code, "reason": "  Asked to cancel  "})

    assert response.status_code == 200
    assert _templates(response)[0] == "desk/redemption_void_confirm.html"
    html = response.content.decode()
    assert f'data-testid="confirm-code">{voucher_code_format(voucher.code)}<' in html
    assert 'data-testid="confirm-points">150<' in html
    assert 'data-testid="confirm-balance">350 now, 500 after<' in html
    assert 'data-testid="confirm-reason">Asked to cancel<' in html
    assert f'<form method="post" action="{VOID}"' in html
    assert f'<input type="hidden" name="code" value="{voucher.code}">' in html
    assert '<input type="hidden" name="reason" value="Asked to cancel">' in html
    assert _buttons(html) == [
        "a|button|Keep the voucher",
        "button|button button--danger|Void the voucher and give back 150 points",
    ]
    assert f'<a class="button" href="{voucher_url(voucher)}">' in html
    assert 'name="confirm" value="void_voucher"' in html
    _nothing_changed(customer, pastry, before)


def test_confirming_the_voucher_pages_void_gives_the_points_back_exactly(
    client, staff_user, customer, pastry, voucher
):
    client.force_login(staff_user)
    page = client.post(VOID, {"code": voucher.code, "reason": "Asked to cancel"})
    carried = dict(
        re.findall(r'<input type="hidden" name="(code|reason)" value="([^"]*)">', page.text)
    )

    response = client.post(VOID, {**carried, **CONFIRM_VOUCHER}, follow=True)

    assert carried == {"code": voucher.code, "reason": "Asked to cancel"}
    assert response.redirect_chain == [(voucher_url(voucher), 302)]
    assert _messages(response) == [
        "Free pastry voided: 150 points are back on Alice Andersen's balance."
    ]
    assert "This voucher was cancelled." in response.content.decode()
    voucher.refresh_from_db()
    assert (voucher.status, voucher.voided_by, voucher.void_reason) == (
        RedemptionStatus.VOID,
        staff_user,
        "Asked to cancel",
    )
    assert state(customer) == (500, 0, 0, 3)
    assert Reward.objects.get(pk=pastry.pk).stock == 10
    assert_ledger_adds_up(customer)
    assert ledger_problems() == []


def test_a_voucher_pages_void_confirmed_twice_voids_once(
    client, staff_user, customer, pastry, voucher
):
    client.force_login(staff_user)
    data = {"code": voucher.code, **CONFIRM_VOUCHER}

    first = client.post(VOID, data, follow=True)
    after_first = _everything(customer, pastry)
    second = client.post(VOID, data, follow=True)

    assert _messages(first) == [
        "Free pastry voided: 150 points are back on Alice Andersen's balance."
    ]
    assert _messages(second) == ["This voucher is already void."]
    assert second.redirect_chain == [(voucher_url(voucher), 302)]
    assert state(customer) == (500, 0, 0, 3)
    _nothing_changed(customer, pastry, after_first)


@pytest.mark.parametrize("data", FORGED, ids=range(len(FORGED)))
def test_a_forged_confirm_on_the_voucher_page_never_voids(
    client, staff_user, customer, pastry, voucher, data
):
    client.force_login(staff_user)
    before = _everything(customer, pastry)

    response = client.post(VOID, {"code": voucher.code, **data})

    assert response.status_code == 200
    assert _templates(response)[0] == "desk/redemption_void_confirm.html"
    _nothing_changed(customer, pastry, before)


@pytest.mark.parametrize("confirm", [{}, CONFIRM_VOUCHER], ids=["page", "confirmed"])
def test_staff_without_the_void_permission_get_403_from_the_voucher_page(
    client, no_void_staff, customer, pastry, voucher, confirm
):
    client.force_login(no_void_staff)
    before = _everything(customer, pastry)

    page = client.get(VOUCHERS, {"code": voucher.code})
    response = client.post(VOID, {"code": voucher.code, **confirm})

    assert page.status_code == 200
    assert f'action="{VOID}"' not in page.content.decode()
    assert response.status_code == 403
    assert "Free pastry" not in response.content.decode()
    _nothing_changed(customer, pastry, before)


@pytest.mark.parametrize("confirm", [{}, CONFIRM_VOUCHER], ids=["page", "confirmed"])
def test_a_used_voucher_is_refused_on_the_voucher_page_before_and_after_confirming(
    client, staff_user, store, customer, pastry, voucher, confirm
):
    voucher_use(code=voucher.code, actor=staff_user, store=store)
    client.force_login(staff_user)
    before = _everything(customer, pastry)

    response = client.post(VOID, {"code": voucher.code, **confirm})

    assert response.status_code == 200
    assert _templates(response)[0] == "desk/voucher_check.html"
    assert (
        "Used or expired vouchers cannot be voided; a counter redemption only by its staff "
        "member and a donation only within 15 minutes." in response.content.decode()
    )
    _nothing_changed(customer, pastry, before)


def test_over_the_lookup_limit_the_voucher_void_is_refused_before_and_after_confirming(
    client, staff_user, customer, pastry, time_machine
):
    # On a minute's boundary, so the 30 lookups fall in one window of the limit.
    time_machine.move_to(
        timezone.now().replace(second=0, microsecond=0) + datetime.timedelta(minutes=1), tick=False
    )
    give_points(customer, 500)
    voucher = reward_redeem(member=customer, reward=pastry, channel=RedemptionChannel.ONLINE)
    client.force_login(staff_user)
    before = _everything(customer, pastry)
    checks = [client.get(VOUCHERS, {"code": voucher.code}).status_code for _ in range(31)]

    page = client.post(VOID, {"code": voucher.code})
    confirmed = client.post(VOID, {"code": voucher.code, **CONFIRM_VOUCHER})

    assert checks == [200] * 30 + [429]
    assert (page.status_code, confirmed.status_code) == (429, 429)
    assert voucher_code_format(voucher.code) not in page.content.decode()
    _nothing_changed(customer, pastry, before)
