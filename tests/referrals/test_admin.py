import pytest
from django.urls import reverse

from referrals.models import Referral, ReferralStatus
from referrals.services import referral_attach, referral_code_for, referral_settings_get
from tests.factories import create_customer
from tests.loyalty.points import base_rule, buy, line, state


@pytest.fixture
def flagged(customer, store):
    base_rule("1")
    settings = referral_settings_get()
    settings.signups_per_ip_per_day = 0
    settings.return_window_days = 0
    settings.save()
    code = referral_code_for(member=customer).code
    friends = [create_customer(email=f"f{index}@example.com") for index in range(3)]
    for friend in friends:
        referral_attach(friend=friend, code=code, ip="198.51.100.7")
    buy(friends[0], store, "till-1", line("50"))
    return list(Referral.objects.order_by("pk"))


@pytest.mark.django_db
def test_the_review_queue_lists_flagged_referrals_with_their_reasons(client, manager_user, flagged):
    client.force_login(manager_user)

    response = client.get(reverse("admin:referrals_referral_changelist"), {"review": "waiting"})

    assert response.status_code == 200
    assert response.context["cl"].result_count == 3
    assert (
        "More than 0 sign-ups with this code from 198.51.100.7 in a day."
        in response.content.decode()
    )


@pytest.mark.django_db
def test_bulk_approve_rewards_the_qualified_and_clears_the_rest(
    client, manager_user, customer, flagged
):
    client.force_login(manager_user)

    client.post(
        reverse("admin:referrals_referral_changelist"),
        {"action": "approve", "_selected_action": [referral.pk for referral in flagged]},
    )

    statuses = list(Referral.objects.order_by("pk").values_list("status", "is_flagged"))
    assert statuses == [
        (ReferralStatus.REWARDED, False),
        (ReferralStatus.SIGNED_UP, False),
        (ReferralStatus.SIGNED_UP, False),
    ]
    assert state(customer) == (200, 0, 0, 1)


@pytest.mark.django_db
def test_bulk_reject_leaves_rewarded_ones_alone(client, manager_user, customer, flagged):
    from referrals.services import referral_approve

    referral_approve(referral=flagged[0], actor=manager_user)
    client.force_login(manager_user)

    response = client.post(
        reverse("admin:referrals_referral_changelist"),
        {"action": "reject", "_selected_action": [referral.pk for referral in flagged]},
        follow=True,
    )

    statuses = list(Referral.objects.order_by("pk").values_list("status", flat=True))
    assert statuses == [ReferralStatus.REWARDED, ReferralStatus.REJECTED, ReferralStatus.REJECTED]
    assert "1 referral was already rewarded or rejected" in response.content.decode()
    assert state(customer) == (200, 0, 0, 1)


@pytest.mark.django_db
def test_store_staff_cannot_review(client, staff_user, flagged):
    client.force_login(staff_user)

    response = client.get(reverse("admin:referrals_referral_changelist"))

    assert response.status_code == 302
    assert Referral.objects.filter(status=ReferralStatus.REWARDED).count() == 0


@pytest.mark.django_db
def test_referral_settings_open_as_one_row(client, manager_user):
    client.force_login(manager_user)

    response = client.get(reverse("admin:referrals_referralsettings_changelist"))

    assert response.status_code == 302
    assert response["Location"] == reverse("admin:referrals_referralsettings_change", args=[1])
    assert client.get(response["Location"]).status_code == 200
