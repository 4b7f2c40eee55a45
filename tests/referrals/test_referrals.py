import datetime
import re
from decimal import Decimal

import pytest
import time_machine
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from loyalty.models import EntryKind, OutboxEmail, PointsEntry
from members.models import Member
from referrals.codes import email_canonical, referral_code_normalize
from referrals.exceptions import (
    AlreadyReferred,
    InvalidReferralCode,
    ReviewNotAllowed,
    SelfReferral,
)
from referrals.models import Referral, ReferralStatus
from referrals.services import (
    referral_approve,
    referral_attach,
    referral_code_find,
    referral_code_for,
    referral_reject,
    referral_settings_get,
)
from tests.factories import create_customer
from tests.loyalty.points import base_rule, buy, line, state

SIGNUP = {
    "first_name": "Fiona",
    "last_name": "Fischer",
    "email": "fiona@example.com",
    "password1": "a-long-enough-secret",
    "password2": "a-long-enough-secret",
}


@pytest.fixture
def rules(db):
    base_rule("1")
    settings = referral_settings_get()
    settings.referrer_points, settings.friend_points = 200, 100
    settings.qualifying_amount, settings.qualifying_days = Decimal("20"), 30
    # Rewards at once, unless a test is about the return window.
    settings.return_window_days = 0
    settings.save()
    return settings


@pytest.fixture
def code(customer):
    return referral_code_for(member=customer).code


def friend_of(customer, email="fiona@example.com", **kwargs):
    friend = create_customer(email=email, first_name="Fiona", last_name="Fischer", **kwargs)
    referral_attach(friend=friend, code=referral_code_for(member=customer).code, ip="10.0.0.1")
    return friend


def test_emails_are_compared_by_the_mailbox_they_reach():
    assert email_canonical("J.Doe+promo@GoogleMail.com") == "jdoe@gmail.com"
    assert email_canonical("jane+x@outlook.com") == "jane@outlook.com"
    assert email_canonical("j.doe+x@example.com") == "j.doe+x@example.com"


@pytest.mark.django_db
def test_codes_are_short_readable_and_case_insensitive(customer, other_customer):
    first = referral_code_for(member=customer)
    again = referral_code_for(member=customer)

    assert first.pk == again.pk
    assert len(first.code) == 7
    assert not set("01ILOU") & set(first.code)
    assert referral_code_for(member=other_customer).code != first.code
    assert referral_code_find(code=f" {first.code.lower()[:3]}-{first.code.lower()[3:]} ") == first
    assert referral_code_normalize("ab-c d") == "ABCD"


@pytest.mark.django_db
def test_the_landing_page_remembers_the_code_and_counts_the_visit(client, customer, code, rules):
    response = client.get(reverse("referrals:landing", args=[code.lower()]))

    assert response.status_code == 200
    assert "A friend invited you" in response.content.decode()
    assert "Alice" not in response.content.decode()
    assert "200" in response.content.decode()
    assert "loyalty_referral" in response.cookies
    assert referral_code_find(code=code).link_opens == 1


@pytest.mark.django_db
def test_the_landing_page_is_rate_limited_per_client_ip(client, customer, code, rules):
    for garbage in range(30):
        assert client.get(reverse("referrals:landing", args=[f"NOPE{garbage}"])).status_code == 404

    response = client.get(reverse("referrals:landing", args=[code]))

    assert response.status_code == 429
    assert "loyalty_referral" not in response.cookies
    assert referral_code_find(code=code).link_opens == 0


@pytest.mark.django_db
@pytest.mark.parametrize("garbage", ["NOPE123", "x", "<script>", "%20"])
def test_an_unknown_code_shows_a_friendly_page(client, garbage):
    response = client.get(reverse("referrals:landing", args=[garbage]))

    assert response.status_code == 404
    assert "We couldn't find that invitation" in response.content.decode()
    assert "loyalty_referral" not in response.cookies


@pytest.mark.django_db
def test_attribution_survives_sign_up_with_email_verification_days_later(
    client, customer, code, rules, store
):
    start = timezone.now()
    client.get(reverse("referrals:landing", args=[code]))

    with time_machine.travel(start + datetime.timedelta(days=5)):
        page = client.get(reverse("account_signup"))
        assert page.context["form"].initial["referral_code"] == code
        assert "A friend invited you" in page.content.decode()
        assert "Alice" not in page.content.decode()
        client.post(reverse("account_signup"), {**SIGNUP, "referral_code": code})
        confirm = re.search(
            r"https?://[^/]+(/accounts/confirm-email/[^\s]+/)", mail.outbox[-1].body
        )
        client.post(confirm.group(1))

        friend = Member.objects.get(user__email="fiona@example.com")
        referral = Referral.objects.get(friend=friend)
        assert (referral.referrer, referral.status, referral.code) == (
            customer,
            ReferralStatus.SIGNED_UP,
            code,
        )

        buy(friend, store, "till-1", line("25"))

    referral.refresh_from_db()
    assert referral.status == ReferralStatus.REWARDED
    assert state(friend) == (125, 0, 0, 2)
    assert state(customer) == (200, 0, 0, 1)


