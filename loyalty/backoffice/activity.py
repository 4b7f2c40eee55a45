"""The staff activity log: who did what to points, rewards and referrals, when and why.

Read from the records the services already keep, nothing new is written:

| activity | record | who | when | why |
| --- | --- | --- | --- | --- |
| points adjusted | PointsEntry (kind adjustment) | actor | created_at | note |
| purchase returned / voided | PurchaseReturn | actor | created_at | returned / a mistake |
| reward redeemed at the counter | Redemption (channel counter) | issued_by | issued_at | |
| voucher used (elsewhere than at the counter) | Redemption | fulfilled_by | fulfilled_at | |
| voucher or redemption voided | Redemption | voided_by | voided_at | void_reason |
| referral reviewed | Referral | reviewed_by | reviewed_at | its reasons |

Returns come from PurchaseReturn rather than the ledger: a return that takes no points back
(or only pending ones) writes no ledger entry, yet staff did it. Spends and their reversals
are in the ledger too, but the redemption says more, so the ledger gives only adjustments.

`ActivityFeed` merges the sources newest first without a UNION: for a page ending at row N,
each source reads only its newest N rows, ordered by its own timestamp, and Python merges
them. Django's `Paginator` takes the feed as it is (`count()` and slicing).
"""

import datetime
import heapq
import itertools
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from loyalty.models import EntryKind, PointsEntry, PurchaseReturn
from referrals.models import Referral, ReferralStatus
from rewards.codes import voucher_code_format
from rewards.models import Redemption, RedemptionChannel, RewardKind


@dataclass(frozen=True)
class Activity:
    """One thing a staff member or manager did."""

    at: datetime.datetime
    kind: str  # a key of `ACTIVITY_KINDS`
    actor: object  # the user who did it
    member: object | None  # the member it was done to
    store: object | None
    what: str
    why: str

    @property
    def label(self) -> str:
        return str(ACTIVITY_KINDS[self.kind])


ACTIVITY_KINDS = {
    "adjustment": gettext_lazy("Points adjusted"),
    "return": gettext_lazy("Purchase returned"),
    "void_purchase": gettext_lazy("Purchase voided"),
    "counter_redemption": gettext_lazy("Reward redeemed at the counter"),
    "voucher_used": gettext_lazy("Voucher used"),
    "redemption_voided": gettext_lazy("Redemption voided"),
    "referral_review": gettext_lazy("Referral reviewed"),
}


def _signed(points: int) -> str:
    return f"{points:+,d}"


def _adjustment(entry: PointsEntry) -> Activity:
    return Activity(
        at=entry.created_at,
        kind="adjustment",
        actor=entry.actor,
        member=entry.account.member,
        store=entry.store,
        what=ngettext(
            "%(points)s point; balance after: %(balance)s",
            "%(points)s points; balance after: %(balance)s",
            abs(entry.points),
        )
        % {"points": _signed(entry.points), "balance": f"{entry.balance_after:,d}"},
        why=entry.note,
    )


def _return(purchase_return: PurchaseReturn) -> Activity:
    """A return records no reason of its own: the goods came back, or (a void) it was a mistake."""
    purchase = purchase_return.purchase
    items = sum(line.quantity for line in purchase_return.lines.all())
    what = ngettext(
        "Receipt %(receipt)s, %(items)d item: %(points)s points taken back",
        "Receipt %(receipt)s, %(items)d items: %(points)s points taken back",
        items,
    ) % {"receipt": str(purchase), "items": items, "points": f"{purchase_return.points:,d}"}
    if purchase_return.debt_added:
        what += " " + _("(%(debt)s now owed)") % {"debt": f"{purchase_return.debt_added:,d}"}
    return Activity(
        at=purchase_return.created_at,
        kind="void_purchase" if purchase_return.is_void else "return",
        actor=purchase_return.actor,
        member=purchase.member,
        store=purchase_return.store,
        what=what,
        why=_("Recorded by mistake") if purchase_return.is_void else _("Goods returned"),
    )


def _redemption_what(redemption: Redemption) -> str:
    reward = redemption.reward.name
    if redemption.steps > 1:
        reward = f"{reward} × {redemption.steps}"  # noqa: RUF001 - the multiplication sign
    return ngettext(
        "%(reward)s for %(points)s point, voucher %(code)s",
        "%(reward)s for %(points)s points, voucher %(code)s",
        redemption.points,
    ) % {
        "reward": reward,
        "points": f"{redemption.points:,d}",
        "code": voucher_code_format(redemption.code),
    }


