"""Birthday bonus points: once per member per year, on the day or in the month."""

import calendar
import datetime

from django.utils import timezone

from loyalty.models import EntryKind, OutboxEmail, RuleKind
from loyalty.services.earning import bonus_rule_best
from loyalty.services.ledger import points_credit
from loyalty.services.outbox import email_queue
from loyalty.services.program import program_settings_get, program_timezone
from members.models import Member


def birthday_members(*, today: datetime.date, mode: str):
    """Members whose birthday reward falls on `today`.

    By day: born on this day; those born on 29 February on 28 February when the year has
    no 29th. By month: everyone born this month, from the first run of the month on.
    """
    members = Member.objects.filter(birthday__isnull=False, user__is_active=True)
    if mode == "month":
        return members.filter(birthday__month=today.month)
    days = [today.day]
    if today.month == 2 and today.day == 28 and not calendar.isleap(today.year):
        days.append(29)
    return members.filter(birthday__month=today.month, birthday__day__in=days)


def birthday_rewards_grant(*, today: datetime.date | None = None) -> int:
    """Credit the birthday bonus (the best active birthday rule) to whoever it is due.

    Idempotent per member and year; returns how many members got it now.
    """
    now = timezone.now()
    today = today or timezone.localtime(now, program_timezone()).date()
    best_rule_by_tier: dict = {}

    def best_rule(tier):
        key = tier.pk if tier else None
        if key not in best_rule_by_tier:
            best_rule_by_tier[key] = bonus_rule_best(
                kind=RuleKind.BIRTHDAY_BONUS, tier=tier, at=now
            )
        return best_rule_by_tier[key]

    mode = program_settings_get().birthday_mode
    granted = 0
    for member in (
        birthday_members(today=today, mode=mode)
        .select_related("user", "points_account__tier")
        .iterator(chunk_size=500)
    ):
        rule = best_rule(member.points_account.tier)
        if rule is None:
            continue
        key = f"birthday:{member.pk}:{today.year}"
        if OutboxEmail.objects.filter(key=key).exists():
            continue
        credit = points_credit(
            account=member.points_account,
            points=rule.points,
            kind=EntryKind.BIRTHDAY,
            rule=rule,
            note=rule.name,
            idempotency_key=key,
        )
        email_queue(
            key=key,
            to=member.user.email,
            template="birthday",
            member=member,
            context={"member": member, "points": credit.lot.points},
        )
        granted += 1
    return granted
