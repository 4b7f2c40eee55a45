"""The activity log: who made or moved value, where, from which desk or key, when and why.

Read from the records the services already keep, nothing new is written. The sources are in
`loyalty.backoffice.activity_sources`:

| activity | record | who | where | when | why |
| --- | --- | --- | --- | --- | --- |
| purchase recorded | Purchase | recorded_by / api_key | store | recorded_at | held_reason |
| returned / voided | PurchaseReturn | actor / api_key | store | created_at | (1) |
| held purchase approved / rejected | Purchase | reviewed_by | store | reviewed_at | review_note |
| points adjusted | PointsEntry (adjustment) | actor | store | created_at | note |
| redeemed at the counter | Redemption (counter) | issued_by | store | issued_at | |
| redeemed through the API | Redemption (api_key) | api_key | store | issued_at | |
| voucher used (2) | Redemption | fulfilled_by / _api_key | fulfilled_store | fulfilled_at | |
| redemption voided | Redemption | voided_by / _api_key | | voided_at | void_reason |
| referral reviewed | Referral | reviewed_by | | reviewed_at | its reasons |
| rights changed (3) | admin LogEntry of a user | user | | action_time | |

(1) goods returned, a mistake (a void), or a manager's rejection of a held purchase.
(2) elsewhere than at the counter (there it is used as it is redeemed), by staff or a key.
(3) a change in the admin of groups, staff or superuser status, active, single permissions.

Returns come from PurchaseReturn rather than the ledger: a return that takes no points back
(or only pending ones) writes no ledger entry, yet staff did it. Spends and their reversals
are in the ledger too, but the redemption says more, so the ledger gives only adjustments.

`ActivityFeed` merges the sources newest first without a UNION: for a page ending at row N,
each source reads only its newest N rows, ordered by its own timestamp, and Python merges
them. Django's `Paginator` takes the feed as it is (`count()` and slicing). The filters
(`ActivityFilter`) are conditions in each source's own query, so a filtered page costs the
same as an unfiltered one.
"""

import datetime
import heapq
import itertools
from collections.abc import Iterator
from dataclasses import dataclass

from django.db.models import QuerySet

from loyalty.backoffice.activity_sources import ACTIVITY_KINDS, SOURCES, Activity, Source

__all__ = [
    "ACTIVITY_KINDS",
    "NO_FILTER",
    "Activity",
    "ActivityFeed",
    "ActivityFilter",
    "activity_list",
]


@dataclass(frozen=True)
class ActivityFilter:
    """What a manager narrowed the log to; None is "any". `until` is exclusive."""

    kind: str | None = None
    store: object | None = None
    staff: object | None = None
    api_key: object | None = None
    since: datetime.datetime | None = None
    until: datetime.datetime | None = None


NO_FILTER = ActivityFilter()


def _filtered(source: Source, filters: ActivityFilter) -> QuerySet | None:
    """The source's rows that match `filters`, or None when none can (see the sources)."""
    queryset = source.queryset()
    if filters.kind is not None:
        if filters.kind not in source.kinds:
            return None
        queryset = queryset.filter(source.kinds[filters.kind])
    wanted = (
        (source.store, filters.store),
        (source.actor, filters.staff),
        (source.api_key, filters.api_key),
    )
    for field, value in wanted:
        if value is None:
            continue
        if field is None:
            return None
        queryset = queryset.filter(**{field: value})
    if filters.since is not None:
        queryset = queryset.filter(**{f"{source.at}__gte": filters.since})
    if filters.until is not None:
        queryset = queryset.filter(**{f"{source.at}__lt": filters.until})
    return queryset


class ActivityFeed:
    """Every source's activities, newest first; sliceable and countable for `Paginator`."""

    def __init__(self, sources: list[Source] | None = None, filters: ActivityFilter = NO_FILTER):
        sources = SOURCES if sources is None else sources
        self.sources = [
            (source, queryset)
            for source in sources
            if (queryset := _filtered(source, filters)) is not None
        ]

    def count(self) -> int:
        return sum(queryset.count() for _source, queryset in self.sources)

    def __len__(self) -> int:
        return self.count()

    def _newest(self, limit: int) -> Iterator[Activity]:
        streams = [
            [source.to_activity(row) for row in queryset[:limit]]
            for source, queryset in self.sources
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


def activity_list(filters: ActivityFilter = NO_FILTER) -> ActivityFeed:
    return ActivityFeed(filters=filters)
