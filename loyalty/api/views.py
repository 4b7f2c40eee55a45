"""The API's views: parse with a serializer, call one service or selector, answer.

Store endpoints need a store's API key (`IsStoreApiKey`): the store of every purchase, return
and redemption is the key's, and a key reaches only its own store's purchases and redemptions
(another store's are 404, as if they did not exist). `/me/` endpoints need a member's session.
"""

import datetime

from django.db.models import Prefetch, prefetch_related_objects
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
)
from rest_framework import exceptions, status
from rest_framework.pagination import CursorPagination
from rest_framework.response import Response
from rest_framework.views import APIView

from engagement.services.checkout import checkout_purchase, checkout_return
from loyalty.api import serializers as s
from loyalty.api.authentication import ApiKeyAuthentication, MemberSessionAuthentication
from loyalty.api.idempotency import idempotency_key_get, idempotent
from loyalty.api.permissions import IsMember, IsStoreApiKey
from loyalty.api.schema import IDEMPOTENCY_KEY, MEMBER_AUTH, POST_ERRORS, STORE_AUTH, errors
from loyalty.api.throttles import ApiKeyRateThrottle, MemberRateThrottle
from loyalty.exceptions import InvalidReturn
from loyalty.models import ApiKey, Purchase, PurchaseLine
from loyalty.selectors import entry_list, expiring_points, points_cash_value
from loyalty.services import (
    BasketLine,
    ReturnRequest,
    points_preview,
    program_settings_get,
)
from loyalty.services.api_keys import api_key_hash
from members.identifiers import phone_normalize
from members.models import Member
from members.selectors import member_find, member_get_by_card
from rewards.models import Redemption, RedemptionChannel, Reward
from rewards.selectors import catalogue, redemption_list_for_member
from rewards.services import redemption_void, reward_redeem, voucher_find, voucher_use

# --- errors of the API itself ---------------------------------------------------------------


class MemberNotFound(exceptions.NotFound):
    default_code = "member_not_found"
    default_detail = _("No member has this card number.")


class UnknownMember(exceptions.APIException):
    """A member named in a request body that does not exist: the request cannot be honoured."""

    status_code = status.HTTP_422_UNPROCESSABLE_ENTITY
    default_code = "member_not_found"
    default_detail = _("No member has this card number.")


class UnknownReward(exceptions.APIException):
    status_code = status.HTTP_422_UNPROCESSABLE_ENTITY
    default_code = "reward_not_found"
    default_detail = _("There is no reward with this id.")


class PurchaseNotFound(exceptions.NotFound):
    default_code = "purchase_not_found"
    default_detail = _("This store recorded no purchase with this receipt id.")


class RedemptionNotFound(exceptions.NotFound):
    default_code = "redemption_not_found"
    default_detail = _("This store made no redemption with this id.")


# --- shared -------------------------------------------------------------------------------------


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


def _text(value: str) -> str:
    """A path or query value as the database may see it: NUL characters match nothing."""
    return "" if "\x00" in value else value


def _member_by_card(card_number: str) -> Member | None:
    return member_get_by_card(card_number=_text(card_number))


def _member_by_phone(phone: str) -> Member | None:
    """Exactly this phone number; `member_find` would also take a card number for one."""
    phone = phone_normalize(phone)
    if len(phone.lstrip("+")) < 6:
        return None
    return Member.objects.select_related("user", "points_account").filter(phone=phone).first()


def _member_in_body(card_number: str) -> Member:
    member = _member_by_card(card_number)
    if member is None:
        raise UnknownMember()
    return member


def _member_summary(member: Member, *, with_email: bool = False) -> dict:
    account = member.points_account
    data = {
        "card_number": member.card_number,
        "first_name": member.user.first_name,
        "tier": account.tier,
        "available": account.balance,
        "available_value": points_cash_value(account.balance),
        "currency": program_settings_get().currency,
        "pending": account.pending,
        "debt": account.debt,
        "expiring": expiring_points(account=account),
    }
    if with_email:
        data["email"] = member.user.email
    return data


def _lines_prefetch(purchase: Purchase) -> None:
    """The purchase's lines with their categories in one query, for the serializer."""
    prefetch_related_objects(
        [purchase], Prefetch("lines", queryset=PurchaseLine.objects.select_related("category"))
    )


