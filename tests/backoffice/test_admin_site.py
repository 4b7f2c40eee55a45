"""The admin by task: what a program manager may do with each registered model (the cases are
generated from the admin's registry, so a new model cannot ship unplaced), the sections and
their order, the System section for superusers only, the program's name and today's figures."""

import datetime

import pytest
import time_machine
from django.contrib import admin
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from engagement.services.checkout import checkout_purchase
from loyalty.backoffice.admin_site import SECTIONS, SYSTEM, section_of
from loyalty.backoffice.dashboard import dashboard_figures
from loyalty.models import OutboxEmail, OutboxStatus, ProgramSettings
from loyalty.services.program import program_settings_forget
from tests.factories import create_customer, create_manager, create_staff
from tests.loyalty.points import base_rule, line
from tests.roles import roles_restore

pytestmark = pytest.mark.django_db

VIEW, ADD, CHANGE, DELETE = "view", "add", "change", "delete"
# What the "Program managers" group may do with each model of the admin: the program's content
# is theirs to edit, what members and tills make (purchases, redemptions, answers) theirs to
# read, and nothing of the System section (internal tables) at all.
MANAGER_RIGHTS = {
    "rewards.Reward": {VIEW, ADD, CHANGE},
    "rewards.RewardCategory": {VIEW, ADD, CHANGE, DELETE},
    "rewards.Cause": {VIEW, ADD, CHANGE},
    "rewards.Redemption": {VIEW},
    "loyalty.EarningRule": {VIEW, ADD, CHANGE, DELETE},
    "loyalty.ProductCategory": {VIEW, ADD, CHANGE, DELETE},
    "loyalty.Tier": {VIEW, ADD, CHANGE},
    "loyalty.ProgramSettings": {VIEW, CHANGE},
    "members.Member": {VIEW, CHANGE},
    "loyalty.PointsAccount": {VIEW},
    "loyalty.Purchase": {VIEW},
    "loyalty.TierChange": {VIEW},
    "engagement.Challenge": {VIEW, ADD, CHANGE},
    "engagement.SurveyInvitation": {VIEW},
    "referrals.Referral": {VIEW, CHANGE},
    "referrals.ReferralCode": {VIEW},
    "referrals.ReferralSettings": {VIEW, CHANGE},
    "loyalty.Store": {VIEW, ADD, CHANGE},
    "members.User": {VIEW, ADD, CHANGE},
}
SYSTEM_MODELS = {
    "auth.Group",
    "account.EmailAddress",
    "mfa.Authenticator",
    "loyalty.ApiKey",
    "loyalty.PointsEntry",
    "loyalty.PointsLot",
    "loyalty.OutboxEmail",
    "loyalty.OutboxPush",
    "members.WalletPass",
}
REGISTRY = sorted(
    ((model._meta.label, model_admin) for model, model_admin in admin.site._registry.items()),
    key=lambda item: item[0],
)


def _rights(model_admin, user) -> set[str]:
    request = RequestFactory().get("/admin/")
    request.user = user
    return {
        right
        for right in (VIEW, ADD, CHANGE, DELETE)
        if getattr(model_admin, f"has_{right}_permission")(request)
    }


@pytest.fixture
def manager(store):
    roles_restore()
    return create_manager(email="morgan@example.com", store=store)


def test_every_registered_model_is_placed_once():
    labels = {label for label, _model_admin in REGISTRY}
    in_sections = [label for section in SECTIONS for label in section.models]

    assert len(in_sections) == len(set(in_sections))
    assert set(in_sections) == set(MANAGER_RIGHTS)
    assert labels == set(MANAGER_RIGHTS) | SYSTEM_MODELS
    assert {label for label in labels if section_of(label) is SYSTEM} == SYSTEM_MODELS


@pytest.mark.parametrize(("label", "model_admin"), REGISTRY, ids=[label for label, _ in REGISTRY])
def test_what_a_program_manager_may_do_with_each_model(client, manager, label, model_admin):
    opts = model_admin.model._meta
    changelist = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
    client.force_login(manager)

    response = client.get(changelist)

    expected = MANAGER_RIGHTS.get(label, set())
    assert _rights(model_admin, manager) == expected
    if VIEW in expected:
        # The one-row settings go straight to their row.
        assert response.status_code in {200, 302}
        assert not response.get("Location", "").startswith(reverse("admin:login"))
    else:
        assert response.status_code == 403


@pytest.mark.parametrize(("label", "model_admin"), REGISTRY, ids=[label for label, _ in REGISTRY])
def test_a_superuser_opens_every_model(client, superuser, label, model_admin):
    opts = model_admin.model._meta
    client.force_login(superuser)

    response = client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"))

    assert VIEW in _rights(model_admin, superuser)
    assert response.status_code in {200, 302}


