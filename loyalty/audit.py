"""The ledger's invariant, checked account by account in bounded memory.

For every account: balance == sum(entry points) == sum(remaining of available lots),
pending == sum(remaining of pending lots), and debt == sum(entry debt changes).
"""

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from django.db.models import IntegerField, OuterRef, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from loyalty.models import PointsAccount, PointsEntry, PointsLot


@dataclass(frozen=True)
class AccountAudit:
    account_id: int
    balance: int
    pending: int
    debt: int
    entries_points: int
    entries_debt: int
    available_lots: int
    pending_lots: int

    @property
    def problems(self) -> list[str]:
        found = []
        if self.balance != self.entries_points:
            found.append(f"balance {self.balance} != sum of entries {self.entries_points}")
        if self.balance != self.available_lots:
            found.append(
                f"balance {self.balance} != remaining in available lots {self.available_lots}"
            )
        if self.pending != self.pending_lots:
            found.append(f"pending {self.pending} != remaining in pending lots {self.pending_lots}")
        if self.debt != self.entries_debt:
            found.append(f"debt {self.debt} != sum of entry debt changes {self.entries_debt}")
        return found


def _sum(queryset, field: str):
    total = (
        queryset.filter(account=OuterRef("pk"))
        .values("account")
        .annotate(total=Sum(field))
        .values("total")
    )
    return Coalesce(Subquery(total, output_field=IntegerField()), Value(0))


def account_audits(
    *, account_ids: Iterable[int] | None = None, chunk_size: int = 2000
) -> Iterator[AccountAudit]:
    """Every account with its totals, streamed from the database in pk order."""
    accounts = PointsAccount.objects.all()
    if account_ids is not None:
        accounts = accounts.filter(pk__in=list(account_ids))
    rows = (
        accounts.annotate(
            entries_points=_sum(PointsEntry.objects, "points"),
            entries_debt=_sum(PointsEntry.objects, "debt_change"),
            available_lots=_sum(PointsLot.objects.filter(is_pending=False), "remaining"),
            pending_lots=_sum(PointsLot.objects.filter(is_pending=True), "remaining"),
        )
        .order_by("pk")
        .values_list(
            "pk",
            "balance",
            "pending",
            "debt",
            "entries_points",
            "entries_debt",
            "available_lots",
            "pending_lots",
        )
    )
    for row in rows.iterator(chunk_size=chunk_size):
        yield AccountAudit(*row)


def ledger_problems(*, account_ids: Iterable[int] | None = None) -> list[str]:
    """Human-readable problems of the given (or all) accounts; empty when the ledger is sound."""
    return [
        f"account {audit.account_id}: {problem}"
        for audit in account_audits(account_ids=account_ids)
        for problem in audit.problems
    ]
