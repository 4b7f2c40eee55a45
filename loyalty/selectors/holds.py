"""Reads of purchases a limit held, for the manager's "To review" page."""

from django.db.models import QuerySet

from loyalty.models import HoldStatus, Purchase


def purchase_list_held() -> QuerySet[Purchase]:
    """Purchases whose points wait for a manager's decision, newest first."""
    return (
        Purchase.objects.filter(hold_status=HoldStatus.HELD)
        .select_related("member", "member__user", "store", "recorded_by", "api_key")
        .order_by("-recorded_at", "-pk")
    )


def purchase_list_reviewed(*, limit: int = 20) -> QuerySet[Purchase]:
    """The latest decisions on held purchases, newest first."""
    return (
        Purchase.objects.filter(hold_status__in=[HoldStatus.APPROVED, HoldStatus.REJECTED])
        .select_related("member", "member__user", "store", "reviewed_by")
        .order_by("-reviewed_at", "-pk")[:limit]
    )
