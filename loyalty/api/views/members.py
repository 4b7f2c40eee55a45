"""The API's member endpoints for stores: find a member, read their points and their ledger."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions
from rest_framework.response import Response

from loyalty.api import serializers as s
from loyalty.api.schema import STORE_AUTH, errors
from loyalty.api.views.base import (
    CARD_NUMBER,
    CURSOR_PARAMETERS,
    NewestFirstPagination,
    StoreView,
    member_by_card,
    member_summary,
    paginated,
)
from loyalty.selectors import entry_list
from members.selectors import member_find, member_get_by_phone


class MemberNotFound(exceptions.NotFound):
    default_code = "member_not_found"
    default_detail = _("No member has this card number.")


class MemberLookupView(StoreView):
    @extend_schema(
        operation_id="members_find",
        summary="Find a member by email or phone",
        description=(
            "Exact matches only (the email ignoring case; the phone read as the member's "
            "profile reads it, in any digits, with the program's default country for a number "
            "without a country code, and only once the member verified it by a code): there "
            "is no search. Give exactly one of `email` and `phone`."
        ),
        tags=["members"],
        parameters=[
            OpenApiParameter("email", str, description="The member's email address."),
            OpenApiParameter("phone", str, description="The member's phone number."),
        ],
        responses={
            200: s.MemberSerializer,
            **errors(STORE_AUTH, {400: ["invalid"], 404: ["member_not_found", "not_found"]}),
        },
    )
    def get(self, request):
        query = s.MemberLookupSerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        if "email" in query.validated_data:
            member = member_find(query=query.validated_data["email"])
        else:
            # Not `member_find`, which would also take a card number for a phone.
            member = member_get_by_phone(phone=query.validated_data["phone"])
        if member is None:
            raise exceptions.NotFound(
                _("No member has this email or phone."), code="member_not_found"
            )
        return Response(s.MemberSerializer(member_summary(member)).data)


class MemberDetailView(StoreView):
    @extend_schema(
        operation_id="members_retrieve",
        summary="A member's points",
        description="Tier, available, pending and owed points, and what expires in 90 days.",
        tags=["members"],
        parameters=[CARD_NUMBER],
        responses={
            200: s.MemberSerializer,
            **errors(STORE_AUTH, {404: ["member_not_found", "not_found"]}),
        },
    )
    def get(self, request, card_number: str):
        member = member_by_card(card_number)
        if member is None:
            raise MemberNotFound()
        return Response(s.MemberSerializer(member_summary(member)).data)


class MemberEntriesView(StoreView):
    @extend_schema(
        operation_id="members_entries_list",
        summary="A member's ledger",
        description="Every change of the member's points, newest first, a page at a time.",
        tags=["members"],
        parameters=[CARD_NUMBER, *CURSOR_PARAMETERS],
        responses={
            200: s.EntryPageSerializer,
            **errors(STORE_AUTH, {400: ["invalid"], 404: ["member_not_found", "not_found"]}),
        },
    )
    def get(self, request, card_number: str):
        member = member_by_card(card_number)
        if member is None:
            raise MemberNotFound()
        entries = entry_list(account=member.points_account)
        return paginated(self, entries, s.EntrySerializer, NewestFirstPagination)
