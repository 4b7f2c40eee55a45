"""A crawl of the forms with hostile input: a clear answer every time, never a 500, nothing written.

Each form is posted with values that are negative, huge, non-numeric, over-long, full of control
characters, or in the wrong time zone; the site must answer below 500 and record nothing.
"""

import pytest
from django.urls import reverse

from engagement.services.checkout import checkout_purchase
from loyalty.models import PointsEntry, Purchase
from members.models import Member
from members.services import member_profile_update
from rewards.models import Redemption, RedemptionChannel
from rewards.services import reward_redeem
from tests.loyalty.points import base_rule, line
from tests.rewards.catalogue import give_points, make_reward

HOSTILE = [
    "-1",
    "0",
    "1e309",
    "99999999999999999999999999",
    "NaN",
    "Infinity",
    "abc",
    "\uff11\uff12",  # full-width digits
    "\uff11\uff12\uff13\uff14\uff15\uff16",  # six of them, as a phone code
    "\u0665\u0665\u0665\u0660\u0661\u0660\u0660\u0660\u0660\u0662",  # Arabic-Indic digits
    "\x00\x01\x02",
    "a" * 5000,
    "<script>alert(1)</script>",
    "'; DROP TABLE loyalty_pointsentry; --",
    "2026-13-45T25:61:00+99:00",
    "\u202e\u200b",
    "",
]


def _snapshot():
    return (
        Purchase.objects.count(),
        PointsEntry.objects.count(),
        sorted(Redemption.objects.values_list("pk", "status")),
        list(Member.objects.order_by("pk").values_list("phone", "phone_verified_at")),
    )


@pytest.fixture
def world(customer, store, staff_user, manager_user):
    base_rule("1")
    give_points(customer, 100)
    # A number waiting for its code, so that the code page checks what is typed.
    member_profile_update(
        member=customer,
        first_name="Alice",
        last_name="Andersen",
        phone="+15550100002",
        birthday=None,
        reminder_emails=True,
        marketing_emails=False,
    )
    # A desk purchase above the program's total limit, held for a manager's review.
    held = checkout_purchase(
        member=customer, store=store, external_id="held-1", lines=[line("9000")], actor=staff_user
    ).purchase
    assert held.is_held
    reward = make_reward("coffee", points_cost=50, stock=5)
    # A voucher a void could give back: the void confirmations are posted at it.
    voucher = reward_redeem(member=customer, reward=reward, channel=RedemptionChannel.ONLINE)
    return reward, held, voucher


def _confirm(value: str) -> dict:
    return {"confirm": value}


