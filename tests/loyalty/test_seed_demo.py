import datetime

import pytest
from django.core.management import call_command
from django.urls import reverse

from loyalty.management.demo_translations import TRANSLATED
from loyalty.models import PointsAccount, Store
from members.models import Member, User
from referrals.models import Referral
from rewards.models import Reward


@pytest.fixture(autouse=True)
def _media(media_root):
    """The demo's reward pictures land in the test's folder."""


def _counts() -> tuple[int, int, int, int]:
    return (
        User.objects.count(),
        Member.objects.count(),
        PointsAccount.objects.count(),
        Store.objects.count(),
    )


@pytest.mark.django_db
def test_seed_demo_is_idempotent():
    call_command("seed_demo", stdout=None)
    first = _counts()
    alice_card = Member.objects.get(user__email="alice@example.com").card_number

    call_command("seed_demo")

    assert first == (9, 7, 7, 2)
    assert _counts() == first
    assert Member.objects.get(user__email="alice@example.com").card_number == alice_card


@pytest.mark.django_db
def test_demo_logins_reach_their_pages(client, settings):
    # The demo (local settings) signs in with the password alone.
    settings.LOYALTY_MFA_REQUIRED = False
    call_command("seed_demo")
    alice = Member.objects.get(user__email="alice@example.com")

    assert client.login(email="alice@example.com", password="loyalty-demo")
    assert client.get(reverse("members:card")).status_code == 200
    client.logout()

    assert client.login(email="staff@example.com", password="loyalty-demo")
    found = client.get(reverse("staff:desk"), {"q": alice.card_number})
    assert found["Location"] == reverse("staff:member", args=[alice.card_number])
    assert client.get(reverse("admin:index")).status_code == 302
    client.logout()

    assert client.login(email="manager@example.com", password="loyalty-demo")
    assert client.get(reverse("admin:index")).status_code == 200


@pytest.mark.django_db
def test_with_two_factor_required_the_demo_manager_is_sent_to_turn_it_on(client):
    call_command("seed_demo")

    assert client.login(email="manager@example.com", password="loyalty-demo")

    assert client.get(reverse("admin:index"))["Location"] == reverse("mfa_activate_totp")


@pytest.mark.django_db
def test_demo_data_has_rules_purchases_and_a_partial_return_and_audits_clean(capsys):
    from loyalty.models import EarningRule, Purchase, PurchaseReturn
    from rewards.models import Reward, RewardKind

    call_command("seed_demo")
    call_command("seed_demo")
    capsys.readouterr()

    alice = Member.objects.get(user__email="alice@example.com")
    assert EarningRule.objects.count() == 7
    assert Purchase.objects.filter(member=alice).count() == 3
    assert PurchaseReturn.objects.count() == 1
    returned = Purchase.objects.get(external_id="demo-1003")
    assert returned.points_reversed > 0
    assert returned.points_reversed < returned.points
    account = PointsAccount.objects.get(member=alice)
    earned = sum(
        purchase.points - purchase.points_reversed
        for purchase in Purchase.objects.filter(member=alice)
    )
    assert account.balance == earned - 80  # her pastry voucher
    # Greta's referral is rewarded, pending until her purchase's 14-day return window passes.
    greta_referral = Referral.objects.get(friend__user__email="greta@example.com")
    lot = greta_referral.referrer_lot
    assert (greta_referral.status, lot.points, lot.is_pending) == ("rewarded", 200, True)
    assert lot.available_at == (
        greta_referral.qualifying_purchase.recorded_at + datetime.timedelta(days=14)
    )
    assert list(alice.redemptions.values_list("reward__slug", "status")) == [
        ("free-pastry", "issued")
    ]
    assert Reward.objects.count() == 10
    assert set(Reward.objects.values_list("kind", flat=True)) == set(RewardKind.values)
    call_command("points_audit")
    assert capsys.readouterr().out.strip() == "7 accounts checked, 0 mismatches"


@pytest.mark.django_db
def test_the_demo_reads_whole_in_chinese_and_turkish():
    call_command("seed_demo")

    untranslated = [
        (model.__name__, row.pk)
        for model, fields in TRANSLATED
        for row in model.objects.all()
        for field in fields
        if getattr(row, f"{field}_en")
        and not (getattr(row, f"{field}_zh_hans") and getattr(row, f"{field}_tr"))
    ]
    coffee = Reward.objects.get(slug="free-filter-coffee")

    assert untranslated == []
    assert (coffee.name_en, coffee.name_zh_hans, coffee.name_tr) == (
        "Free filter coffee",
        "免费滴滤咖啡",
        "Bedava filtre kahve",
    )
