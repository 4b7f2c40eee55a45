"""The API's reward endpoints: the catalogue, redemptions and their voids, vouchers."""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions, status
from rest_framework.response import Response

from loyalty.api import serializers as s
from loyalty.api.idempotency import idempotency_key_get, idempotent
from loyalty.api.schema import IDEMPOTENCY_KEY, POST_ERRORS, STORE_AUTH, errors
from loyalty.api.views.base import StoreView, member_in_body
from loyalty.services.api_keys import api_key_hash
from rewards.models import Redemption, RedemptionChannel, Reward
from rewards.selectors import catalogue
from rewards.services import redemption_void, reward_redeem, voucher_find, voucher_use


class UnknownReward(exceptions.APIException):
    status_code = status.HTTP_422_UNPROCESSABLE_ENTITY
    default_code = "reward_not_found"
    default_detail = _("There is no reward with this id.")


class RedemptionNotFound(exceptions.NotFound):
    default_code = "redemption_not_found"
    default_detail = _("This store made no redemption with this id.")


class RewardListView(StoreView):
    @extend_schema(
        operation_id="rewards_list",
        summary="The reward catalogue",
        description="Rewards on offer now or coming; `available` says whether one can be "
        "redeemed at this moment.",
        tags=["rewards"],
        responses={200: s.RewardSerializer(many=True), **errors(STORE_AUTH)},
    )
    def get(self, request):
        items = catalogue(balance=None)
        problems = {item.reward.pk: item.problem for item in items}
        rewards = [item.reward for item in items]
        return Response(s.RewardSerializer(rewards, many=True, context={"problems": problems}).data)


class RedemptionCreateView(StoreView):
    @extend_schema(
        operation_id="redemptions_create",
        summary="Redeem a reward for a member",
        description=(
            "Spends the member's points on the reward and issues its voucher (a donation is "
            "given at once). The voucher is also emailed to the member. Send an "
            "`Idempotency-Key`: a retry then returns the first voucher and spends nothing more."
        ),
        tags=["redemptions"],
        request=s.RedemptionInputSerializer,
        parameters=[IDEMPOTENCY_KEY],
        responses={
            201: OpenApiResponse(s.VoucherSerializer, description="Redeemed; the voucher."),
            **errors(
                STORE_AUTH,
                POST_ERRORS,
                {
                    409: ["out_of_stock", "member_closed"],
                    422: [
                        "insufficient_points",
                        "reward_unavailable",
                        "limit_reached",
                        "member_not_found",
                        "reward_not_found",
                    ],
                },
            ),
        },
    )
    @idempotent
    def post(self, request):
        serializer = s.RedemptionInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        member = member_in_body(data["member"])
        reward = Reward.objects.filter(pk=data["reward"]).first()
        if reward is None:
            raise UnknownReward()
        key = idempotency_key_get(request)
        redemption = reward_redeem(
            member=member,
            reward=reward,
            channel=RedemptionChannel.API,
            steps=data["steps"],
            store=self.api_key.store,
            # The service's own guard against a double spend, should the replay row be lost.
            idempotency_key=f"api:{self.api_key.pk}:{api_key_hash(key)}" if key else None,
            api_key=self.api_key,
        )
        return Response(s.VoucherSerializer(redemption).data, status=status.HTTP_201_CREATED)


class RedemptionVoidView(StoreView):
    @extend_schema(
        operation_id="redemptions_void",
        summary="Void a redemption",
        description=(
            "Cancels an unused voucher this store issued: the points go back to the member and "
            "the reward back in stock. Used and expired vouchers cannot be voided."
        ),
        tags=["redemptions"],
        request=s.RedemptionVoidInputSerializer,
        parameters=[IDEMPOTENCY_KEY],
        responses={
            200: s.VoucherSerializer,
            **errors(
                STORE_AUTH,
                POST_ERRORS,
                {
                    404: ["redemption_not_found", "not_found"],
                    409: ["voucher_void", "void_not_allowed"],
                },
            ),
        },
    )
    @idempotent
    def post(self, request, pk: int):
        redemption = None
        if pk <= s.MAX_ID:
            redemption = (
                Redemption.objects.select_related("member__points_account")
                .filter(pk=pk, store=self.api_key.store)
                .first()
            )
        if redemption is None:
            raise RedemptionNotFound()
        serializer = s.RedemptionVoidInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        redemption = redemption_void(
            redemption=redemption,
            actor=None,
            store=self.api_key.store,
            reason=serializer.validated_data["reason"],
            api_key=self.api_key,
        )
        return Response(s.VoucherSerializer(redemption).data)


VOUCHER_CODE = OpenApiParameter(
    "code",
    str,
    OpenApiParameter.PATH,
    description="The voucher code, with or without its dash: 'K7QXM-3HD9P' or 'K7QXM3HD9P'.",
)


class VoucherDetailView(StoreView):
    @extend_schema(
        operation_id="vouchers_retrieve",
        summary="Check a voucher",
        description="Any voucher of the program: its reward, its state, and whether it can be "
        "used now (if not, `problem` has the code `use` would answer).",
        tags=["vouchers"],
        parameters=[VOUCHER_CODE],
        responses={
            200: s.VoucherCheckSerializer,
            **errors(STORE_AUTH, {404: ["invalid_voucher", "not_found"]}),
        },
    )
    def get(self, request, code: str):
        redemption = voucher_find(code=code)
        return Response(s.VoucherCheckSerializer(redemption, context={"now": timezone.now()}).data)


class VoucherUseView(StoreView):
    @extend_schema(
        operation_id="vouchers_use",
        summary="Use a voucher",
        description="Marks the voucher used at the key's store, exactly once however many "
        "tills try at the same moment.",
        tags=["vouchers"],
        request=None,
        parameters=[VOUCHER_CODE, IDEMPOTENCY_KEY],
        responses={
            200: s.VoucherSerializer,
            **errors(
                STORE_AUTH,
                POST_ERRORS,
                {
                    404: ["invalid_voucher", "not_found"],
                    409: ["voucher_used", "voucher_void", "voucher_expired"],
                },
            ),
        },
    )
    @idempotent
    def post(self, request, code: str):
        redemption = voucher_use(
            code=code, actor=None, store=self.api_key.store, api_key=self.api_key
        )
        return Response(s.VoucherSerializer(redemption).data)