def _forms(customer, world):
    reward, held, voucher = world
    card = customer.card_number
    return [
        ("manager", reverse("review:index"), None),
        (
            "manager",
            reverse("review:decide", args=[held.pk]),
            lambda value: {"decision": value, "note": value},
        ),
        (
            "staff",
            reverse("staff_points:purchase_new", args=[card]),
            lambda value: {
                "receipt_key": value,
                "receipt_number": value,
                "lines-TOTAL_FORMS": "1",
                "lines-INITIAL_FORMS": "0",
                "lines-MIN_NUM_FORMS": "0",
                "lines-MAX_NUM_FORMS": "50",
                "lines-0-description": value,
                "lines-0-category": value,
                "lines-0-quantity": value,
                "lines-0-amount": value,
            },
        ),
        (
            "staff",
            reverse("staff_points:purchase_preview", args=[card]),
            lambda value: {
                "lines-TOTAL_FORMS": "1",
                "lines-INITIAL_FORMS": "0",
                "lines-0-quantity": value,
                "lines-0-amount": value,
            },
        ),
        (
            "manager",
            reverse("staff_points:adjust", args=[card]),
            lambda value: {"points": value, "reason": value, "request_key": value},
        ),
        # The confirmation steps: a hostile `confirm` value is never a confirmation.
        ("staff", reverse("staff_points:purchase_void", args=[card, held.pk]), _confirm),
        (
            "staff",
            reverse("staff_points:purchase_return", args=[card, held.pk]),
            lambda value: {
                "return_key": value,
                "confirm": value,
                "edit": value,
                **{f"line_{pk}": value for pk in held.lines.values_list("pk", flat=True)},
            },
        ),
        (
            "staff",
            reverse("staff_rewards:redeem_confirm", args=[card, reward.pk]),
            lambda value: {"steps": value, "request_key": value, "confirm": value},
        ),
        (
            "staff",
            reverse("staff_rewards:redemption_void", args=[card, voucher.pk]),
            lambda value: {"confirm": value, "reason": value},
        ),
        (
            "staff",
            reverse("staff_rewards:voucher_void"),
            lambda value: {"code": voucher.code, "confirm": value, "reason": value},
        ),
        ("staff", reverse("staff_rewards:voucher_void"), lambda value: {"code": value}),
        ("staff", reverse("staff:desk"), None),
        ("staff", reverse("staff_rewards:vouchers"), None),
        ("staff", reverse("staff_rewards:voucher_use"), lambda value: {"code": value}),
        (
            "customer",
            reverse("rewards:detail", args=[reward.slug]),
            lambda value: {"steps": value, "request_key": value},
        ),
        (
            "customer",
            reverse("members:profile"),
            lambda value: {
                "first_name": value,
                "last_name": value,
                "phone": value,
                "birthday": value,
            },
        ),
        ("customer", reverse("members:phone_verify"), lambda value: {"code": value}),
        ("customer", reverse("members:phone_code_resend"), lambda value: {"code": value}),
        ("customer", reverse("members:close_account"), lambda value: {"password": value}),
        (
            "anonymous",
            reverse("account_signup"),
            lambda value: {
                "first_name": value,
                "last_name": value,
                "email": value,
                "password1": value,
                "password2": value,
                "referral_code": value,
            },
        ),
        ("anonymous", reverse("account_login"), lambda value: {"login": value, "password": value}),
        ("anonymous", reverse("account_reset_password"), lambda value: {"email": value}),
        # Two-factor sign-in: a code at sign-in, when asked again, when turning an app on.
        ("anonymous", reverse("mfa_authenticate"), lambda value: {"code": value}),
        ("manager", reverse("mfa_reauthenticate"), lambda value: {"code": value}),
        ("customer", reverse("mfa_activate_totp"), lambda value: {"code": value}),
        (
            "anonymous",
            reverse("unsubscribe", args=["not-a-real-token"]),
            lambda value: {},
        ),
        (
            "anonymous",
            reverse("survey", args=["not-a-real-token"]),
            lambda value: {"score": value},
        ),
        ("anonymous", reverse("rewards:list"), None),
    ]


def _filters(world):
    """Pages whose GET form filters what they show: every field gets the value at once."""
    return [
        (
            "manager",
            reverse("activity:index"),
            lambda value: {
                "kind": value,
                "store": value,
                "staff": value,
                "api_key": value,
                "date_from": value,
                "date_to": value,
                "page": value,
            },
        ),
        ("manager", reverse("review:index"), lambda value: {"days": value, "page": value}),
        # The shift summary: a manager's day and store; staff's are ignored, never an error.
        ("manager", reverse("staff:shift"), lambda value: {"day": value, "store": value}),
        ("staff", reverse("staff:shift"), lambda value: {"day": value, "store": value}),
    ]


@pytest.mark.django_db
@pytest.mark.parametrize("value", HOSTILE, ids=range(len(HOSTILE)))
def test_hostile_values_never_cause_a_500_nor_a_write(
    client, world, customer, staff_user, manager_user, value
):
    users = {"customer": customer.user, "staff": staff_user, "manager": manager_user}
    before = _snapshot()

    for who, url, payload in _forms(customer, world):
        if who == "anonymous":
            client.logout()
        else:
            client.force_login(users[who])
        if payload is None:
            response = client.get(url, {"q": value, "code": value})
        else:
            response = client.post(url, payload(value))
        assert response.status_code < 500, (url, value, response.status_code)
    for who, url, query in _filters(world):
        client.force_login(users[who])
        response = client.get(url, query(value))
        assert response.status_code == 200, (url, value, response.status_code)

    assert _snapshot() == before
    held = world[1]
    held.refresh_from_db()
    assert held.is_held
