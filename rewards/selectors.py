"""Reads of the reward catalogue and of members' vouchers."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, DecimalField, F, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from loyalty.money import cents, points_cash_value
from loyalty.selectors.shift import (
    ShiftFigures,
    ShiftKey,
    recorder_of,
    shift_scope,
    via_api_key,
)
from loyalty.services.program import program_day_bounds
from rewards.models import (
    Cause,
    Redemption,
    RedemptionChannel,
    RedemptionStatus,
    Reward,
    RewardCategory,
    RewardKind,
)
from rewards.services import redemptions_counted_for_limit, reward_availability_problem

COUNTED = ~Q(redemptions__status=RedemptionStatus.VOID)


@dataclass(frozen=True)
class CatalogueItem:
    reward: Reward
    problem: str | None  # why it cannot be redeemed now, whoever asks
    points_missing: int  # 0 when the member can afford it (or nobody is signed in)
    tier_allowed: bool = True  # False when the member's tier is below the reward's

    @property
    def can_redeem(self) -> bool:
        return self.problem is None and self.tier_allowed and self.points_missing == 0


def reward_list_visible(*, now: datetime.datetime | None = None) -> QuerySet[Reward]:
    """Active rewards whose window has not ended; not-yet-available ones show as "coming"."""
    now = now or timezone.now()
    return (
        Reward.objects.filter(is_active=True)
        .filter(Q(available_until__isnull=True) | Q(available_until__gt=now))
        .select_related("cause", "minimum_tier", "category")
    )


def reward_categories_in_catalogue(*, now: datetime.datetime | None = None) -> list[RewardCategory]:
    """The categories that hold at least one reward members can see, in the manager's order:
    the catalogue's filter offers no shelf that would show nothing."""
    visible = reward_list_visible(now=now).filter(category__isnull=False)
    return list(RewardCategory.objects.filter(pk__in=visible.values("category_id")))


def catalogue(
    *,
    balance: int | None,
    tier=None,
    affordable_only: bool = False,
    category: RewardCategory | None = None,
) -> list[CatalogueItem]:
    """The catalogue as one member (with `balance` and `tier`) or a visitor (None) sees it,
    all of it or one `category`."""
    now = timezone.now()
    items = []
    rewards = reward_list_visible(now=now)
    if category is not None:
        rewards = rewards.filter(category=category)
    for reward in rewards:
        missing = max(0, reward.points_cost - balance) if balance is not None else 0
        item = CatalogueItem(
            reward=reward,
            problem=reward_availability_problem(reward, now=now),
            points_missing=missing,
            tier_allowed=balance is None or reward.tier_allows(tier),
        )
        if affordable_only and not item.can_redeem:
            continue
        items.append(item)
    return items


def redemption_list_for_member(*, member) -> QuerySet[Redemption]:
    return Redemption.objects.filter(member=member).select_related("reward", "reward__cause")


def redemption_get_for_member(*, member, redemption_id: int) -> Redemption | None:
    """Only the member's own redemption: another member's id finds nothing."""
    return redemption_list_for_member(member=member).filter(pk=redemption_id).first()


def cause_list_with_totals() -> QuerySet[Cause]:
    """Causes with what members gave them (points and money), void donations not counted."""
    given = Q(
        rewards__redemptions__status__in=[RedemptionStatus.ISSUED, RedemptionStatus.FULFILLED]
    )
    return Cause.objects.annotate(
        donations=Count("rewards__redemptions", filter=given),
        points_given=Coalesce(Sum("rewards__redemptions__points", filter=given), 0),
        money_given=Coalesce(
            Sum("rewards__redemptions__value", filter=given),
            Value(0),
            output_field=DecimalField(max_digits=14, decimal_places=2),
        ),
    ).order_by("name")


def reward_list_with_totals() -> QuerySet[Reward]:
    """For the admin: how often each reward was redeemed (void ones not counted) and the points
    it took (without those given back, by a void or an expired voucher)."""
    kept = COUNTED & Q(redemptions__spend_entry__reversed_by__isnull=True)
    return Reward.objects.annotate(
        redemptions_count=Count("redemptions", filter=COUNTED),
        points_spent=Coalesce(Sum("redemptions__points", filter=kept), 0),
    )


def reward_redemptions_left(
    *, member, reward: Reward, now: datetime.datetime | None = None
) -> int | None:
    """How often `member` may still redeem `reward` in its current limit period; None = no limit.

    A hint for the page only: `reward_redeem` checks the limit again under the account lock.
    """
    if reward.per_member_limit is None:
        return None
    used = redemptions_counted_for_limit(member=member, reward=reward, now=now or timezone.now())
    return max(0, reward.per_member_limit - used)


