"""The activity log's sources: which rows each kind of activity is read from, and how one row
reads in the log. The feed that merges them is `loyalty.backoffice.activity`.

A source names the fields the log's filters need (its timestamp, its staff member, its API
key, its store), so that each filter is one more condition in the source's own query. A source
without one of them (a referral review has no store) yields nothing while that filter is set:
nothing it holds can match it.
"""

import datetime
import json
from collections.abc import Callable
from dataclasses import dataclass

from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from loyalty.models import EntryKind, HoldStatus, PointsEntry, Purchase, PurchaseReturn
from members.models import User
from referrals.models import Referral, ReferralStatus
from rewards.codes import voucher_code_format
from rewards.models import Redemption, RedemptionChannel, RewardKind


@dataclass(frozen=True)
class Activity:
    """One thing a staff member, a manager or an API key did."""

    at: datetime.datetime
    kind: str  # a key of `ACTIVITY_KINDS`
    actor: object | None  # the user who did it; None when an API key did
    member: object | None  # the member it was done to
    store: object | None
    what: str
    why: str
    api_key: object | None = None  # the key a till or shop used, when it came through the API

    @property
    def label(self) -> str:
        return str(ACTIVITY_KINDS[self.kind])


ACTIVITY_KINDS = {
    "purchase": gettext_lazy("Purchase recorded"),
    "return": gettext_lazy("Purchase returned"),
    "void_purchase": gettext_lazy("Purchase voided"),
    "hold_approved": gettext_lazy("Held purchase approved"),
    "hold_rejected": gettext_lazy("Held purchase rejected"),
    "adjustment": gettext_lazy("Points adjusted"),
    "counter_redemption": gettext_lazy("Reward redeemed at the counter"),
    "api_redemption": gettext_lazy("Reward redeemed through the API"),
    "voucher_used": gettext_lazy("Voucher used"),
    "redemption_voided": gettext_lazy("Redemption voided"),
    "referral_review": gettext_lazy("Referral reviewed"),
    "rights_change": gettext_lazy("Rights changed"),
}


@dataclass(frozen=True)
class Source:
    """Rows of one or more kinds, newest first by their own timestamp, and how to show one.

    `kinds` maps each kind the source yields to the condition that picks its rows. `at` is the
    timestamp field; `actor`, `api_key` and `store` are the fields the filters compare, or None
    where the rows have no such thing.
    """

    queryset: Callable[[], QuerySet]
    to_activity: Callable[[object], Activity]
    kinds: dict[str, Q]
    at: str
    actor: str | None = None
    api_key: str | None = None
    store: str | None = None


def _signed(points: int) -> str:
    return f"{points:+,d}"


def _points(points: int) -> str:
    return ngettext("%(points)s point", "%(points)s points", points) % {"points": f"{points:,d}"}


# --- purchases, returns, holds --------------------------------------------------------------


