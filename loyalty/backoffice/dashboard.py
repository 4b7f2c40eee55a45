"""The admin's front page: today's figures and what waits for a manager, each shown only to
whom may open the page behind it."""

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Q, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _

from loyalty.backoffice.review import REVIEW_PERMISSION
from loyalty.backoffice.views import REPORTS_PERMISSION
from loyalty.models import EntryKind, OutboxEmail, OutboxStatus, PointsEntry, Purchase
from loyalty.money import money_format
from loyalty.selectors.holds import purchase_list_held
from loyalty.services.program import program_day_bounds, program_settings_get, program_today
from members.models import Member
from referrals.models import Referral, ReferralStatus
from rewards.models import Redemption, RedemptionStatus

REFERRAL_REVIEW_PERMISSION = "referrals.change_referral"


@dataclass(frozen=True)
class Figure:
    label: str
    value: str


@dataclass(frozen=True)
class Waiting:
    label: str
    count: int
    url: str


@dataclass
class Dashboard:
    today: list[Figure] = field(default_factory=list)
    waiting: list[Waiting] = field(default_factory=list)


def dashboard_figures(*, user, now=None) -> Dashboard:
    """Today's figures (in the program's day) for a user who may read the reports, and the
    queues they may work on: held purchases, referrals to review, emails that failed."""
    dashboard = Dashboard()
    start, end = program_day_bounds(program_today(now or timezone.now()))
    if user.has_perm(REPORTS_PERMISSION):
        dashboard.today = _today(start, end)
    if user.has_perm(REVIEW_PERMISSION):
        dashboard.waiting.append(
            Waiting(
                _("Purchases held for approval"),
                purchase_list_held().count(),
                reverse("review:index"),
            )
        )
    if user.has_perm(REFERRAL_REVIEW_PERMISSION):
        url = reverse("admin:referrals_referral_changelist")
        dashboard.waiting.append(
            Waiting(
                _("Referrals to review"),
                Referral.objects.filter(status=ReferralStatus.QUALIFIED).count(),
                f"{url}?status__exact={ReferralStatus.QUALIFIED}",
            )
        )
    if user.is_superuser:
        url = reverse("admin:loyalty_outboxemail_changelist")
        dashboard.waiting.append(
            Waiting(
                _("Emails that could not be sent"),
                OutboxEmail.objects.filter(status=OutboxStatus.FAILED).count(),
                f"{url}?status__exact={OutboxStatus.FAILED}",
            )
        )
    return dashboard


def _today(start, end) -> list[Figure]:
    currency = program_settings_get().currency
    sales = Purchase.objects.filter(
        occurred_at__gte=start, occurred_at__lt=end, voided_at__isnull=True
    ).aggregate(count=Count("pk"), total=Sum("total"))
    earned = (
        PointsEntry.objects.filter(created_at__gte=start, created_at__lt=end, points__gt=0)
        .exclude(kind=EntryKind.SPEND_REVERSAL)
        .aggregate(points=Sum("points"))["points"]
    )
    redeemed = (
        Redemption.objects.filter(issued_at__gte=start, issued_at__lt=end)
        .filter(~Q(status=RedemptionStatus.VOID))
        .count()
    )
    joined = Member.objects.filter(joined_at__gte=start, joined_at__lt=end).count()
    return [
        Figure(_("Purchases"), _number(sales["count"])),
        Figure(_("Sales"), money_format(sales["total"] or Decimal("0"), currency)),
        Figure(_("Points earned"), _number(earned or 0)),
        Figure(_("Rewards redeemed"), _number(redeemed)),
        Figure(_("New members"), _number(joined)),
    ]


def _number(value: int) -> str:
    return number_format(value, force_grouping=True)
