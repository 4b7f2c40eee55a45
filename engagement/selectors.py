"""Reads of engagement: the running stamp cards, what a member's dashboard shows of them, and
the Net Promoter Score of the surveys.

The running challenges are kept per process under the program's rules version, like the
engine's rule book (`loyalty.services.rulebook`): the purchase path reads them without a query.
"""

import datetime

from django.db.models import Count, Q
from django.db.models.functions import TruncMonth
from django.utils import timezone

from engagement.models import Challenge, ChallengeCard, SurveyInvitation
from loyalty.models import ProgramSettings
from loyalty.services.program import program_timezone
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


# --- Net Promoter Score -----------------------------------------------------------------------

NPS_PROMOTER_MIN = 9  # 9 and 10 promote
NPS_DETRACTOR_MAX = 6  # 0 to 6 detract


def nps_score(promoters: int, detractors: int, answered: int) -> int | None:
    """NPS = % promoters (9-10) - % detractors (0-6) of the answers, rounded to a whole number;
    None without answers."""
    if not answered:
        return None
    return round(100 * (promoters - detractors) / answered)


def _nps_counts(**extra) -> dict:
    """`extra` counts, then the promoters and the detractors among the rows."""
    return {
        **extra,
        "promoters": Count("pk", filter=Q(score__gte=NPS_PROMOTER_MIN)),
        "detractors": Count("pk", filter=Q(score__lte=NPS_DETRACTOR_MAX)),
    }


def _surveys_sent(*, start: datetime.datetime, end: datetime.datetime):
    return SurveyInvitation.objects.filter(created_at__gte=start, created_at__lt=end)


def nps_summary(*, start: datetime.datetime, end: datetime.datetime) -> dict:
    """Invitations sent in [start, end), their answers, promoters, detractors, the NPS and the
    response rate (% of invitations answered, one decimal; None when none was sent). One query."""
    counts = _surveys_sent(start=start, end=end).aggregate(
        **_nps_counts(
            sent=Count("pk"),
            answered=Count("pk", filter=Q(answered_at__isnull=False)),
        )
    )
    answered = counts["answered"]
    return {
        **counts,
        "nps": nps_score(counts["promoters"], counts["detractors"], answered),
        "response_rate": round(100 * answered / counts["sent"], 1) if counts["sent"] else None,
    }


def nps_by_month(
    *, start: datetime.datetime, end: datetime.datetime
) -> dict[datetime.date, tuple[int, int | None]]:
    """For each month (its first day, in the program's time zone) with answers to invitations
    sent in [start, end): (answers, NPS). Months without answers are left out. One query."""
    rows = (
        _surveys_sent(start=start, end=end)
        .filter(answered_at__isnull=False)
        .annotate(month=TruncMonth("created_at", tzinfo=program_timezone()))
        .values("month")
        .annotate(**_nps_counts(answered=Count("pk")))
    )
    return {
        (row["month"].date() if isinstance(row["month"], datetime.datetime) else row["month"]): (
            row["answered"],
            nps_score(row["promoters"], row["detractors"], row["answered"]),
        )
        for row in rows
    }


def nps_comments_latest(
    *, start: datetime.datetime, end: datetime.datetime, limit: int = 10
) -> list[tuple[datetime.datetime, int, str]]:
    """(answered at, score, comment) of the newest answers with a comment to invitations sent
    in [start, end). One query."""
    return list(
        _surveys_sent(start=start, end=end)
        .filter(answered_at__isnull=False)
        .exclude(comment="")
        .order_by("-answered_at", "-pk")
        .values_list("answered_at", "score", "comment")[:limit]
    )
