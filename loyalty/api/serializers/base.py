"""What the API's serializers share: id and money bounds, the error body, a page of results."""

import datetime

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

# Ids beyond a 64-bit integer are never found; checking here keeps them away from the database.
MAX_ID = 2**63 - 1
EARLIEST_PURCHASE = datetime.datetime(2000, 1, 1, tzinfo=datetime.UTC)
MONEY = {"max_digits": 12, "decimal_places": 2}


class ErrorSerializer(serializers.Serializer):
    """For the schema: the body of every error response (see `loyalty.api.errors`)."""

    code = serializers.CharField(help_text=_("Stable, for programs: e.g. `insufficient_points`."))
    message = serializers.CharField(help_text=_("For people; the wording may change."))


# `fields` is a property of every serializer, so the field of that name is added by hand.
ErrorSerializer._declared_fields["fields"] = serializers.DictField(
    child=serializers.JSONField(),
    help_text=_(
        "Invalid request fields and their messages, nested like the request; empty for errors "
        "that are not about one field."
    ),
)


class PageSerializer(serializers.Serializer):
    next = serializers.URLField(allow_null=True, help_text=_("The next (older) page, or empty."))
    previous = serializers.URLField(
        allow_null=True, help_text=_("The previous (newer) page, or empty.")
    )
