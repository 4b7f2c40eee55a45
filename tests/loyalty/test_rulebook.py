"""The rule book: rules, tiers and challenges read once per process, and again after any change."""

from decimal import Decimal

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from engagement.models import Challenge
from loyalty.models import EarningRule, RuleKind, Tier
from loyalty.services import program_settings_get
from loyalty.services.rulebook import rulebook, rules_version_bump
from tests.loyalty.points import base_rule, buy, category, line, rule


def _version() -> str:
    return program_settings_get().rules_version


def _earned(customer, store, receipt: str, *lines) -> int:
    return buy(customer, store, receipt, *lines).points


@pytest.mark.django_db
def test_unchanged_rules_are_not_read_again(customer, store):
    base_rule("2")
    assert _earned(customer, store, "r1", line("10.00")) == 20

    with CaptureQueriesContext(connection) as second:
        assert _earned(customer, store, "r2", line("10.00")) == 20

    read_again = [
        query["sql"]
        for query in second.captured_queries
        if "loyalty_earningrule" in query["sql"]
        or '"loyalty_tier"' in query["sql"]
        or '"loyalty_challenge"' in query["sql"]
    ]
    assert read_again == []


@pytest.mark.django_db
def test_saving_a_rule_applies_from_the_next_purchase(customer, store):
    base = base_rule("1")
    assert _earned(customer, store, "r1", line("10.00")) == 10

    base.rate = Decimal("3")
    base.save()

    assert _earned(customer, store, "r2", line("10.00")) == 30


@pytest.mark.django_db
def test_deleting_a_rule_applies_from_the_next_purchase(customer, store):
    base_rule("1")
    bonus = rule(RuleKind.THRESHOLD_BONUS, threshold_amount=Decimal("5"), points=7)
    assert _earned(customer, store, "r1", line("10.00")) == 17

    bonus.delete()

    assert _earned(customer, store, "r2", line("10.00")) == 10


@pytest.mark.django_db
def test_changing_a_rules_categories_applies_from_the_next_purchase(customer, store):
    coffee, tea = category("coffee"), category("tea")
    base_rule("1")
    double = rule(RuleKind.CATEGORY_MULTIPLIER, multiplier=Decimal("2"), categories=[coffee])
    assert _earned(customer, store, "r1", line("10.00", category=tea)) == 10

    double.categories.add(tea)

    assert _earned(customer, store, "r2", line("10.00", category=tea)) == 20


@pytest.mark.django_db
def test_every_kind_of_change_writes_a_new_version(store):
    seen = {_version()}

    def changed() -> bool:
        version = _version()
        new = version not in seen
        seen.add(version)
        return new

    coffee = category("coffee")
    created = base_rule("1")
    assert changed()
    created.categories.add(coffee)
    assert changed()
    created.stores.add(store)
    assert changed()
    tier = Tier.objects.create(name="Silver", rank=1, threshold=Decimal("100"))
    assert changed()
    created.tiers.add(tier)
    assert changed()
    challenge = Challenge.objects.create(
        name="Five coffees", starts_at="2026-01-01T00:00:00Z", purchases_needed=5, reward_points=5
    )
    assert changed()
    challenge.stores.add(store)
    assert changed()
    tier.delete()
    assert changed()
    program = program_settings_get()
    program.pending_days = 3
    program.save()
    assert changed()
    rules_version_bump()
    assert changed()


@pytest.mark.django_db
def test_a_rule_rolled_back_is_never_applied(customer, store):
    base_rule("1")
    seen_inside = []

    def failing_edit() -> None:
        with transaction.atomic():
            rule(RuleKind.THRESHOLD_BONUS, threshold_amount=Decimal("5"), points=50)
            # Read inside the transaction: the book now holds the rule that will vanish.
            seen_inside.extend(found.kind for found in rulebook().rules)
            raise RuntimeError("the admin form failed")

    with pytest.raises(RuntimeError):
        failing_edit()

    assert seen_inside == ["base_rate", "threshold_bonus"]

    assert [found.kind for found in rulebook().rules] == ["base_rate"]
    assert _earned(customer, store, "r1", line("10.00")) == 10
    assert EarningRule.objects.count() == 1


@pytest.mark.django_db
def test_a_settings_form_saved_with_an_old_version_does_not_keep_it(customer, store):
    program = program_settings_get()  # a manager opens the settings form
    read_with_form = program.rules_version
    base_rule("4")  # meanwhile another manager adds a rule
    version_with_rule = _version()

    program.save()  # the settings form is saved with the version it read

    assert _version() not in {read_with_form, version_with_rule}
    assert _version() == program.rules_version
    assert _earned(customer, store, "r1", line("10.00")) == 40


@pytest.mark.django_db
def test_a_tier_newer_than_the_rule_book_never_moves_its_member_down(customer, store):
    from loyalty.models import PointsAccount, TierChange

    base_rule("1")
    Tier.objects.create(name="Silver", rank=1, threshold=Decimal("100"))
    rulebook()  # this process's book knows Silver only
    # A tier written without a signal (another process's book would not know it either).
    (gold,) = Tier.objects.bulk_create(
        [Tier(name="Gold", rank=2, threshold=Decimal("1000"), earn_multiplier=Decimal("2"))]
    )
    PointsAccount.objects.filter(member=customer).update(tier=gold)

    earned = _earned(customer, store, "r1", line("150.00"))

    account = PointsAccount.objects.get(member=customer)
    assert account.tier_id == gold.pk
    assert TierChange.objects.count() == 0
    assert earned == 300  # Gold's multiplier, read from the member's own tier


@pytest.mark.django_db
def test_deleting_a_category_or_store_a_rule_names_writes_a_new_version(store):
    from tests.factories import create_store

    coffee, harbour = category("coffee"), create_store(code="harbour")
    rule(RuleKind.PROMOTION, multiplier=Decimal("2"), categories=[coffee], stores=[harbour])
    before = _version()

    coffee.delete()
    after_category = _version()
    harbour.delete()

    assert len({before, after_category, _version()}) == 3


@pytest.mark.django_db
def test_a_migration_run_writes_a_new_version_and_never_creates_the_settings_row():
    from loyalty.models import ProgramSettings
    from loyalty.services.rulebook import rules_changed_by_migrations

    rules_changed_by_migrations(sender=None)
    assert not ProgramSettings.objects.exists()

    before = _version()
    rules_changed_by_migrations(sender=None)
    assert _version() != before
