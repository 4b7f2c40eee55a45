"""The admin of the points engine: managers edit settings and rules; the ledger is read-only."""

from decimal import Decimal

import pytest
from django.urls import reverse

from engagement.services.checkout import checkout_purchase
from loyalty.admin.rules import EarningRuleForm
from loyalty.models import (
    EarningRule,
    PointsAccount,
    PointsEntry,
    PointsLot,
    ProductCategory,
    ProgramSettings,
    Purchase,
    RuleKind,
)
from loyalty.services import BasketLine, program_settings_get


@pytest.fixture
def purchase(customer, store):
    ProductCategory.objects.create(code="tea", name="Tea")
    EarningRule.objects.create(kind=RuleKind.BASE_RATE, rate=Decimal("1"), name="Base")
    return checkout_purchase(
        member=customer,
        store=store,
        external_id="r1",
        lines=[BasketLine(amount=Decimal("10"), description="Tea")],
    ).purchase


def _ledger(customer) -> tuple:
    """Everything an admin path must not change: balance, entries, lots, the purchase."""
    account = PointsAccount.objects.get(member=customer)
    return (
        (account.balance, account.pending, account.debt, account.lifetime_earned),
        list(PointsEntry.objects.values_list("pk", "points", "balance_after", "kind", "note")),
        list(PointsLot.objects.values_list("pk", "points", "remaining", "expires_at")),
        list(Purchase.objects.values_list("pk", "external_id", "points", "total", "voided_at")),
    )


def _rule_form_data(**fields) -> dict:
    data = {
        "name": "Base",  # the form alone
        "name_en": "Base",  # the admin's form, a name per language (English required)
        "kind": RuleKind.BASE_RATE,
        "is_active": "on",
        "starts_at_0": "",
        "starts_at_1": "",
        "ends_at_0": "",
        "ends_at_1": "",
        "weekdays": "",
        "time_from": "",
        "time_until": "",
        "rate": "",
        "multiplier": "",
        "threshold_amount": "",
        "points": "",
    }
    data.update(fields)
    return data


# --- who reaches what --------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("who", "status"),
    [("anonymous", 302), ("customer", 302), ("staff_user", 302), ("manager_user", 200)],
)
def test_earning_rule_list_authorization(client, request, who, status):
    if who != "anonymous":
        user = request.getfixturevalue(who)
        client.force_login(getattr(user, "user", user))

    response = client.get(reverse("admin:loyalty_earningrule_changelist"))

    assert response.status_code == status
    if status == 302:
        assert response["Location"].startswith(reverse("admin:login"))


@pytest.mark.django_db
@pytest.mark.parametrize("model", ["productcategory", "earningrule", "purchase"])
def test_manager_views_each_points_changelist(client, manager_user, purchase, model):
    client.force_login(manager_user)

    response = client.get(reverse(f"admin:loyalty_{model}_changelist"))

    assert response.status_code == 200
    assert response.context["cl"].result_count == 1


@pytest.mark.django_db
@pytest.mark.parametrize("model", ["pointsentry", "pointslot"])
def test_the_ledgers_tables_are_the_superusers(client, manager_user, superuser, purchase, model):
    client.force_login(manager_user)
    refused = client.get(reverse(f"admin:loyalty_{model}_changelist"))
    client.force_login(superuser)

    response = client.get(reverse(f"admin:loyalty_{model}_changelist"))

    assert refused.status_code == 403
    assert response.status_code == 200
    assert response.context["cl"].result_count == 1


@pytest.mark.django_db
def test_superuser_finds_entries_by_card_number_and_email(
    client, superuser, purchase, customer, other_customer
):
    client.force_login(superuser)
    url = reverse("admin:loyalty_pointsentry_changelist")

    by_card = client.get(url, {"q": customer.card_number})
    by_email = client.get(url, {"q": "alice@example.com"})
    by_kind = client.get(url, {"kind__exact": "spend"})

    assert [entry.purchase for entry in by_card.context["cl"].result_list] == [purchase]
    assert by_email.context["cl"].result_count == 1
    assert by_kind.context["cl"].result_count == 0


@pytest.mark.django_db
def test_program_settings_list_goes_straight_to_the_single_row(client, manager_user):
    client.force_login(manager_user)

    response = client.get(reverse("admin:loyalty_programsettings_changelist"))

    assert response.status_code == 302
    assert response["Location"] == reverse("admin:loyalty_programsettings_change", args=[1])
    assert ProgramSettings.objects.count() == 1
    assert client.get(response["Location"]).status_code == 200


@pytest.mark.django_db
def test_program_settings_cannot_be_added_or_deleted(client, manager_user):
    program_settings_get()
    client.force_login(manager_user)

    add = client.get(reverse("admin:loyalty_programsettings_add"))
    delete = client.post(reverse("admin:loyalty_programsettings_delete", args=[1]), {"post": "yes"})

    assert add.status_code == 403
    assert delete.status_code == 403
    assert ProgramSettings.objects.count() == 1


