"""What looks unusual, for the manager's "To review" page: patterns a limit does not catch.

Each rule is worked out by the database over the last `days` days (default 7) and shows at
most `MAX_ROWS` rows, the most telling first:

- the same pair again and again: one staff member recording `PAIR_MIN_PURCHASES` (3) or more
  desk purchases for one member;
- round totals: purchases by staff or a key whose total is a multiple of 100, from 100 up
  (not those still held, which the page lists above, nor those a manager rejected);
- many voids: a staff member with `VOIDS_MIN` (3) or more voids of purchases and redemptions
  together (the void that rejects a held purchase is a manager's decision, not counted);
- just under a limit: a purchase whose total or points are within `NEAR_LIMIT_SHARE` (10%)
  below a per-purchase limit of its desk or key, as `limits_for` reads them now.

Nothing here is proof: it is where a manager looks first. Each row links to the member at
the desk, the purchase in the admin, or the staff member's activity.
"""

import datetime
import math
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db.models import Count, DecimalField, Max, Q, Sum, Value
from django.db.models.functions import Mod
from django.utils import timezone

from loyalty.models import ApiKey, HoldStatus, Purchase, PurchaseReturn
from loyalty.services.limits import Limits, limits_for
from loyalty.services.program import program_settings_get
from members.models import Member
from rewards.models import Redemption

DEFAULT_DAYS = 7
MAX_DAYS = 90
MAX_ROWS = 50
PAIR_MIN_PURCHASES = 3
VOIDS_MIN = 3
ROUND_TO = Decimal("100")
NEAR_LIMIT_SHARE = Decimal("0.10")

# The desk's limits are the program's, the same whoever records: any staff member will do.
_ANY_STAFF = object()


@dataclass(frozen=True)
class RepeatedPair:
    staff: object
    member: Member
    purchases: int
    total: Decimal
    last_at: datetime.datetime


@dataclass(frozen=True)
class ManyVoids:
    staff: object
    purchase_voids: int
    redemption_voids: int

    @property
    def voids(self) -> int:
        return self.purchase_voids + self.redemption_voids


@dataclass(frozen=True)
class NearLimit:
    purchase: Purchase
    total_limit: Decimal | None  # set when the total is just under it
    points_limit: int | None  # set when the points are just under it


@dataclass(frozen=True)
class Unusual:
    days: int
    since: datetime.datetime
    repeated_pairs: list[RepeatedPair]
    round_totals: list[Purchase]
    many_voids: list[ManyVoids]
    near_limit: list[NearLimit]

    @property
    def is_empty(self) -> bool:
        return not (self.repeated_pairs or self.round_totals or self.many_voids or self.near_limit)


def _purchases(since: datetime.datetime):
    return Purchase.objects.filter(recorded_at__gte=since).select_related(
        "store", "member__user", "recorded_by", "api_key"
    )


def repeated_pairs(*, since: datetime.datetime) -> list[RepeatedPair]:
    rows = list(
        Purchase.objects.filter(recorded_at__gte=since, recorded_by__isnull=False)
        .values("recorded_by", "member")
        .annotate(purchases=Count("pk"), total=Sum("total"), last_at=Max("recorded_at"))
        .filter(purchases__gte=PAIR_MIN_PURCHASES)
        .order_by("-purchases", "-last_at", "recorded_by", "member")[:MAX_ROWS]
    )
    users = get_user_model().objects.in_bulk({row["recorded_by"] for row in rows})
    members = Member.objects.select_related("user").in_bulk({row["member"] for row in rows})
    return [
        RepeatedPair(
            staff=users[row["recorded_by"]],
            member=members[row["member"]],
            purchases=row["purchases"],
            total=row["total"],
            last_at=row["last_at"],
        )
        for row in rows
    ]


def round_totals(*, since: datetime.datetime) -> list[Purchase]:
    hundred = Value(ROUND_TO, output_field=DecimalField(max_digits=12, decimal_places=2))
    return list(
        _purchases(since)
        .filter(Q(recorded_by__isnull=False) | Q(api_key__isnull=False), total__gte=ROUND_TO)
        # A held purchase is listed above this section already, and a rejected one is decided.
        .exclude(hold_status__in=[HoldStatus.HELD, HoldStatus.REJECTED])
        .annotate(remainder=Mod("total", hundred))
        .filter(remainder=0)
        .order_by("-recorded_at", "-pk")[:MAX_ROWS]
    )