@pytest.mark.django_db
def test_an_expired_invitation_cookie_is_not_used(client, customer, code, rules):
    client.get(reverse("referrals:landing", args=[code]))

    with time_machine.travel(timezone.now() + datetime.timedelta(days=31)):
        client.post(reverse("account_signup"), SIGNUP)

    assert Referral.objects.count() == 0


@pytest.mark.django_db
def test_a_code_typed_at_sign_up_is_used(client, customer, code, rules):
    client.post(reverse("account_signup"), {**SIGNUP, "referral_code": code.lower()})

    assert Referral.objects.get().referrer == customer


@pytest.mark.django_db
def test_an_unknown_typed_code_is_refused_and_nothing_is_created(client, customer, rules):
    response = client.post(reverse("account_signup"), {**SIGNUP, "referral_code": "WRONG99"})

    assert response.status_code == 200
    assert response.context["form"].errors["referral_code"] == [
        "We don't know that referral code. Check it, or leave the field empty."
    ]
    assert Member.objects.count() == 1
    assert Referral.objects.count() == 0


@pytest.mark.django_db
def test_qualification_credits_both_sides_once(customer, rules, store):
    friend = friend_of(customer)

    purchase = buy(friend, store, "till-1", line("30"))
    buy(friend, store, "till-1", line("30"))  # the till retries
    buy(friend, store, "till-2", line("40"))  # a second purchase

    referral = Referral.objects.get()
    assert (referral.status, referral.qualifying_purchase) == (ReferralStatus.REWARDED, purchase)
    assert state(customer) == (200, 0, 0, 1)
    assert state(friend) == (170, 0, 0, 3)
    kinds = PointsEntry.objects.filter(
        kind__in=[EntryKind.REFERRAL_FRIEND, EntryKind.REFERRAL_REFERRER]
    )
    assert sorted(kinds.values_list("kind", "points")) == [
        (EntryKind.REFERRAL_FRIEND, 100),
        (EntryKind.REFERRAL_REFERRER, 200),
    ]
    assert (
        OutboxEmail.objects.get(key=f"referral-rewarded:{referral.pk}").to_email
        == "alice@example.com"
    )


@pytest.mark.django_db
def test_small_or_late_purchases_do_not_qualify(customer, rules, store):
    friend = friend_of(customer)

    buy(friend, store, "till-1", line("19.99"))
    assert Referral.objects.get().status == ReferralStatus.SIGNED_UP

    with time_machine.travel(timezone.now() + datetime.timedelta(days=31)):
        buy(friend, store, "till-2", line("50"))

    assert Referral.objects.get().status == ReferralStatus.SIGNED_UP
    assert state(customer) == (0, 0, 0, 0)


@pytest.mark.django_db
def test_self_referral_is_refused_or_rejected_with_the_reason(customer, code, rules, store):
    with pytest.raises(SelfReferral):
        referral_attach(friend=customer, code=code)
    twin = create_customer(email="Alice+second@example.com")
    referral_code_for(member=customer)
    gmail_owner = create_customer(email="a.lice@gmail.com")
    gmail_twin = create_customer(email="alice+2@googlemail.com")

    same_email = referral_attach(friend=twin, code=code)
    same_gmail = referral_attach(friend=gmail_twin, code=referral_code_for(member=gmail_owner).code)

    assert twin.user.email == "alice+second@example.com"
    assert same_email.status == ReferralStatus.SIGNED_UP  # not a provider known to drop +tags
    assert same_gmail.status == ReferralStatus.REJECTED
    assert same_gmail.reasons == ["The friend's email address is the inviting member's own."]
    buy(gmail_twin, store, "till-1", line("50"))
    assert state(gmail_owner) == (0, 0, 0, 0)


@pytest.mark.django_db
def test_an_existing_member_cannot_be_referred(customer, code, rules, store):
    with time_machine.travel(timezone.now() - datetime.timedelta(days=10)):
        old_member = create_customer(email="old@example.com")
    buyer = create_customer(email="buyer@example.com")
    buy(buyer, store, "till-1", line("10"))

    assert referral_attach(friend=old_member, code=code).reasons == [
        "The friend was already a member before the invitation."
    ]
    assert referral_attach(friend=buyer, code=code).status == ReferralStatus.REJECTED
    with pytest.raises(AlreadyReferred):
        referral_attach(friend=buyer, code=code)
    with pytest.raises(InvalidReferralCode):
        referral_attach(friend=create_customer(), code="NOPE999")


