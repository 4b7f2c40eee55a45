"""The API's endpoints for the signed-in member (`/me/`): my points, my ledger, my vouchers."""

from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework.response import Response

from loyalty.api import serializers as s
from loyalty.api.schema import MEMBER_AUTH, errors
from loyalty.api.views.base import (
    CURSOR_PARAMETERS,
    MemberView,
    NewestFirstPagination,
    VoucherPagination,
    member_summary,
    paginated,
)
from loyalty.selectors import entry_list
from rewards.selectors import redemption_list_for_member


class MeView(MemberView):
    @extend_schema(
        operation_id="me_retrieve",
        summary="My points",
        tags=["me"],
        responses={200: s.MeSerializer, **errors(MEMBER_AUTH)},
    )
    def get(self, request):
        return Response(s.MeSerializer(member_summary(self.member, with_email=True)).data)


class MeEntriesView(MemberView):
    @extend_schema(
        operation_id="me_entries_list",
        summary="My ledger",
        tags=["me"],
        parameters=CURSOR_PARAMETERS,
        responses={200: s.EntryPageSerializer, **errors(MEMBER_AUTH, {400: ["invalid"]})},
    )
    def get(self, request):
        entries = entry_list(account=self.member.points_account)
        return paginated(self, entries, s.EntrySerializer, NewestFirstPagination)


class MeVouchersView(MemberView):
    @extend_schema(
        operation_id="me_vouchers_list",
        summary="My vouchers",
        description="Every redemption of mine, newest first, with whether it can be used now.",
        tags=["me"],
        parameters=CURSOR_PARAMETERS,
        responses={
            200: s.VoucherPageSerializer,
            **errors(MEMBER_AUTH, {400: ["invalid"]}),
        },
    )
    def get(self, request):
        vouchers = redemption_list_for_member(member=self.member).select_related(
            "member", "store", "fulfilled_store"
        )
        paginator = VoucherPagination()
        page = paginator.paginate_queryset(vouchers, request, view=self)
        data = s.VoucherCheckSerializer(page, many=True, context={"now": timezone.now()}).data
        return paginator.get_paginated_response(data)