def _basket(lines: list[dict]) -> list[BasketLine]:
    return [
        BasketLine(
            amount=line["amount"],
            quantity=line["quantity"],
            category=line["category"],
            sku=line["sku"],
            description=line["description"],
        )
        for line in lines
    ]


def _paginated(view: APIView, queryset, serializer_class, pagination_class) -> Response:
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
PURCHASE_EXAMPLE = OpenApiExample(
    "A coffee and a bagel",
    request_only=True,
    value={
        "member": "412345678905",
        "external_id": "till-3-000123",
        "occurred_at": "2026-03-01T14:05:00+01:00",
        "currency": "USD",
        "total": "32.99",
        "lines": [
            {
                "sku": "COF-250",
                "description": "Coffee beans",
                "category": "coffee",
                "quantity": 2,
                "amount": "25.00",
            },
            {"sku": "BAG-1", "description": "Bagel", "quantity": 1, "amount": "7.99"},
        ],
    },
)


# --- members ----------------------------------------------------------------------------------


class MemberLookupView(StoreView):
    @extend_schema(
        operation_id="members_find",
        summary="Find a member by email or phone",
        description=(
            "Exact matches only (the email ignoring case, the phone ignoring spaces and "
            "punctuation): there is no search. Give exactly one of `email` and `phone`."
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
            member = _member_by_phone(query.validated_data["phone"])
        if member is None:
            raise exceptions.NotFound(
                _("No member has this email or phone."), code="member_not_found"
            )
        return Response(s.MemberSerializer(_member_summary(member)).data)


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
        member = _member_by_card(card_number)
        if member is None:
            raise MemberNotFound()
        return Response(s.MemberSerializer(_member_summary(member)).data)


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
        member = _member_by_card(card_number)
        if member is None:
            raise MemberNotFound()
        entries = entry_list(account=member.points_account)
        return _paginated(self, entries, s.EntrySerializer, NewestFirstPagination)


# --- purchases and returns --------------------------------------------------------------------


class PurchaseCreateView(StoreView):
    @extend_schema(
        operation_id="purchases_create",
        summary="Record a purchase",
        description=(
            "Records the sale at the key's store and credits the points it earns (held as "
            "pending when the program holds points). Idempotent on `external_id`: sending the "
            "same receipt again credits nothing and answers 200 with the first answer's body; "
            "the same `external_id` for another member or another basket is refused (409 "
            "`purchase_conflict`), never answered with the first purchase. "
            "Nothing is recorded when the answer is an error."
        ),
        tags=["purchases"],
        request=s.PurchaseInputSerializer,
        parameters=[IDEMPOTENCY_KEY],
        examples=[PURCHASE_EXAMPLE],
        responses={
            201: OpenApiResponse(s.PurchaseSerializer, description="Recorded and credited."),
            200: OpenApiResponse(
                s.PurchaseSerializer,
                description="Already recorded: the first answer again; nothing more credited.",
            ),
            **errors(
                STORE_AUTH,
                POST_ERRORS,
                {
                    409: ["purchase_conflict"],
                    422: ["invalid_purchase", "member_not_found"],
                },
            ),
        },
    )
    @idempotent
    def post(self, request):
        serializer = s.PurchaseInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        recorded = checkout_purchase(
            member=_member_in_body(data["member"]),
            store=self.api_key.store,
            external_id=data["external_id"],
            lines=_basket(data["lines"]),
            occurred_at=data["occurred_at"],
            currency=data["currency"],
            total=data["total"],
        )
        _lines_prefetch(recorded.purchase)
        return Response(
            s.PurchaseSerializer(recorded.purchase).data,
            status=status.HTTP_201_CREATED if recorded.created else status.HTTP_200_OK,
        )


class PurchasePreviewView(StoreView):
    @extend_schema(
        operation_id="purchases_preview",
        summary="Preview the points of a basket",
        description="What the basket would earn for the member now (or at `occurred_at`). "
        "Records nothing.",
        tags=["purchases"],
        request=s.PreviewInputSerializer,
        parameters=[IDEMPOTENCY_KEY],
        responses={
            200: s.PreviewSerializer,
            **errors(STORE_AUTH, POST_ERRORS, {422: ["invalid_purchase", "member_not_found"]}),
        },
    )
    @idempotent
    def post(self, request):
        serializer = s.PreviewInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        earning = points_preview(
            lines=_basket(data["lines"]),
            member=_member_in_body(data["member"]),
            store=self.api_key.store,
            at=data.get("occurred_at"),
        )
        lines = [
            {"line": number, "points": points, "eligible": eligible}
            for number, (points, eligible) in enumerate(
                zip(earning.line_points, earning.line_eligible, strict=True), start=1
            )
        ]
        preview = {
            "points": earning.total,
            "bonus_points": earning.bonus,
            "cap_reduction": earning.cap_reduction,
            "lines": lines,
            "breakdown": earning.breakdown,
        }
        return Response(s.PreviewSerializer(preview).data)


class PurchaseReturnView(StoreView):
    @extend_schema(
        operation_id="purchases_returns_create",
        summary="Return lines of a purchase",
        description=(
            "Takes back exactly the points the returned quantities earned (and a threshold "
            "bonus the rest no longer reaches). Points already spent come off the balance; what "
            "it cannot cover becomes debt. Only the key's own store's purchases can be returned. "
            "With an `external_id`, sending the same return again takes back nothing more and "
            "answers 200 with the first return."
        ),
        tags=["purchases"],
        request=s.ReturnInputSerializer,
        parameters=[
            OpenApiParameter(
                "external_id",
                str,
                OpenApiParameter.PATH,
                description="The receipt id the purchase was recorded with.",
            ),
            IDEMPOTENCY_KEY,
        ],
        responses={
            201: OpenApiResponse(s.ReturnSerializer, description="Returned; points taken back."),
            200: OpenApiResponse(
                s.ReturnSerializer,
                description="This return id was already recorded: the first return again.",
            ),
            **errors(
                STORE_AUTH,
                POST_ERRORS,
                {404: ["purchase_not_found", "not_found"], 422: ["invalid_return"]},
            ),
        },
    )
    @idempotent
    def post(self, request, external_id: str):
        purchase = Purchase.objects.filter(
            store=self.api_key.store, external_id=_text(external_id)
        ).first()
        if purchase is None:
            raise PurchaseNotFound()
        serializer = s.ReturnInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        line_ids = dict(purchase.lines.values_list("position", "pk"))
        requests = []
        for returned in data["lines"]:
            if returned["line"] not in line_ids:
                raise InvalidReturn(
                    _("Line %(line)d is not on this receipt.") % {"line": returned["line"]}
                )
            requests.append(
                ReturnRequest(line_id=line_ids[returned["line"]], quantity=returned["quantity"])
            )
        return_id = data.get("external_id") or None
        recorded = checkout_return(
            purchase=purchase,
            lines=requests,
            store=self.api_key.store,
            external_id=return_id,
        )
        return Response(
            s.ReturnSerializer(recorded.purchase_return).data,
            status=status.HTTP_201_CREATED if recorded.created else status.HTTP_200_OK,
        )


# --- rewards, redemptions and vouchers --------------------------------------------------------


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
                    409: ["out_of_stock"],
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
        member = _member_in_body(data["member"])
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
        redemption = voucher_use(code=code, actor=None, store=self.api_key.store)
        return Response(s.VoucherSerializer(redemption).data)


# --- the signed-in member ---------------------------------------------------------------------


class MeView(MemberView):
    @extend_schema(
        operation_id="me_retrieve",
        summary="My points",
        tags=["me"],
        responses={200: s.MeSerializer, **errors(MEMBER_AUTH)},
    )
    def get(self, request):
        return Response(s.MeSerializer(_member_summary(self.member, with_email=True)).data)


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
        return _paginated(self, entries, s.EntrySerializer, NewestFirstPagination)


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


@extend_schema(exclude=True)
class NotFoundView(APIView):
    """No such endpoint: a 404 in the error shape, whoever asks and however."""

    authentication_classes = []
    permission_classes = []

    def initial(self, request, *args, **kwargs):
        raise exceptions.NotFound(
            _("There is no such endpoint. Paths end with a slash: see /api/v1/docs/.")
        )
