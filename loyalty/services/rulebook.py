"""The earning rules, tiers and challenges, read once per process while they stay unchanged.

Every purchase needs them, and managers change them a few times a month. So each process keeps
the last set it read together with the program settings' `rules_version` it read them under,
and reads them again only when the settings row (which a purchase reads anyway) carries
another version.

Saving or deleting a rule, tier or challenge, or changing their categories, stores or tiers,
writes a new random version in the same transaction (the receivers below). Other transactions
see the new version exactly when they see the change, so a manager's edit applies from the next
purchase on, and an edit that is rolled back takes its version with it: nobody can match it.
`QuerySet.update()` and `bulk_create()` send no signals; call `rules_version_bump()` after them.

The instances handed out are shared between requests: read them, never change them.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver

from loyalty.models import (
    Challenge,
    EarningRule,
    ProductCategory,
    ProgramSettings,
    Store,
    Tier,
    rules_version_default,
)
from loyalty.services.program import program_settings_forget, program_settings_get


@dataclass(frozen=True)
class RuleBook:
    version: str
    rules: tuple[EarningRule, ...]  # every rule, by pk, with categories, stores, tiers
    tiers: tuple[Tier, ...]  # by rank, lowest first
    challenges: tuple[Challenge, ...]  # every challenge, by pk, with stores

    def rules_in_force(self, at: datetime.datetime) -> list[EarningRule]:
        """Rules that are on and inside their active window at `at`."""
        return [
            rule
            for rule in self.rules
            if rule.is_active
            and (rule.starts_at is None or rule.starts_at <= at)
            and (rule.ends_at is None or rule.ends_at > at)
        ]

    def challenges_running(self, at: datetime.datetime) -> list[Challenge]:
        """Challenges that are on and have started and not ended at `at`."""
        return [
            challenge
            for challenge in self.challenges
            if challenge.is_active
            and challenge.starts_at <= at
            and (challenge.ends_at is None or challenge.ends_at > at)
        ]

    def tier(self, tier_id: int | None) -> Tier | None:
        return next((tier for tier in self.tiers if tier.pk == tier_id), None)

    def tier_above_exists(self, rank: int) -> bool:
        return any(tier.rank > rank for tier in self.tiers)

    def tier_for_metric(self, value: Decimal) -> Tier | None:
        """The highest tier whose threshold `value` reaches, or None."""
        reached = [tier for tier in self.tiers if tier.threshold <= value]
        return max(reached, key=lambda tier: tier.rank, default=None)


_current: RuleBook | None = None


def rulebook(*, program: ProgramSettings | None = None) -> RuleBook:
    """The rules as of `program.rules_version` (the settings row is read when not given)."""
    global _current
    version = (program or program_settings_get()).rules_version
    book = _current
    if book is None or book.version != version:
        book = RuleBook(
            version=version,
            rules=tuple(
                EarningRule.objects.prefetch_related("categories", "stores", "tiers").order_by("pk")
            ),
            tiers=tuple(Tier.objects.order_by("rank")),
            challenges=tuple(Challenge.objects.prefetch_related("stores").order_by("pk")),
        )
        _current = book
    return book


def rules_version_bump(*, create: bool = True) -> None:
    """Mark the rules changed, in the caller's transaction. Without a settings row yet, one is
    created (with a version of its own), unless `create` is False."""
    program_settings_forget()
    updated = ProgramSettings.objects.filter(pk=1).update(rules_version=rules_version_default())
    if not updated and create:
        program_settings_get()


@receiver(post_save, sender=EarningRule)
@receiver(post_delete, sender=EarningRule)
@receiver(post_save, sender=Tier)
@receiver(post_delete, sender=Tier)
@receiver(post_save, sender=Challenge)
@receiver(post_delete, sender=Challenge)
@receiver(m2m_changed, sender=EarningRule.categories.through)
@receiver(m2m_changed, sender=EarningRule.stores.through)
@receiver(m2m_changed, sender=EarningRule.tiers.through)
@receiver(m2m_changed, sender=Challenge.stores.through)
def _rules_changed(sender, **kwargs) -> None:
    if kwargs.get("action", "post_").startswith("pre_"):
        return  # the m2m signal before the change
    # Fixtures (raw rows) load before any settings row may exist: never create one for them.
    rules_version_bump(create=not kwargs.get("raw"))


# Deleting a category or a store drops the rules' links to it without an m2m signal.
@receiver(post_delete, sender=ProductCategory)
@receiver(post_delete, sender=Store)
def _rule_link_deleted(sender, **kwargs) -> None:
    rules_version_bump(create=False)


def rules_changed_by_migrations(sender, **kwargs) -> None:
    """`post_migrate`: data migrations write with historical models, which send no signal this
    module hears, so a migration run counts as a change of the rules."""
    rules_version_bump(create=False)


@receiver(post_save, sender=ProgramSettings)
def _settings_saved(sender, instance: ProgramSettings, **kwargs) -> None:
    """A settings form saves every field, `rules_version` included, as it read them: a rule
    edited meanwhile would have its version overwritten by an older one. So every save of the
    settings writes a new version too."""
    if kwargs.get("raw"):
        return
    program_settings_forget()
    instance.rules_version = rules_version_default()
    ProgramSettings.objects.filter(pk=instance.pk).update(rules_version=instance.rules_version)