@pytest.mark.django_db
def test_manager_edits_the_program_settings(client, manager_user):
    program_settings_get()
    client.force_login(manager_user)

    response = client.post(
        reverse("admin:loyalty_programsettings_change", args=[1]),
        {
            "program_name": "Bean Club",
            "currency": "eur",
            "point_value": "0.02",
            "pending_days": "7",
            "expiry_policy": "days",
            "expiry_days": "180",
            "expiry_months": "12",
            "void_window_minutes": "10",
            "sale_max_age_days": "3",
            "reminder_stages": "30,7",
            "birthday_mode": "day",
            "tier_basis": "spend",
            "inactivity_reminder_days": "30",
            "nps_period_days": "90",
            "desk_max_total": "5000.00",
            "desk_max_points": "50000",
            "staff_daily_points": "200000",
            "key_max_total": "5000.00",
            "key_max_points": "50000",
            "key_daily_points": "1000000",
            "over_limit_action": "hold",
        },
    )

    assert response.status_code == 302
    program = program_settings_get()
    assert (program.program_name, program.currency, program.point_value) == (
        "Bean Club",
        "EUR",
        Decimal("0.0200"),
    )
    assert (program.pending_days, program.expiry_policy, program.expiry_days) == (7, "days", 180)
    assert (program.void_window_minutes, program.sale_max_age_days) == (10, 3)


# --- the ledger is read-only -------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("model", ["purchase", "pointsentry", "pointslot"])
def test_no_admin_path_adds_changes_or_deletes_ledger_rows(
    client, superuser, purchase, customer, model
):
    client.force_login(superuser)
    row = {
        "purchase": purchase,
        "pointsentry": PointsEntry.objects.get(),
        "pointslot": PointsLot.objects.get(),
    }[model]
    before = _ledger(customer)
    tampering = {
        "points": "5000",
        "remaining": "5000",
        "balance_after": "5000",
        "total": "1.00",
        "external_id": "changed",
        "note": "changed",
    }

    add_page = client.get(reverse(f"admin:loyalty_{model}_add"))
    added = client.post(reverse(f"admin:loyalty_{model}_add"), tampering)
    changed = client.post(reverse(f"admin:loyalty_{model}_change", args=[row.pk]), tampering)
    deleted = client.post(reverse(f"admin:loyalty_{model}_delete", args=[row.pk]), {"post": "yes"})
    bulk = client.post(
        reverse(f"admin:loyalty_{model}_changelist"),
        {"action": "delete_selected", "_selected_action": [row.pk], "post": "yes"},
    )

    assert [add_page.status_code, added.status_code, changed.status_code, deleted.status_code] == [
        403,
        403,
        403,
        403,
    ]
    assert bulk.status_code in {200, 302}
    assert _ledger(customer) == before


@pytest.mark.django_db
@pytest.mark.parametrize("model", ["purchase", "pointsentry", "pointslot"])
def test_ledger_rows_open_read_only(client, superuser, purchase, model):
    client.force_login(superuser)
    row = {
        "purchase": purchase,
        "pointsentry": PointsEntry.objects.get(),
        "pointslot": PointsLot.objects.get(),
    }[model]

    response = client.get(reverse(f"admin:loyalty_{model}_change", args=[row.pk]))

    assert response.status_code == 200
    assert response.context["adminform"].form.fields == {}
    assert b'name="_save"' not in response.content


@pytest.mark.django_db
def test_purchase_page_shows_lines_and_breakdown_read_only(client, manager_user, purchase):
    client.force_login(manager_user)

    response = client.get(reverse("admin:loyalty_purchase_change", args=[purchase.pk]))

    html = response.content.decode()
    assert "<li>Base: +10</li>" in html
    assert "Tea" in html
    for inline in response.context["inline_admin_formsets"]:
        assert inline.has_add_permission is False
        assert inline.has_change_permission is False
        assert inline.has_delete_permission is False


# --- earning rules -----------------------------------------------------------------------


@pytest.mark.django_db
def test_manager_adds_a_base_rate_rule(client, manager_user):
    client.force_login(manager_user)

    response = client.post(
        reverse("admin:loyalty_earningrule_add"), _rule_form_data(name="Base", rate="1.5")
    )

    assert response.status_code == 302
    rule = EarningRule.objects.get()
    assert (rule.name, rule.kind, rule.rate, rule.is_active) == (
        "Base",
        RuleKind.BASE_RATE,
        Decimal("1.5000"),
        True,
    )


@pytest.mark.django_db
def test_a_base_rate_rule_without_a_rate_is_refused_with_a_clear_error(client, manager_user):
    client.force_login(manager_user)

    response = client.post(reverse("admin:loyalty_earningrule_add"), _rule_form_data())

    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {
        "rate": ["A base rate rule needs the points per currency unit."]
    }
    assert "A base rate rule needs the points per currency unit." in response.content.decode()
    assert EarningRule.objects.count() == 0