def _counter_redemption(redemption: Redemption) -> Activity:
    return Activity(
        at=redemption.issued_at,
        kind="counter_redemption",
        actor=redemption.issued_by,
        member=redemption.member,
        store=redemption.store,
        what=_redemption_what(redemption),
        why="",
    )


def _voucher_used(redemption: Redemption) -> Activity:
    return Activity(
        at=redemption.fulfilled_at,
        kind="voucher_used",
        actor=redemption.fulfilled_by,
        member=redemption.member,
        store=redemption.fulfilled_store,
        what=_redemption_what(redemption),
        why="",
    )


def _redemption_voided(redemption: Redemption) -> Activity:
    return Activity(
        at=redemption.voided_at,
        kind="redemption_voided",
        actor=redemption.voided_by,
        member=redemption.member,
        store=None,
        what=_redemption_what(redemption),
        why=redemption.void_reason,
    )


def _referral_review(referral: Referral) -> Activity:
    return Activity(
        at=referral.reviewed_at,
        kind="referral_review",
        actor=referral.reviewed_by,
        member=referral.referrer,
        store=None,
        what=_("%(friend)s, invited by %(referrer)s; now: %(status)s")
        % {
            "friend": referral.friend.display_name,
            "referrer": referral.referrer.display_name,
            "status": ReferralStatus(referral.status).label,
        },
        why="; ".join(str(reason) for reason in referral.reasons or []),
    )


@dataclass(frozen=True)
class Source:
    """Rows of one kind, newest first by their own timestamp, and how to show one."""

    queryset: Callable[[], QuerySet]
    to_activity: Callable[[object], Activity]


def _redemptions() -> QuerySet:
    return Redemption.objects.select_related("reward", "member__user")


SOURCES = [
    Source(
        lambda: (
            PointsEntry.objects.filter(kind=EntryKind.ADJUSTMENT, actor__isnull=False)
            .select_related("actor", "store", "account__member__user")
            .order_by("-created_at", "-pk")
        ),
        _adjustment,
    ),
    Source(
        lambda: (
            PurchaseReturn.objects.filter(actor__isnull=False)
            .select_related("actor", "store", "purchase__store", "purchase__member__user")
            .prefetch_related("lines")
            .order_by("-created_at", "-pk")
        ),
        _return,
    ),
    Source(
        lambda: (
            _redemptions()
            .filter(channel=RedemptionChannel.COUNTER, issued_by__isnull=False)
            .select_related("issued_by", "store")
            .order_by("-issued_at", "-pk")
        ),
        _counter_redemption,
    ),
    Source(
        lambda: (
            _redemptions()
            .filter(fulfilled_by__isnull=False, fulfilled_at__isnull=False)
            # A counter redemption is used as it is made, and a donation as it is given (by
            # the member, online): neither is a voucher staff took.
            .exclude(channel=RedemptionChannel.COUNTER)
            .exclude(reward__kind=RewardKind.DONATION)
            .select_related("fulfilled_by", "fulfilled_store")
            .order_by("-fulfilled_at", "-pk")
        ),
        _voucher_used,
    ),
    Source(
        lambda: (
            _redemptions()
            .filter(voided_by__isnull=False, voided_at__isnull=False)
            .select_related("voided_by")
            .order_by("-voided_at", "-pk")
        ),
        _redemption_voided,
    ),
    Source(
        lambda: (
            Referral.objects.filter(reviewed_by__isnull=False, reviewed_at__isnull=False)
            .select_related("reviewed_by", "referrer__user", "friend__user")
            .order_by("-reviewed_at", "-pk")
        ),
        _referral_review,
    ),
]


class ActivityFeed:
    """Every source's activities, newest first; sliceable and countable for `Paginator`."""

    def __init__(self, sources: list[Source] | None = None):
        self.sources = SOURCES if sources is None else sources

    def count(self) -> int:
        return sum(source.queryset().count() for source in self.sources)

    def __len__(self) -> int:
        return self.count()

    def _newest(self, limit: int) -> Iterator[Activity]:
        streams = [
            [source.to_activity(row) for row in source.queryset()[:limit]]
            for source in self.sources
        ]
        return heapq.merge(*streams, key=lambda activity: activity.at, reverse=True)

    def __getitem__(self, index: slice) -> list[Activity]:
        if not isinstance(index, slice) or index.step not in (None, 1):
            raise TypeError("ActivityFeed supports plain slices only.")
        start, stop = index.start or 0, index.stop
        if stop is None or start < 0 or stop < 0:
            raise ValueError("ActivityFeed slices need a non-negative start and stop.")
        if stop <= start:
            return []
        return list(itertools.islice(self._newest(stop), start, stop))


def activity_list() -> ActivityFeed:
    return ActivityFeed()