def voucher_is_usable(redemption: Redemption, *, now: datetime.datetime | None = None) -> bool:
    """Whether the member has a code to show at the till: issued, not yet expired, and not a
    donation (which the member gives, with nothing to collect)."""
    now = now or timezone.now()
    return (
        redemption.status_at(now) == RedemptionStatus.ISSUED
        and redemption.reward.kind != RewardKind.DONATION
    )


def redemption_lists_for_member(
    *, member, now: datetime.datetime | None = None
) -> tuple[list[Redemption], list[Redemption]]:
    """The member's vouchers ready to use (soonest to expire first), and all the others (used,
    expired, void, donations; newest first). `spend_entry.reversed_by` tells whether the points
    came back."""
    now = now or timezone.now()
    active, past = [], []
    redemptions = redemption_list_for_member(member=member).select_related(
        "spend_entry__reversed_by"
    )
    for redemption in redemptions:
        (active if voucher_is_usable(redemption, now=now) else past).append(redemption)
    active.sort(key=lambda redemption: (redemption.expires_at, redemption.pk))
    return active, past


def rewards_redeemable_now(*, now: datetime.datetime | None = None) -> list[Reward]:
    """Every reward anyone could redeem now, cheapest first (read once per reminder run)."""
    now = now or timezone.now()
    rewards = reward_list_visible(now=now).order_by("points_cost", "pk")
    return [reward for reward in rewards if reward_availability_problem(reward, now=now) is None]


def rewards_within_reach(
    *, balance: int, limit: int = 3, redeemable: list[Reward] | None = None
) -> list[Reward]:
    """The cheapest rewards a member with `balance` points can redeem now (for reminders).

    Pass `redeemable` (from `rewards_redeemable_now`) to answer many members with one query.
    """
    if redeemable is None:
        redeemable = rewards_redeemable_now()
    return [reward for reward in redeemable if reward.points_cost <= balance][:limit]


@dataclass(frozen=True)
class RewardOutlook:
    """What a member's points reach in the catalogue now: how many rewards they can have, and
    the nearest one their tier allows that they cannot afford yet (None when there is none)."""

    redeemable_count: int
    next_reward: Reward | None
    balance: int

    @property
    def points_to_next(self) -> int:
        return self.next_reward.points_cost - self.balance if self.next_reward else 0


def reward_outlook_for_member(*, member, now: datetime.datetime | None = None) -> RewardOutlook:
    """The dashboard's "what can I get": rewards redeemable now (available, allowed by the
    member's tier, under their limit, affordable) counted, and of the others that only lack
    points the cheapest, ties in catalogue order. A reward above the member's tier is never a
    points shortfall (`Reward.tier_allows`, as `reward_redeem` and the counter list read it)."""
    now = now or timezone.now()
    account = member.points_account
    balance = account.balance
    redeemable_count = 0
    within_reach: list[Reward] = []
    for reward in reward_list_visible(now=now):
        if not reward.tier_allows(account.tier):
            continue
        if reward_availability_problem(reward, now=now) is not None:
            continue
        if reward_redemptions_left(member=member, reward=reward, now=now) == 0:
            continue
        if reward.points_cost <= balance:
            redeemable_count += 1
        else:
            within_reach.append(reward)
    # `sorted` is stable: among equal costs the catalogue's order (display order, name) wins.
    nearest = sorted(within_reach, key=lambda reward: reward.points_cost)[:1]
    return RewardOutlook(
        redeemable_count=redeemable_count,
        next_reward=nearest[0] if nearest else None,
        balance=balance,
    )


def vouchers_ready_for_member(*, member, now: datetime.datetime | None = None) -> list[Redemption]:
    """The member's vouchers to show at a till (`voucher_is_usable`), soonest to expire first."""
    now = now or timezone.now()
    issued = (
        redemption_list_for_member(member=member)
        .filter(status=RedemptionStatus.ISSUED, expires_at__gt=now)
        .order_by("expires_at", "pk")
    )
    return [redemption for redemption in issued if voucher_is_usable(redemption, now=now)]


# Rewards whose redemption records its worth in money: the discount, or the credit and the
# donation at the point value of the day. Others (a free product, an experience, a percentage
# whose `value` is a rate) are worth the points they took.
_VALUED_IN_MONEY = [RewardKind.FIXED_DISCOUNT, RewardKind.STORE_CREDIT, RewardKind.DONATION]


