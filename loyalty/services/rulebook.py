"""The earning rules and tiers, read once per process while they stay unchanged.

Every purchase needs them, and managers change them a few times a month. So each process keeps
the last set it read together with the program settings' `rules_version` it read them under,
and reads them again only when the settings row (which a purchase reads anyway) carries
another version.

Saving or deleting a rule or tier, or changing their categories, stores or tiers, writes a new
random version in the same transaction (the receivers below, connected by the app's `ready()`;
apps above the engine that cache their own rules, such as the stamp cards of `engagement`, key
them on the same version with `VersionedCache` and bump it with `rules_version_bump()`). Other
transactions see the new version exactly when they see the change, so a manager's edit applies
from the next purchase on, and an edit that is rolled back takes its version with it.
`QuerySet.update()` and `bulk_create()` send no signals; call `rules_version_bump()` after them.

The instances handed out are shared between requests: read them, never change them.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Generic, TypeVar

from django.db.models.signals import m2m_changed, post_delete, post_migrate, post_save

from loyalty.models import (
    EarningRule,
    ProductCategory,
    ProgramSettings,
    Store,
    Tier,
    rules_version_default,
)
from loyalty.platform.singleton import SINGLETON_PK
from loyalty.services.program import program_settings_forget, program_settings_get


@dataclass(frozen=True)
class RuleBook:
    version: str
    rules: tuple[EarningRule, ...]  # every rule, by pk, with categories, stores, tiers
    tiers: tuple[Tier, ...]  # by rank, lowest first

    def rules_in_force(self, at: datetime.datetime) -> list[EarningRule]:
        """Rules that are on and inside their active window at `at`."""
        return [
            rule
            for rule in self.rules
            if rule.is_active
            and (rule.starts_at is None or rule.starts_at <= at)
            and (rule.ends_at is None or rule.ends_at > at)
        ]

    def tier(self, tier_id: int | None) -> Tier | None:
        return next((tier for tier in self.tiers if tier.pk == tier_id), None)

    def tier_above_exists(self, rank: int) -> bool:
        return any(tier.rank > rank for tier in self.tiers)

    def tier_for_metric(self, value: Decimal) -> Tier | None:
        """The highest tier whose threshold `value` reaches, or None."""
        reached = [tier for tier in self.tiers if tier.threshold <= value]
        return max(reached, key=lambda tier: tier.rank, default=None)


T = TypeVar("T")


class VersionedCache(Generic[T]):
    """One value per process, read again by `load(version)` when the rules version moves on."""

    def __init__(self, load: Callable[[str], T]):
        self._load = load
        self._current: tuple[str, T] | None = None

    def get(self, *, program: ProgramSettings | None = None) -> T:
        version = (program or program_settings_get()).rules_version
        current = self._current
        if current is None or current[0] != version:
            current = (version, self._load(version))
            self._current = current
        return current[1]


def _rulebook_load(version: str) -> RuleBook:
    return RuleBook(
        version=version,
        rules=tuple(
            EarningRule.objects.prefetch_related("categories", "stores", "tiers").order_by("pk")
        ),
        tiers=tuple(Tier.objects.order_by("rank")),
    )


_rulebook = VersionedCache(_rulebook_load)


def rulebook(*, program: ProgramSettings | None = None) -> RuleBook:
    """The rules as of `program.rules_version` (the settings row is read when not given)."""
    return _rulebook.get(program=program)


def rules_version_bump(*, create: bool = True) -> None:
    """Mark the rules changed, in the caller's transaction. Without a settings row yet, one is
    created (with a version of its own), unless `create` is False."""
    program_settings_forget()
    updated = ProgramSettings.objects.filter(pk=SINGLETON_PK).update(
        rules_version=rules_version_default()
    )
    if not updated and create:
        program_settings_get()


def rules_changed(sender, **kwargs) -> None:
    """Receiver of saves, deletes and m2m changes of anything a cached rule set holds."""
    if kwargs.get("action", "post_").startswith("pre_"):
        return  # the m2m signal before the change
    # Fixtures (raw rows) load before any settings row may exist: never create one for them.
    rules_version_bump(create=not kwargs.get("raw"))


def _rule_link_deleted(sender, **kwargs) -> None:
    # Deleting a category or a store drops the rules' links to it without an m2m signal.
    rules_version_bump(create=False)


def rules_changed_by_migrations(sender, **kwargs) -> None:
    """`post_migrate`: data migrations write with historical models, which send no signal this
    module hears, so a migration run counts as a change of the rules."""
    rules_version_bump(create=False)


def _settings_saved(sender, instance: ProgramSettings, **kwargs) -> None:
    """A settings form saves every field, `rules_version` included, as it read them: a rule
    edited meanwhile would have its version overwritten by an older one. So every save of the
    settings writes a new version too."""
    if kwargs.get("raw"):
        return
    program_settings_forget()
    instance.rules_version = rules_version_default()
    ProgramSettings.objects.filter(pk=instance.pk).update(rules_version=instance.rules_version)


def rulebook_receivers_connect(app_config) -> None:
    """Connect the receivers that keep the rules version true; called by the app's `ready()`."""
    for model in (EarningRule, Tier):
        post_save.connect(rules_changed, sender=model)
        post_delete.connect(rules_changed, sender=model)
    for relation in (EarningRule.categories, EarningRule.stores, EarningRule.tiers):
        m2m_changed.connect(rules_changed, sender=relation.through)
    for model in (ProductCategory, Store):
        post_delete.connect(_rule_link_deleted, sender=model)
    post_save.connect(_settings_saved, sender=ProgramSettings)
    post_migrate.connect(rules_changed_by_migrations, sender=app_config)
