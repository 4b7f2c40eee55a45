"""Reads about referrals."""

from dataclasses import dataclass

from referrals.models import Referral, ReferralStatus
from referrals.services import friend_short_name


@dataclass(frozen=True)
class ReferralRow:
    """What a member sees of a referral they made: the friend by first name and initial."""

    friend_name: str
    status: str
    status_label: str
    points: int
    pending: bool
    created_at: object


def referral_list_for_referrer(*, member) -> list[ReferralRow]:
    referrals = (
        Referral.objects.filter(referrer=member)
        .select_related("friend__user", "referrer_lot")
        .order_by("-created_at", "-pk")
    )
    rows = []
    for referral in referrals:
        lot = referral.referrer_lot
        rewarded = referral.status == ReferralStatus.REWARDED and lot is not None
        rows.append(
            ReferralRow(
                friend_name=friend_short_name(referral.friend),
                status=referral.status,
                # A flagged referral waits for review; the member sees it as signed up.
                status_label=str(
                    ReferralStatus.SIGNED_UP.label
                    if referral.status == ReferralStatus.QUALIFIED
                    else referral.get_status_display()
                ),
                points=lot.points if rewarded else 0,
                pending=bool(rewarded and lot.is_pending),
                created_at=referral.created_at,
            )
        )
    return rows


def referral_points_earned(rows: list[ReferralRow]) -> int:
    return sum(row.points for row in rows)