def member_savings_get(*, member, now: datetime.datetime | None = None) -> Decimal:
    """What the member's points have brought them, to the cent: every redemption and donation
    they kept (used, or a voucher still ready; not void, not expired, whose points were lost or
    given back), at its money value where it has one, else at the program's point value.
    One query."""
    now = now or timezone.now()
    in_money = Q(reward__kind__in=_VALUED_IN_MONEY, value__isnull=False)
    totals = (
        Redemption.objects.filter(member=member)
        .filter(
            Q(status=RedemptionStatus.FULFILLED)
            | Q(status=RedemptionStatus.ISSUED, expires_at__gt=now)
        )
        .aggregate(money=Sum("value", filter=in_money), points=Sum("points", filter=~in_money))
    )
    return cents(totals["money"]) + points_cash_value(totals["points"] or 0)


def shift_redemption_figures(
    *, day: datetime.date, store_id: int | None = None, user_id: int | None = None
) -> dict[ShiftKey, ShiftFigures]:
    """Counter redemptions, vouchers used and redemptions voided on `day`, per store and
    recorder (three queries), in
    the shape of `loyalty.selectors.shift.shift_sale_figures`.

    A redemption counts at the counter (or through a till's API key), never online; a voided
    one still counts on the day it was made. A voucher counts as used when it was shown and
    used after it was issued: what a counter redemption or a donation hands over at once is
    not a voucher someone brought in.
    """
    start, end = program_day_bounds(day)
    figures: dict[ShiftKey, ShiftFigures] = {}
    redeemed = shift_scope(
        Redemption.objects.filter(
            issued_at__gte=start,
            issued_at__lt=end,
            channel__in=[RedemptionChannel.COUNTER, RedemptionChannel.API],
            store__isnull=False,
        ),
        store_field="store_id",
        user_field="issued_by_id",
        store_id=store_id,
        user_id=user_id,
    )
    for row in (
        redeemed.annotate(via_api=via_api_key("api_key"))
        .values("store_id", "issued_by_id", "via_api")
        .annotate(n_redemptions=Count("pk"), n_points=Sum("points"))
        .order_by()
    ):
        key = (row["store_id"], recorder_of(user_id=row["issued_by_id"], via_api=row["via_api"]))
        figures[key] = figures.get(key, ShiftFigures()) + ShiftFigures(
            redemptions=row["n_redemptions"], redeemed_points=row["n_points"]
        )
    used = shift_scope(
        Redemption.objects.filter(
            fulfilled_at__gte=start,
            fulfilled_at__lt=end,
            fulfilled_at__gt=F("issued_at"),
            fulfilled_store__isnull=False,
        ),
        store_field="fulfilled_store_id",
        user_field="fulfilled_by_id",
        store_id=store_id,
        user_id=user_id,
    )
    for row in (
        used.annotate(via_api=via_api_key("fulfilled_api_key"))
        .values("fulfilled_store_id", "fulfilled_by_id", "via_api")
        .annotate(n_used=Count("pk"))
        .order_by()
    ):
        key = (
            row["fulfilled_store_id"],
            recorder_of(user_id=row["fulfilled_by_id"], via_api=row["via_api"]),
        )
        figures[key] = figures.get(key, ShiftFigures()) + ShiftFigures(vouchers_used=row["n_used"])
    # A void counts at the redemption's store; an online voucher belongs to none, so at the
    # store of whoever voided it (the staff member's, the API key's).
    voided = shift_scope(
        Redemption.objects.filter(voided_at__gte=start, voided_at__lt=end).annotate(
            where=Coalesce("store_id", "voided_by__store_id", "voided_api_key__store_id")
        ),
        store_field="where",
        user_field="voided_by_id",
        store_id=store_id,
        user_id=user_id,
    )
    for row in (
        voided.filter(where__isnull=False)
        .annotate(via_api=via_api_key("voided_api_key"))
        .values("where", "voided_by_id", "via_api")
        .annotate(n_voids=Count("pk"), n_points=Sum("points"))
        .order_by()
    ):
        key = (row["where"], recorder_of(user_id=row["voided_by_id"], via_api=row["via_api"]))
        figures[key] = figures.get(key, ShiftFigures()) + ShiftFigures(
            redemption_voids=row["n_voids"], redemption_voided_points=row["n_points"]
        )
    return figures
