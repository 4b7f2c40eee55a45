"""Net Promoter Score surveys: invited after a purchase, answered once by a signed link.

The score itself is a read: `engagement.selectors.nps_summary`.
"""

import datetime

from django.conf import settings
from django.core import signing
from django.urls import reverse
from django.utils import timezone

from engagement.exceptions import InvalidSurveyAnswer, SurveyClosed
from engagement.models import SurveyInvitation
from loyalty.models import EntryKind, PointsAccount, ProgramSettings, Purchase, RuleKind
from loyalty.platform.db import atomic_with_retry
from loyalty.services.earning import bonus_rule_best
from loyalty.services.ledger import credit_locked, lock_accounts
from loyalty.services.outbox import email_queue
from loyalty.services.program import lot_expires_at, program_settings_get

_SALT = "loyalty.survey"
COMMENT_MAX = 2000


def survey_token(invitation: SurveyInvitation) -> str:
    return signing.dumps(invitation.pk, salt=_SALT)


def survey_find(token: str) -> SurveyInvitation | None:
    """The invitation behind a genuine link; None for a tampered or made-up one."""
    try:
        pk = signing.loads(token, salt=_SALT)
    except signing.BadSignature:
        return None
    if not isinstance(pk, int):
        return None
    return SurveyInvitation.objects.select_related("account__member__user").filter(pk=pk).first()


def survey_invite_after(
    *, purchase: Purchase, account: PointsAccount, program: ProgramSettings
) -> SurveyInvitation | None:
    """Invite the member after `purchase`, at most once per the program's survey period.

    Called by the checkout (`checkout_purchase`) in its transaction, `account` locked.
    """
    if not program.nps_enabled:
        return None
    since = timezone.now() - datetime.timedelta(days=program.nps_period_days)
    if SurveyInvitation.objects.filter(account=account, created_at__gte=since).exists():
        return None
    invitation = SurveyInvitation.objects.create(account=account, purchase=purchase)
    member = purchase.member
    email_queue(
        key=f"survey:{invitation.pk}",
        to=member.user.email,
        template="survey",
        member=member,
        context={
            "member": member,
            "link": settings.LOYALTY_BASE_URL.rstrip("/")
            + reverse("survey", args=[survey_token(invitation)]),
            "bonus": survey_bonus_rule(tier=account.tier),
        },
    )
    return invitation


def survey_bonus_rule(*, tier=None):
    return bonus_rule_best(kind=RuleKind.SURVEY_BONUS, tier=tier)


@atomic_with_retry
def survey_answer(
    *, invitation: SurveyInvitation, score: int, comment: str = ""
) -> SurveyInvitation:
    """Record the answer once and give the survey bonus once. A second answer raises
    `SurveyClosed` and changes nothing."""
    if not isinstance(score, int) or not 0 <= score <= 10:
        raise InvalidSurveyAnswer()
    account = lock_accounts([invitation.account_id])[invitation.account_id]
    now = timezone.now()
    answered = SurveyInvitation.objects.filter(pk=invitation.pk, answered_at__isnull=True).update(
        answered_at=now, score=score, comment=(comment or "").strip()[:COMMENT_MAX]
    )
    if not answered:
        raise SurveyClosed()
    invitation.refresh_from_db()
    rule = survey_bonus_rule(tier=account.tier)
    if rule is not None:
        invitation.bonus_lot = credit_locked(
            account,
            points=rule.points,
            kind=EntryKind.BONUS,
            earned_at=now,
            expires_at=lot_expires_at(program_settings_get(), now),
            now=now,
            rule=rule,
            note=rule.name,
            idempotency_key=f"survey:{invitation.pk}",
        ).lot
        invitation.save(update_fields=["bonus_lot"])
    return invitation
