"""Product categories as the desk's basket offers them: the ones a store sells most, first."""

import datetime

from django.core.cache import cache
from django.db.models import Count
from django.utils import timezone

from loyalty.models import ProductCategory, PurchaseLine, Store

QUICK_CATEGORIES = 6
# What "sells most" looks back over, and how long one store's answer is kept.
QUICK_CATEGORIES_PERIOD = datetime.timedelta(days=30)
QUICK_CATEGORIES_CACHE_SECONDS = 600


def _most_sold_category_ids(store: Store, limit: int) -> list[int]:
    since = timezone.now() - QUICK_CATEGORIES_PERIOD
    rows = (
        PurchaseLine.objects.filter(
            purchase__store=store,
            purchase__occurred_at__gte=since,
            purchase__voided_at__isnull=True,
            category__isnull=False,
        )
        .values("category_id")
        .annotate(lines=Count("pk"))
        .order_by("-lines", "category_id")[:limit]
    )
    return [row["category_id"] for row in rows]


def category_list_quick(store: Store, *, limit: int = QUICK_CATEGORIES) -> list[ProductCategory]:
    """Up to `limit` categories for one-tap buttons: those with the most lines at `store` in the
    last 30 days, then the others by name. The ranking is cached for ten minutes per store;
    the categories themselves (names, deletions) are read fresh."""
    key = f"desk:quick-categories:{store.pk}:{limit}"
    ranked = cache.get(key)
    if ranked is None:
        ranked = _most_sold_category_ids(store, limit)
        cache.set(key, ranked, QUICK_CATEGORIES_CACHE_SECONDS)
    by_id = ProductCategory.objects.in_bulk(ranked)
    chosen = [by_id[pk] for pk in ranked if pk in by_id]
    if len(chosen) < limit:
        chosen += ProductCategory.objects.exclude(pk__in=[c.pk for c in chosen]).order_by(
            "name", "pk"
        )[: limit - len(chosen)]
    return chosen