@pytest.mark.django_db
def test_manager_switches_a_rule_off_and_sets_its_days_and_hours(client, manager_user):
    rule = EarningRule.objects.create(
        kind=RuleKind.PROMOTION, multiplier=Decimal("2"), name="Coffee Tuesday"
    )
    client.force_login(manager_user)

    response = client.post(
        reverse("admin:loyalty_earningrule_change", args=[rule.pk]),
        _rule_form_data(
            name="Coffee Tuesday",
            kind=RuleKind.PROMOTION,
            is_active="",
            multiplier="2",
            weekdays=" 4, 2,2",
            time_from="07:00",
            time_until="11:00",
        ),
    )

    assert response.status_code == 302
    rule.refresh_from_db()
    assert (rule.is_active, rule.weekdays, str(rule.time_from), str(rule.time_until)) == (
        False,
        "2,4",
        "07:00:00",
        "11:00:00",
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("fields", "errors"),
    [
        ({"kind": RuleKind.BASE_RATE}, {"rate"}),
        ({"kind": RuleKind.CATEGORY_MULTIPLIER}, {"multiplier", "categories"}),
        ({"kind": RuleKind.CATEGORY_MULTIPLIER, "multiplier": "2"}, {"categories"}),
        ({"kind": RuleKind.CATEGORY_EXCLUSION}, {"categories"}),
        ({"kind": RuleKind.PROMOTION}, {"multiplier"}),
        ({"kind": RuleKind.THRESHOLD_BONUS}, {"threshold_amount", "points"}),
        ({"kind": RuleKind.THRESHOLD_BONUS, "threshold_amount": "50"}, {"points"}),
        ({"kind": RuleKind.PURCHASE_CAP}, {"points"}),
        ({"kind": RuleKind.DAILY_CAP}, {"points"}),
        ({"kind": RuleKind.SIGNUP_BONUS}, {"points"}),
        ({"kind": RuleKind.SIGNUP_BONUS, "points": "0"}, {"points"}),
        ({"rate": "1", "weekdays": "1,8"}, {"weekdays"}),
        ({"rate": "1", "weekdays": "mon"}, {"weekdays"}),
        ({"rate": "1", "weekdays": "1,,2"}, {"weekdays"}),
        ({"rate": "1", "time_from": "09:00"}, {"time_until"}),
        ({"rate": "1", "time_until": "09:00"}, {"time_from"}),
        ({"rate": "1", "time_from": "09:00", "time_until": "09:00"}, {"time_until"}),
        (
            {"rate": "1", "starts_at": "2026-05-01 00:00", "ends_at": "2026-04-01 00:00"},
            {"ends_at"},
        ),
    ],
)
def test_earning_rule_form_demands_what_each_kind_needs(db, fields, errors):
    form = EarningRuleForm(data=_rule_form_data(**fields))

    assert form.is_valid() is False
    assert set(form.errors) == errors


@pytest.mark.parametrize(
    ("fields", "errors"),
    [
        ({"rate": "abc"}, {"rate": ["Enter a number."]}),
        (
            {"kind": RuleKind.THRESHOLD_BONUS, "threshold_amount": "50", "points": "-1"},
            {"points": ["Ensure this value is greater than or equal to 0."]},
        ),
        (
            {"rate": "1", "time_from": "25:99", "time_until": "10:00"},
            {"time_from": ["Enter a valid time."]},
        ),
    ],
)
def test_a_value_the_form_cannot_read_gets_one_message_not_two(db, fields, errors):
    form = EarningRuleForm(data=_rule_form_data(**fields))

    assert form.is_valid() is False
    assert form.errors == errors


@pytest.mark.django_db
@pytest.mark.parametrize(
    "fields",
    [
        {"kind": RuleKind.BASE_RATE, "rate": "1"},
        {"kind": RuleKind.CATEGORY_MULTIPLIER, "multiplier": "3", "with_category": True},
        {"kind": RuleKind.CATEGORY_EXCLUSION, "with_category": True},
        {"kind": RuleKind.PROMOTION, "multiplier": "2", "weekdays": "2"},
        {"kind": RuleKind.THRESHOLD_BONUS, "threshold_amount": "50", "points": "100"},
        {"kind": RuleKind.PURCHASE_CAP, "points": "0"},
        {"kind": RuleKind.DAILY_CAP, "points": "500"},
        {"kind": RuleKind.SIGNUP_BONUS, "points": "50"},
        {"kind": RuleKind.BASE_RATE, "rate": "1", "time_from": "22:00", "time_until": "02:00"},
    ],
)
def test_earning_rule_form_accepts_each_complete_kind(db, fields):
    fields = dict(fields)
    if fields.pop("with_category", False):
        fields["categories"] = [ProductCategory.objects.create(code="cake", name="Cake").pk]

    form = EarningRuleForm(data=_rule_form_data(**fields))

    assert form.errors == {}