@pytest.mark.django_db
def test_too_many_sign_ups_from_one_ip_are_flagged_then_reviewed(
    customer, code, rules, store, manager_user
):
    settings = referral_settings_get()
    settings.signups_per_ip_per_day = 2
    settings.save()
    friends = [create_customer() for _ in range(3)]
    for friend in friends:
        referral_attach(friend=friend, code=code, ip="203.0.113.9")

    flags = list(Referral.objects.order_by("pk").values_list("is_flagged", flat=True))
    assert flags == [False, False, True]
    flagged = Referral.objects.get(is_flagged=True)
    buy(friends[2], store, "till-1", line("50"))
    flagged.refresh_from_db()
    assert flagged.status == ReferralStatus.QUALIFIED
    assert state(customer) == (0, 0, 0, 0)

    approved = referral_approve(referral=flagged, actor=manager_user)

    assert (approved.status, approved.reviewed_by) == (ReferralStatus.REWARDED, manager_user)
    assert state(customer) == (200, 0, 0, 1)
    with pytest.raises(ReviewNotAllowed):
        referral_reject(referral=approved, actor=manager_user)


@pytest.mark.django_db
def test_behind_the_trusted_proxy_sign_ups_count_per_forwarded_address(
    customer, code, rules, settings
):
    """Behind the README's proxy every request comes from the proxy's address; the per-IP
    check must count the address the proxy forwards, as the rate limits do."""
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    referral_settings = referral_settings_get()
    referral_settings.signups_per_ip_per_day = 2
    referral_settings.save()
    forwarded = ["198.51.100.1", "198.51.100.2", "198.51.100.3", "198.51.100.1", "198.51.100.1"]

    for number, address in enumerate(forwarded):
        response = Client().post(
            reverse("account_signup"),
            {**SIGNUP, "email": f"friend{number}@example.com", "referral_code": code},
            REMOTE_ADDR="10.0.0.2",
            HTTP_X_FORWARDED_FOR=f"203.0.113.50, {address}",
        )
        assert response.status_code == 302

    referrals = Referral.objects.order_by("pk")
    assert list(referrals.values_list("signup_ip", "is_flagged")) == [
        ("198.51.100.1", False),
        ("198.51.100.2", False),
        ("198.51.100.3", False),
        ("198.51.100.1", False),
        ("198.51.100.1", True),
    ]


@pytest.mark.django_db
def test_over_the_monthly_cap_waits_for_review_and_can_be_rejected(
    customer, code, rules, store, manager_user
):
    settings = referral_settings_get()
    settings.monthly_cap = 1
    settings.save()
    first, second = friend_of(customer, "f1@example.com"), friend_of(customer, "f2@example.com")

    buy(first, store, "till-1", line("50"))
    buy(second, store, "till-2", line("50"))

    capped = Referral.objects.get(friend=second)
    assert (capped.status, capped.is_flagged) == (ReferralStatus.QUALIFIED, True)
    assert capped.reasons == ["Over the monthly cap of 1 rewarded referrals."]
    rejected = referral_reject(referral=capped, actor=manager_user, reason="Looks like a ring")
    assert rejected.status == ReferralStatus.REJECTED
    assert rejected.reasons[-1] == "Looks like a ring"
    assert state(customer) == (200, 0, 0, 1)
    assert state(second) == (50, 0, 0, 1)


@pytest.mark.django_db
def test_my_referrals_page_shows_friends_by_first_name_and_initial(client, customer, rules, store):
    friend = friend_of(customer)
    buy(friend, store, "till-1", line("30"))
    friend_of(customer, "g@example.com")
    client.force_login(customer.user)

    response = client.get(reverse("referrals:mine"))

    html = response.content.decode()
    assert response.status_code == 200
    code = referral_code_for(member=customer).code
    assert f'data-testid="referral-code">{code}<' in html
    assert f"http://testserver/r/{code}/" in html
    assert html.count("Fiona F.") == 2
    assert "Fischer" not in html
    assert "fiona@example.com" not in html
    assert 'data-testid="referral-points">200<' in html


@pytest.mark.django_db
def test_my_referrals_needs_a_login(client):
    response = client.get(reverse("referrals:mine"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_the_referrers_email_does_not_echo_what_the_friend_typed(customer, rules, store):
    friend = create_customer(email="spam@example.com", first_name="Win a prize at evil.example")
    referral_attach(friend=friend, code=referral_code_for(member=customer).code, ip="10.0.0.1")

    buy(friend, store, "till-1", line("30"))

    email = OutboxEmail.objects.get(key__startswith="referral-rewarded:")
    assert email.subject == "A friend you invited joined — you earned 200 points"
    assert "A friend you invited made their first purchase" in email.body_text
    assert all(
        "evil.example" not in text for text in (email.subject, email.body_text, email.body_html)
    )
