"""Reads of engagement: the running stamp cards, and what a member's dashboard shows of them.

The running challenges are kept per process under the program's rules version, like the
engine's rule book (`loyalty.services.rulebook`): the purchase path reads them without a query.
"""

import datetime

from django.db.models import Q
from django.utils import timezone

from engagement.models import Challenge, ChallengeCard
from loyalty.models import ProgramSettings
from loyalty.services.rulebook import VersionedCache

_challenges = VersionedCache(
    lambda version: tuple(Challenge.objects.prefetch_related("stores").order_by("pk"))
)


def challenges_running(
    at: datetime.datetime, *, program: ProgramSettings | None = None
) -> list[Challenge]:
    """Challenges that are on and have started and not ended at `at` (shared copies: read them,
    never change them)."""
    return [
        challenge
        for challenge in _challenges.get(program=program)
        if challenge.is_active
        and challenge.starts_at <= at
        and (challenge.ends_at is None or challenge.ends_at > at)
    ]


def challenges_active(*, at: datetime.datetime):
    return (
        Challenge.objects.filter(is_active=True, starts_at__lte=at)
        .filter(Q(ends_at__isnull=True) | Q(ends_at__gt=at))
        .prefetch_related("stores")
        .select_related("reward", "category")
        .order_by("pk")
    )


def challenge_cards_for_member(*, member, at: datetime.datetime | None = None) -> list[dict]:
    """What /me/ shows: each active challenge with the member's current stamps."""
    at = at or timezone.now()
    running = challenges_running(at)
    if not running:
        return []
    latest: dict[int, ChallengeCard] = {}
    # Every card of these challenges in one query, the latest round of each kept.
    for card in ChallengeCard.objects.filter(
        challenge__in=running, account__member=member
    ).order_by("-round"):
        latest.setdefault(card.challenge_id, card)
    cards = []
    for challenge in running:
        card = latest.get(challenge.pk)
        done = card is not None and card.completed_at is not None and not challenge.repeatable
        if done:
            stamps = challenge.purchases_needed
        else:
            stamps = card.stamps if card is not None and card.completed_at is None else 0
        cards.append(
            {
                "challenge": challenge,
                "stamps": stamps,
                "done": done,
                "slots": [index < stamps for index in range(challenge.purchases_needed)],
            }
        )
    return cards
