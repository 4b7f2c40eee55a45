"""What the API's serializers share: id and money bounds, the error body, a page of results."""

import datetime

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

# Ids beyond a 64-bit integer are never found; checking here keeps them away from the database.
MAX_ID = 2**63 - 1
EARLIEST_PURCHASE = datetime.datetime(2000, 1, 1, tzinfo=datetime.UTC)
MONEY = {"max_digits": 12, "decimal_places": 2}


class ZonedDateTimeField(serializers.DateTimeField):
    """A time that must say its zone (`Z` or an offset). DRF would read a time without one in
    the server's zone, silently: a till in Istanbul sending its local 10:00 would be recorded
    three hours off, and a weekday promotion could apply on the wrong day."""

    default_error_messages = {
        "no_zone": _("Give the time with its zone, for example 2026-03-01T14:05:00+01:00."),
    }

    def enforce_timezone(self, value: datetime.datetime) -> datetime.datetime:
        if timezone.is_naive(value):
            self.fail("no_zone")
        return super().enforce_timezone(value)


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
