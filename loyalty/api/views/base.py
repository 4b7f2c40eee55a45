"""What the API's views share: the store and member base views, pagination, member helpers.

Store endpoints need a store's API key (`IsStoreApiKey`): the store of every purchase, return
and redemption is the key's, and a key reaches only its own store's purchases and redemptions
(another store's are 404, as if they did not exist). `/me/` endpoints need a member's session.
"""

import datetime

from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, status
from rest_framework.pagination import CursorPagination
from rest_framework.response import Response
from rest_framework.views import APIView

from loyalty.api.authentication import ApiKeyAuthentication, MemberSessionAuthentication
from loyalty.api.permissions import IsMember, IsStoreApiKey
from loyalty.api.throttles import ApiKeyRateThrottle, MemberRateThrottle
from loyalty.models import ApiKey
from loyalty.platform.http import private
from loyalty.selectors import points_balance_get
from members.models import Member
from members.selectors import member_get_by_card


class UnknownMember(exceptions.APIException):
    """A member named in a request body that does not exist: the request cannot be honoured."""

    status_code = status.HTTP_422_UNPROCESSABLE_ENTITY
    default_code = "member_not_found"
    default_detail = _("No member has this card number.")


class StoreView(APIView):
    """A till's or web shop's endpoint: the caller is `request.auth`, an `ApiKey`."""

    authentication_classes = [ApiKeyAuthentication, MemberSessionAuthentication]
    permission_classes = [IsStoreApiKey]
    throttle_classes = [ApiKeyRateThrottle, MemberRateThrottle]

    @property
    def api_key(self) -> ApiKey:
        return self.request.auth


class MemberView(APIView):
    """A signed-in member's endpoint under `/me/`."""

    authentication_classes = [MemberSessionAuthentication, ApiKeyAuthentication]
    permission_classes = [IsMember]
    throttle_classes = [MemberRateThrottle, ApiKeyRateThrottle]

    @property
    def member(self) -> Member:
        return self.request.user.member

    def finalize_response(self, request, response, *args, **kwargs):
        return private(super().finalize_response(request, response, *args, **kwargs))


class NewestFirstPagination(CursorPagination):
    """Newest first; `next` and `previous` are whole URLs to follow."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200
    ordering = ("-created_at", "-pk")

    def decode_cursor(self, request):
        try:
            cursor = super().decode_cursor(request)
        except exceptions.NotFound as error:
            raise exceptions.ValidationError({"cursor": [self.invalid_cursor_message]}) from error
        # The position is compared with the ordering field in SQL: refuse one that is no time.
        position = cursor.position if cursor is not None else None
        if position is not None and not _is_aware_time(position):
            raise exceptions.ValidationError({"cursor": [self.invalid_cursor_message]})
        return cursor


class VoucherPagination(NewestFirstPagination):
    ordering = ("-issued_at", "-pk")


def _is_aware_time(value: str) -> bool:
    """Whether `value` is a date and time with its offset, within what the database stores."""
    try:
        moment = parse_datetime(value)
        if moment is None or timezone.is_naive(moment):
            return False
        moment.astimezone(datetime.UTC)
    except (ValueError, OverflowError):
        return False
    return True


def database_text(value: str) -> str:
    """A path or query value as the database may see it: NUL characters match nothing."""
    return "" if "\x00" in value else value


def member_by_card(card_number: str) -> Member | None:
    return member_get_by_card(card_number=database_text(card_number))


def member_in_body(card_number: str) -> Member:
    member = member_by_card(card_number)
    if member is None:
        raise UnknownMember()
    return member


def member_summary(member: Member, *, with_email: bool = False) -> dict:
    account = member.points_account
    figures = points_balance_get(account=account)
    data = {
        "card_number": member.card_number,
        "first_name": member.user.first_name,
        "tier": account.tier,
        "available": figures.available,
        "available_value": figures.cash_value,
        "currency": figures.currency,
        "pending": figures.pending,
        "debt": figures.debt,
        "expiring": figures.expiring,
    }
    if with_email:
        data["email"] = member.user.email
    return data


def paginated(view: APIView, queryset, serializer_class, pagination_class) -> Response:
    paginator = pagination_class()
    page = paginator.paginate_queryset(queryset, view.request, view=view)
    return paginator.get_paginated_response(serializer_class(page, many=True).data)


CARD_NUMBER = OpenApiParameter(
    "card_number",
    str,
    OpenApiParameter.PATH,
    description="The member's 12-digit card number, as on the card or its QR code.",
)
CURSOR_PARAMETERS = [
    OpenApiParameter("cursor", str, description="From `next` or `previous` of a page."),
    OpenApiParameter("page_size", int, description="1 to 200; 50 when left out."),
]


@extend_schema(exclude=True)
class NotFoundView(APIView):
    """No such endpoint: a 404 in the error shape, whoever asks and however."""

    authentication_classes = []
    permission_classes = []

    def initial(self, request, *args, **kwargs):
        raise exceptions.NotFound(
            _("There is no such endpoint. Paths end with a slash: see /api/v1/docs/.")
        )