def test_store_staff_reach_no_model_of_the_admin(client, store):
    roles_restore()
    clerk = create_staff(email="sam@example.com", store=store)
    client.force_login(clerk)

    answers = {
        client.get(
            reverse(
                f"admin:{admin.model._meta.app_label}_{admin.model._meta.model_name}_changelist"
            )
        )["Location"].split("?")[0]
        for _label, admin in REGISTRY
    }

    assert clerk.is_staff is False
    assert answers == {reverse("admin:login")}
    assert client.get(reverse("admin:index"))["Location"].startswith(reverse("admin:login"))


def _sections(response) -> list[tuple[str, list[str]]]:
    return [
        (str(app["name"]), [str(model["name"]) for model in app["models"]])
        for app in response.context["app_list"]
    ]


def test_a_manager_sees_the_sections_by_task_and_no_system(client, manager):
    client.force_login(manager)

    response = client.get(reverse("admin:index"))

    assert _sections(response) == [
        ("Catalogue", ["Rewards", "Reward categories", "Causes", "Redemptions"]),
        ("Earning", ["Earning rules", "Product categories", "Tiers", "Program settings"]),
        ("Members", ["Members", "Points accounts", "Purchases", "Tier changes"]),
        (
            "Engagement",
            [
                "Challenges",
                "Survey invitations",
                "Referrals",
                "Referral codes",
                "Referral settings",
            ],
        ),
        ("Stores and staff", ["Stores", "Users"]),
        ("Reports and activity", ["Reports", "Activity", "To review"]),
    ]
    page = response.content.decode()
    assert f'href="{reverse("reports:index")}"' in page
    assert "/admin/loyalty/pointsentry/" not in page


def test_a_superuser_also_sees_the_system_section(client, superuser):
    client.force_login(superuser)

    response = client.get(reverse("admin:index"))

    sections = dict(_sections(response))
    assert list(sections)[-1] == "System"
    assert sorted(sections["System"]) == sorted(
        [
            "API keys",
            "Authenticators",
            "Email addresses",
            "Groups",
            "Ledger entries",
            "Outbox",
            "Points lots",
            "Push outbox",
            "Wallet passes",
        ]
    )


def test_an_apps_own_page_keeps_djangos_list(client, manager):
    client.force_login(manager)

    response = client.get(reverse("admin:app_list", args=["rewards"]))

    assert [str(app["name"]) for app in response.context["app_list"]] == ["Rewards"]


def test_the_admin_carries_the_programs_name(client, manager):
    ProgramSettings.objects.update_or_create(pk=1, defaults={"program_name": "Bean Club"})
    program_settings_forget()
    client.force_login(manager)

    response = client.get(reverse("admin:index"))

    page = response.content.decode()
    assert "<title>Today | Bean Club</title>" in page
    assert "Bean Club</a></div>" in page
    assert "Django administration" not in page


# --- today's figures and what waits ----------------------------------------------------------

TODAY = datetime.datetime(2026, 3, 10, 15, 0, tzinfo=datetime.UTC)


@time_machine.travel(TODAY, tick=False)
def test_the_front_page_counts_today_in_the_programs_day(client, manager, store):
    base_rule()
    earlier_buyer = create_customer(
        email="old@example.com", joined_at=TODAY - datetime.timedelta(days=30)
    )
    with time_machine.travel(TODAY - datetime.timedelta(days=1), tick=False):
        checkout_purchase(
            member=earlier_buyer, store=store, external_id="yesterday", lines=[line("20.00")]
        )
    member = create_customer(email="new@example.com", joined_at=TODAY - datetime.timedelta(hours=1))
    for number, amount in enumerate(["12.50", "30.00"]):
        checkout_purchase(
            member=member, store=store, external_id=f"today-{number}", lines=[line(amount)]
        )
    client.force_login(manager)

    response = client.get(reverse("admin:index"))

    figures = [(str(f.label), f.value) for f in response.context["dashboard"].today]
    assert figures == [
        ("Purchases", "2"),
        ("Sales", "$42.50"),
        ("Points earned", "42"),
        ("Rewards redeemed", "0"),
        ("New members", "1"),
    ]
    waiting = [(str(w.label), w.count) for w in response.context["dashboard"].waiting]
    assert waiting == [("Purchases held for approval", 0), ("Referrals to review", 0)]
    assert "Today so far" in response.content.decode()


def test_only_a_superuser_is_told_of_failed_emails(manager, superuser, customer):
    OutboxEmail.objects.create(
        key="x:1",
        to_email="alice@example.com",
        subject="Hello",
        body_text="Hello",
        status=OutboxStatus.FAILED,
        send_after=timezone.now(),
    )

    managers = [str(w.label) for w in dashboard_figures(user=manager).waiting]
    superusers = {str(w.label): w.count for w in dashboard_figures(user=superuser).waiting}

    assert "Emails that could not be sent" not in managers
    assert superusers["Emails that could not be sent"] == 1


def test_figures_need_the_reports_permission(store):
    roles_restore()
    clerk = create_staff(email="sam@example.com", store=store)

    dashboard = dashboard_figures(user=clerk)

    assert (dashboard.today, dashboard.waiting) == ([], [])
