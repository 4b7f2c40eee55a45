"""Reads for the desk's shift summary: what was recorded at each store on one day, per
recorder (a staff member, the store's API keys, or nobody named).

Every figure is a grouped SQL aggregate, so a busy day costs the same few queries as a quiet
one. A day is a whole day in the program's time zone (`program_day_bounds`), and a row counts
on the day it was recorded, whatever sale time a till sent. Counter redemptions and vouchers
are the rewards app's (`rewards.selectors.shift_redemption_figures`), in the same shape, so
the desk adds the two up.
"""

import datetime
from dataclasses import dataclass, fields
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db.models import BooleanField, Count, ExpressionWrapper, Q, QuerySet, Sum
from django.db.models.functions import Coalesce

from loyalty.models import Purchase, PurchaseReturn, Store
from loyalty.services.program import program_day_bounds

# Who recorded a row: a user's pk, or one of these two.
API = "api"  # one of the store's API keys (a till, the web shop): the store's, no person's
UNNAMED = "unnamed"  # neither (seed data, an import, a shell)
Recorder = int | str
ShiftKey = tuple[int, Recorder]  # (store pk, recorder)


@dataclass(frozen=True)
class ShiftFigures:
    """One recorder's day at one store. Each app's selector fills its own fields; `+` adds
    them up (a store's total is the sum of its rows)."""

    purchases: int = 0
    sales: Decimal = Decimal("0")  # the purchases' totals, in the program's currency
    points_issued: int = 0  # what the purchases earned, less the held ones' points
    held: int = 0  # purchases a limit held for a manager's approval when they were recorded
    held_points: int = 0
    returns: int = 0
    returned_points: int = 0
    voids: int = 0
    voided_points: int = 0
    redemptions: int = 0  # rewards redeemed for a member at the counter (or through the API)
    redeemed_points: int = 0
    vouchers_used: int = 0  # vouchers a member showed, validated and used
    redemption_voids: int = 0  # redemptions voided, their points given back to the member
    redemption_voided_points: int = 0

    def __add__(self, other: "ShiftFigures") -> "ShiftFigures":
        return ShiftFigures(
            **{
                field.name: getattr(self, field.name) + getattr(other, field.name)
                for field in fields(self)
            }
        )

    @property
    def points_taken_back(self) -> int:
        return self.returned_points + self.voided_points


def recorder_of(*, user_id: int | None, via_api: bool) -> Recorder:
    """The recorder of a row from its user and whether an API key did it."""
    if user_id is not None:
        return user_id
    return API if via_api else UNNAMED


def shift_scope(
    queryset: QuerySet,
    *,
    store_field: str,
    user_field: str,
    store_id: int | None,
    user_id: int | None,
) -> QuerySet:
    """Only one store's rows (`store_id`), and only one user's (`user_id`), when given."""
    if store_id is not None:
        queryset = queryset.filter(**{store_field: store_id})
    if user_id is not None:
        queryset = queryset.filter(**{user_field: user_id})
    return queryset


def via_api_key(api_key_field: str) -> ExpressionWrapper:
    """True in SQL when the row's `api_key_field` names an API key."""
    return ExpressionWrapper(Q(**{f"{api_key_field}__isnull": False}), output_field=BooleanField())


def shift_sale_figures(
    *, day: datetime.date, store_id: int | None = None, user_id: int | None = None
) -> dict[ShiftKey, ShiftFigures]:
    """Purchases, returns and voids recorded on `day`, per store and recorder (two queries).

    A voided purchase still counts as a purchase of its day; its void counts on the day of the
    void, so a day's purchases and takings-back add up to what the tills did. A return or void
    is counted at the store where it was done (the purchase's store when none was recorded, as
    for a manager's rejection of a held purchase).
    """
    start, end = program_day_bounds(day)
    figures: dict[ShiftKey, ShiftFigures] = {}
    purchases = shift_scope(
        Purchase.objects.filter(recorded_at__gte=start, recorded_at__lt=end),
        store_field="store_id",
        user_field="recorded_by_id",
        store_id=store_id,
        user_id=user_id,
    )
    held = ~Q(held_reason="")
    for row in (
        purchases.annotate(via_api=via_api_key("api_key"))
        .values("store_id", "recorded_by_id", "via_api")
        .annotate(
            n_purchases=Count("pk"),
            n_sales=Sum("total"),
            n_issued=Coalesce(Sum("points", filter=~held), 0),
            n_held=Count("pk", filter=held),
            n_held_points=Coalesce(Sum("points", filter=held), 0),
        )
        .order_by()
    ):
        key = (row["store_id"], recorder_of(user_id=row["recorded_by_id"], via_api=row["via_api"]))
        figures[key] = figures.get(key, ShiftFigures()) + ShiftFigures(
            purchases=row["n_purchases"],
            sales=row["n_sales"],
            points_issued=row["n_issued"],
            held=row["n_held"],
            held_points=row["n_held_points"],
        )
    returns = shift_scope(
        PurchaseReturn.objects.filter(created_at__gte=start, created_at__lt=end).annotate(
            where=Coalesce("store_id", "purchase__store_id")
        ),
        store_field="where",
        user_field="actor_id",
        store_id=store_id,
        user_id=user_id,
    )
    for row in (
        returns.annotate(via_api=via_api_key("api_key"))
        .values("where", "actor_id", "via_api")
        .annotate(
            n_returns=Count("pk", filter=Q(is_void=False)),
            n_returned=Coalesce(Sum("points", filter=Q(is_void=False)), 0),
            n_voids=Count("pk", filter=Q(is_void=True)),
            n_voided=Coalesce(Sum("points", filter=Q(is_void=True)), 0),
        )
        .order_by()
    ):
        key = (row["where"], recorder_of(user_id=row["actor_id"], via_api=row["via_api"]))
        figures[key] = figures.get(key, ShiftFigures()) + ShiftFigures(
            returns=row["n_returns"],
            returned_points=row["n_returned"],
            voids=row["n_voids"],
            voided_points=row["n_voided"],
        )
    return figures


def shift_store_list() -> list[Store]:
    """The stores a manager may pick, by name (closed ones too: their past days still count)."""
    return list(Store.objects.order_by("name", "pk"))


def shift_recorder_names(user_ids) -> dict[int, tuple[str, str]]:
    """(name, email) of each user, in one query; the name is the email when none is set."""
    users = get_user_model().objects.filter(pk__in=set(user_ids))
    return {user.pk: (user.get_full_name() or user.email, user.email) for user in users}
