"""Referrals of the report: invitation links opened, and how far the invited friends got."""

from dataclasses import dataclass

from django.db.models import Count, Q, Sum

from loyalty.backoffice.report.period import ReportPeriod
from referrals.models import Referral, ReferralCode, ReferralStatus


@dataclass(frozen=True)
class ReferralFunnel:
    links_opened: int  # all time: the landing page counter has no dates
    signups: int  # referrals that signed up in the period; the stages below are of these
    qualified: int
    rewarded: int
    flagged: int
    rejected: int
    cancelled: int  # rewarded, then the qualifying purchase came back


def referral_funnel_get(*, period: ReportPeriod) -> ReferralFunnel:
    """Invitation links opened (all time), and the friends who signed up in the period with
    how far they got. Referrals belong to no store. Two queries."""
    opened = ReferralCode.objects.aggregate(opened=Sum("link_opens"))["opened"] or 0
    funnel = Referral.objects.filter(
        created_at__gte=period.start, created_at__lt=period.end
    ).aggregate(
        signups=Count("pk"),
        qualified=Count("pk", filter=Q(qualified_at__isnull=False)),
        rewarded=Count("pk", filter=Q(status=ReferralStatus.REWARDED)),
        flagged=Count("pk", filter=Q(is_flagged=True)),
        rejected=Count("pk", filter=Q(status=ReferralStatus.REJECTED)),
        cancelled=Count("pk", filter=Q(status=ReferralStatus.CANCELLED)),
    )
    return ReferralFunnel(links_opened=opened, **funnel)