def many_voids(*, since: datetime.datetime) -> list[ManyVoids]:
    """Counted per source by the database; the two counts meet in Python (one row a person)."""
    purchase_voids = dict(
        PurchaseReturn.objects.filter(is_void=True, created_at__gte=since, actor__isnull=False)
        .exclude(purchase__hold_status=HoldStatus.REJECTED)
        .values("actor")
        .annotate(voids=Count("pk"))
        .values_list("actor", "voids")
    )
    redemption_voids = dict(
        Redemption.objects.filter(voided_at__gte=since, voided_by__isnull=False)
        .values("voided_by")
        .annotate(voids=Count("pk"))
        .values_list("voided_by", "voids")
    )
    counts = {
        user_id: (purchase_voids.get(user_id, 0), redemption_voids.get(user_id, 0))
        for user_id in purchase_voids.keys() | redemption_voids.keys()
    }
    wanted = {user_id: pair for user_id, pair in counts.items() if sum(pair) >= VOIDS_MIN}
    users = get_user_model().objects.in_bulk(wanted)
    rows = [
        ManyVoids(staff=users[user_id], purchase_voids=pair[0], redemption_voids=pair[1])
        for user_id, pair in wanted.items()
    ]
    rows.sort(key=lambda row: (-row.voids, row.staff.email))
    return rows[:MAX_ROWS]


def _floor(limit):
    """The lowest value that is "just under" `limit`."""
    return limit * (1 - NEAR_LIMIT_SHARE)


def _just_under(value, limit) -> bool:
    return limit is not None and _floor(limit) <= value <= limit


def _near(limits: Limits) -> Q | None:
    """In SQL: purchases just under either per-purchase limit; None when there is none."""
    near = Q()
    if limits.max_total is not None:
        near |= Q(total__gte=_floor(limits.max_total), total__lte=limits.max_total)
    if limits.max_points is not None:
        near |= Q(points__gte=math.ceil(_floor(limits.max_points)), points__lte=limits.max_points)
    return near or None


def near_limit(*, since: datetime.datetime) -> list[NearLimit]:
    """Against the limits in force now: the desk's for staff, each key's own (or the
    program's default for keys) for the keys that recorded in the window."""
    program = program_settings_get()
    by_key = {None: limits_for(program=program, actor=_ANY_STAFF)}
    for api_key in ApiKey.objects.filter(purchases__recorded_at__gte=since).distinct():
        by_key[api_key.pk] = limits_for(program=program, api_key=api_key)
    near = Q()
    for key_id, limits in by_key.items():
        condition = _near(limits)
        if condition is None:
            continue
        if key_id is None:
            near |= Q(api_key__isnull=True, recorded_by__isnull=False) & condition
        else:
            near |= Q(api_key_id=key_id) & condition
    if not near:
        return []
    rows = []
    for purchase in _purchases(since).filter(near).order_by("-recorded_at", "-pk")[:MAX_ROWS]:
        limits = by_key[purchase.api_key_id]
        rows.append(
            NearLimit(
                purchase=purchase,
                total_limit=(
                    limits.max_total if _just_under(purchase.total, limits.max_total) else None
                ),
                points_limit=(
                    limits.max_points if _just_under(purchase.points, limits.max_points) else None
                ),
            )
        )
    return rows


def unusual_list(*, days: int = DEFAULT_DAYS, now: datetime.datetime | None = None) -> Unusual:
    """Every rule over the last `days` days (1 to `MAX_DAYS`) before `now`."""
    days = max(1, min(days, MAX_DAYS))
    since = (now or timezone.now()) - datetime.timedelta(days=days)
    return Unusual(
        days=days,
        since=since,
        repeated_pairs=repeated_pairs(since=since),
        round_totals=round_totals(since=since),
        many_voids=many_voids(since=since),
        near_limit=near_limit(since=since),
    )
