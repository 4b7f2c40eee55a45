"""Floors: the least the framework can do for a page and for an authenticated write.

A workload is compared with its floor measured in the same run, so a slow machine slows
both and the ratio stays meaningful.
"""

from django.contrib.auth.decorators import login_required
from django.db import connection, transaction
from django.http import HttpResponse
from django.template import engines
from rest_framework.response import Response

from loyalty.api.views import StoreView

FLOOR_TABLE = "bench_floor_row"

_FLOOR_PAGE = engines["django"].from_string(
    '{% extends "base.html" %}{% block content %}<p>{{ count }}</p>{% endblock %}'
)


@login_required
def floor_page(request):
    """The site's base template and one query."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM loyalty_pointsentry WHERE account_id = 0")
        (count,) = cursor.fetchone()
    return HttpResponse(_FLOOR_PAGE.render({"count": count}, request))


class FloorEarnView(StoreView):
    """Authenticated like POST /api/v1/purchases/ (API key, throttle); inserts one row."""

    def post(self, request):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {FLOOR_TABLE} (store_id, external_id) VALUES (%s, %s)",  # noqa: S608
                [self.api_key.store_id, str(request.data.get("external_id", ""))[:100]],
            )
        return Response({"ok": True}, status=201)


def floor_table_create() -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TABLE IF NOT EXISTS {FLOOR_TABLE} ("
            "id bigserial PRIMARY KEY, store_id bigint NOT NULL, external_id text NOT NULL, "
            "created_at timestamptz NOT NULL DEFAULT now())"
        )