def _purchase(purchase: Purchase) -> Activity:
    items = sum(line.quantity for line in purchase.lines.all())
    what = ngettext(
        "Receipt %(receipt)s, %(items)d item, %(total)s %(currency)s: %(points)s",
        "Receipt %(receipt)s, %(items)d items, %(total)s %(currency)s: %(points)s",
        items,
    ) % {
        "receipt": str(purchase),
        "items": items,
        "total": f"{purchase.total:,.2f}",
        "currency": purchase.currency,
        "points": _points(purchase.points),
    }
    if purchase.hold_status:
        what += " " + _("(%(status)s)") % {"status": HoldStatus(purchase.hold_status).label}
    return Activity(
        at=purchase.recorded_at,
        kind="purchase",
        actor=purchase.recorded_by,
        member=purchase.member,
        store=purchase.store,
        what=what,
        why=purchase.held_reason,
        api_key=purchase.api_key,
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
    if not purchase_return.is_void:
        why = _("Goods returned")
    elif purchase.hold_status == HoldStatus.REJECTED:
        why = _("A manager rejected the held purchase")
    else:
        why = _("Recorded by mistake")
    return Activity(
        at=purchase_return.created_at,
        kind="void_purchase" if purchase_return.is_void else "return",
        actor=purchase_return.actor,
        member=purchase.member,
        store=purchase_return.store,
        what=what,
        why=why,
        api_key=purchase_return.api_key,
    )


def _hold_decision(purchase: Purchase) -> Activity:
    what = _("Receipt %(receipt)s, %(total)s %(currency)s: %(points)s; held because: %(reason)s")
    return Activity(
        at=purchase.reviewed_at,
        kind="hold_approved" if purchase.hold_status == HoldStatus.APPROVED else "hold_rejected",
        actor=purchase.reviewed_by,
        member=purchase.member,
        store=purchase.store,
        what=what
        % {
            "receipt": str(purchase),
            "total": f"{purchase.total:,.2f}",
            "currency": purchase.currency,
            "points": _points(purchase.points),
            "reason": purchase.held_reason,
        },
        why=purchase.review_note,
    )


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


# --- rewards -------------------------------------------------------------------------------


def _redemption_what(redemption: Redemption) -> str:
    reward = redemption.reward.name
    if redemption.steps > 1:
        reward = f"{reward} × {redemption.steps}"
    return ngettext(
        "%(reward)s for %(points)s point, voucher %(code)s",
        "%(reward)s for %(points)s points, voucher %(code)s",
        redemption.points,
    ) % {
        "reward": reward,
        "points": f"{redemption.points:,d}",
        "code": voucher_code_format(redemption.code),
    }


def _redemption_issued(redemption: Redemption) -> Activity:
    return Activity(
        at=redemption.issued_at,
        kind="api_redemption" if redemption.api_key_id else "counter_redemption",
        actor=redemption.issued_by,
        member=redemption.member,
        store=redemption.store,
        what=_redemption_what(redemption),
        why="",
        api_key=redemption.api_key,
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
        api_key=redemption.fulfilled_api_key,
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
        api_key=redemption.voided_api_key,
    )


# --- referrals and rights ------------------------------------------------------------------


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


# The admin writes a change's field labels untranslated into the log entry (JSON), as the
# user model names them; these are the fields that give or take rights.
RIGHTS_FIELDS = {
    "Groups": gettext_lazy("groups"),
    "Staff status": gettext_lazy("staff status"),
    "Superuser status": gettext_lazy("superuser status"),
    "Active": gettext_lazy("active"),
    "User permissions": gettext_lazy("user permissions"),
}


def _rights_changed_fields(change_message: str) -> list[str]:
    try:
        changes = json.loads(change_message)
    except ValueError:
        return []
    fields = []
    for change in changes if isinstance(changes, list) else []:
        changed = change.get("changed", {}) if isinstance(change, dict) else {}
        fields += [name for name in changed.get("fields", []) if name in RIGHTS_FIELDS]
    return fields


def _rights_change(entry: LogEntry) -> Activity:
    fields = ", ".join(
        str(RIGHTS_FIELDS[name]) for name in _rights_changed_fields(entry.change_message)
    )
    return Activity(
        at=entry.action_time,
        kind="rights_change",
        actor=entry.user,
        member=None,
        store=None,
        what=_("User %(user)s: changed %(fields)s") % {"user": entry.object_repr, "fields": fields},
        why=_("In the admin"),
    )


def _rights_entries() -> QuerySet:
    """The admin's changes of users that touched a rights field (its JSON names the label
    in double quotes, which no other field's label matches)."""
    touched = Q()
    for label in RIGHTS_FIELDS:
        touched |= Q(change_message__contains=f'"{label}"')
    return LogEntry.objects.filter(
        touched, content_type=ContentType.objects.get_for_model(User), action_flag=CHANGE
    ).select_related("user")


# --- the sources ---------------------------------------------------------------------------


def _redemptions() -> QuerySet:
    return Redemption.objects.select_related("reward", "member__user")


_PURCHASE_ROWS = ("store", "member__user", "recorded_by", "api_key")
ALL = Q()

SOURCES = [
    Source(
        lambda: (
            Purchase.objects.filter(Q(recorded_by__isnull=False) | Q(api_key__isnull=False))
            .select_related(*_PURCHASE_ROWS)
            .prefetch_related("lines")
            .order_by("-recorded_at", "-pk")
        ),
        _purchase,
        kinds={"purchase": ALL},
        at="recorded_at",
        actor="recorded_by",
        api_key="api_key",
        store="store",
    ),
    Source(
        lambda: (
            PurchaseReturn.objects.filter(Q(actor__isnull=False) | Q(api_key__isnull=False))
            .select_related(
                "actor", "api_key", "store", "purchase__store", "purchase__member__user"
            )
            .prefetch_related("lines")
            .order_by("-created_at", "-pk")
        ),
        _return,
        kinds={"return": Q(is_void=False), "void_purchase": Q(is_void=True)},
        at="created_at",
        actor="actor",
        api_key="api_key",
        store="store",
    ),
    Source(
        lambda: (
            Purchase.objects.filter(
                reviewed_by__isnull=False,
                reviewed_at__isnull=False,
                hold_status__in=[HoldStatus.APPROVED, HoldStatus.REJECTED],
            )
            .select_related("store", "member__user", "reviewed_by")
            .order_by("-reviewed_at", "-pk")
        ),
        _hold_decision,
        kinds={
            "hold_approved": Q(hold_status=HoldStatus.APPROVED),
            "hold_rejected": Q(hold_status=HoldStatus.REJECTED),
        },
        at="reviewed_at",
        actor="reviewed_by",
        store="store",
    ),
    Source(
        lambda: (
            PointsEntry.objects.filter(kind=EntryKind.ADJUSTMENT, actor__isnull=False)
            .select_related("actor", "store", "account__member__user")
            .order_by("-created_at", "-pk")
        ),
        _adjustment,
        kinds={"adjustment": ALL},
        at="created_at",
        actor="actor",
        store="store",
    ),
    Source(
        lambda: (
            _redemptions()
            .filter(
                Q(channel=RedemptionChannel.COUNTER, issued_by__isnull=False)
                | Q(api_key__isnull=False)
            )
            .select_related("issued_by", "api_key", "store")
            .order_by("-issued_at", "-pk")
        ),
        _redemption_issued,
        kinds={
            "counter_redemption": Q(api_key__isnull=True),
            "api_redemption": Q(api_key__isnull=False),
        },
        at="issued_at",
        actor="issued_by",
        api_key="api_key",
        store="store",
    ),
    Source(
        lambda: (
            _redemptions()
            .filter(Q(fulfilled_by__isnull=False) | Q(fulfilled_api_key__isnull=False))
            .filter(fulfilled_at__isnull=False)
            # A counter redemption is used as it is made, and a donation as it is given (by
            # the member, online): neither is a voucher staff took.
            .exclude(channel=RedemptionChannel.COUNTER)
            .exclude(reward__kind=RewardKind.DONATION)
            .select_related("fulfilled_by", "fulfilled_api_key", "fulfilled_store")
            .order_by("-fulfilled_at", "-pk")
        ),
        _voucher_used,
        kinds={"voucher_used": ALL},
        at="fulfilled_at",
        actor="fulfilled_by",
        api_key="fulfilled_api_key",
        store="fulfilled_store",
    ),
    Source(
        lambda: (
            _redemptions()
            .filter(Q(voided_by__isnull=False) | Q(voided_api_key__isnull=False))
            .filter(voided_at__isnull=False)
            .select_related("voided_by", "voided_api_key")
            .order_by("-voided_at", "-pk")
        ),
        _redemption_voided,
        kinds={"redemption_voided": ALL},
        at="voided_at",
        actor="voided_by",
        api_key="voided_api_key",
    ),
    Source(
        lambda: (
            Referral.objects.filter(reviewed_by__isnull=False, reviewed_at__isnull=False)
            .select_related("reviewed_by", "referrer__user", "friend__user")
            .order_by("-reviewed_at", "-pk")
        ),
        _referral_review,
        kinds={"referral_review": ALL},
        at="reviewed_at",
        actor="reviewed_by",
    ),
    Source(
        lambda: _rights_entries().order_by("-action_time", "-pk"),
        _rights_change,
        kinds={"rights_change": ALL},
        at="action_time",
        actor="user",
    ),
]
