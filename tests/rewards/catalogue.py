"""Test helpers: rewards and members with points."""

from decimal import Decimal

from loyalty.services import points_credit
from rewards.models import Cause, Reward, RewardKind


def make_reward(slug: str = "free-coffee", *, points_cost: int = 100, **fields) -> Reward:
    fields.setdefault("kind", RewardKind.FREE_PRODUCT)
    fields.setdefault("name", slug.replace("-", " ").title())
    return Reward.objects.create(slug=slug, points_cost=points_cost, **fields)


def make_cause(slug: str = "food-bank") -> Cause:
    return Cause.objects.create(slug=slug, name=slug.replace("-", " ").title())


def give_points(member, points: int):
    return points_credit(account=member.points_account, points=points)


ZERO = Decimal("0")
