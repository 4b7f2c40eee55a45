"""Purchases of the report: repeat rate, frequency, order and lifetime value, net of returns."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, F, Q, QuerySet, Sum

from loyalty.backoffice.report.numbers import quantized, ratio
from loyalty.backoffice.report.period import ReportPeriod
from loyalty.models import LineShare, ProgramSettings, Purchase, PurchaseReturnLine, Store
from loyalty.money import cents
from loyalty.services.program import program_settings_get
from members.models import Member


def standing_purchases(*, store: Store | None, prefix: str = "") -> Q:
    """Purchases that stand (a voided one was a mistake and counts nowhere), at `store` when
    given; `prefix` reaches the purchase from another model, e.g. "line__purchase__"."""
    condition = Q(**{f"{prefix}voided_at__isnull": True})
    if store is not None:
        condition &= Q(**{f"{prefix}store": store})
    return condition


def purchases_standing(*, store: Store | None) -> QuerySet[Purchase]:
    return Purchase.objects.filter(standing_purchases(store=store))


@dataclass(frozen=True)
class PurchasesSummary:
    orders: int
    buyers: int  # members with at least one purchase in the period
    repeat_buyers: int  # ... with at least two
    repeat_rate: Decimal | None
    purchase_frequency: Decimal | None  # orders ÷ buyers
    gross_sales: Decimal
    returned_value: Decimal
    net_revenue: Decimal
    average_order_value: Decimal | None  # net revenue ÷ orders
    # Average customer lifetime value: net revenue of every purchase up to the end of the
    # period ÷ members who joined by then.
    lifetime_revenue: Decimal
    lifetime_members: int
    lifetime_value: Decimal | None
    currency: str


def _returned_value(*, store: Store | None, end: datetime.datetime, **conditions) -> dict:
    """What returns made before `end`, of purchases made before `end`, gave back in money; one
    sum per keyword, each over the returned lines matching its condition.

    A returned line gives back the share of its amount that the returned units stand for
    (`PurchaseLine.amount_of`).
    """
    refund = LineShare(amount="line__amount", units=F("quantity"), quantity="line__quantity")
    return PurchaseReturnLine.objects.filter(
        standing_purchases(store=store, prefix="line__purchase__"),
        line__purchase__occurred_at__lt=end,
        purchase_return__created_at__lt=end,
    ).aggregate(**{name: Sum(refund, filter=condition) for name, condition in conditions.items()})


def purchases_summary_get(
    *, period: ReportPeriod, store: Store | None = None, program: ProgramSettings | None = None
) -> PurchasesSummary:
    """Repeat purchase rate, purchase frequency, average order value and average customer
    lifetime value; money net of returns, voided purchases left out. Four queries, and one
    for the program settings unless `program` is given."""
    start, end = period.start, period.end
    in_period = purchases_standing(store=store).filter(occurred_at__gte=start, occurred_at__lt=end)
    # Per member first, then over members: the database does both steps in one query.
    per_member = in_period.values("member").annotate(member_orders=Count("pk")).order_by("member")
    counts = per_member.aggregate(
        buyers=Count("member"),
        repeat_buyers=Count("member", filter=Q(member_orders__gte=2)),
        orders=Sum("member_orders"),
    )
    up_to_end = purchases_standing(store=store).filter(occurred_at__lt=end)
    sales = up_to_end.aggregate(
        period=Sum("total", filter=Q(occurred_at__gte=start)), lifetime=Sum("total")
    )
    returned = _returned_value(
        store=store, end=end, period=Q(line__purchase__occurred_at__gte=start), lifetime=Q()
    )
    lifetime_members = Member.objects.filter(joined_at__lt=end).count()

    orders = counts["orders"] or 0
    buyers = counts["buyers"] or 0
    gross = cents(sales["period"])
    returned_value = cents(returned["period"])
    net = gross - returned_value
    lifetime_revenue = cents(sales["lifetime"]) - cents(returned["lifetime"])
    return PurchasesSummary(
        orders=orders,
        buyers=buyers,
        repeat_buyers=counts["repeat_buyers"] or 0,
        repeat_rate=ratio(counts["repeat_buyers"] or 0, buyers),
        purchase_frequency=ratio(orders, buyers),
        gross_sales=gross,
        returned_value=returned_value,
        net_revenue=net,
        average_order_value=quantized(ratio(net, orders)),
        lifetime_revenue=lifetime_revenue,
        lifetime_members=lifetime_members,
        lifetime_value=quantized(ratio(lifetime_revenue, lifetime_members)),
        currency=(program or program_settings_get()).currency,
    )
