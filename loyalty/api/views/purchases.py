"""The API's purchase endpoints: record a purchase, preview a basket, return lines."""

from django.db.models import Prefetch, prefetch_related_objects
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions, status
from rest_framework.response import Response

from engagement.services.checkout import checkout_purchase, checkout_return
from loyalty.api import serializers as s
from loyalty.api.idempotency import idempotent
from loyalty.api.schema import IDEMPOTENCY_KEY, POST_ERRORS, STORE_AUTH, errors
from loyalty.api.views.base import StoreView, database_text, member_in_body
from loyalty.exceptions import InvalidReturn, MemberClosed
from loyalty.models import Purchase, PurchaseLine
from loyalty.services import BasketLine, ReturnRequest, points_preview


class PurchaseNotFound(exceptions.NotFound):
    default_code = "purchase_not_found"
    default_detail = _("This store recorded no purchase with this receipt id.")


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
            "Nothing is recorded when the answer is an error. Above a limit of the key (or the "
            "program's default for keys) the purchase is refused (422 `limit_exceeded`) or "
            "recorded with `status: held`, its points pending until a manager approves."
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
                    409: ["purchase_conflict", "member_closed"],
                    422: ["invalid_purchase", "member_not_found", "limit_exceeded"],
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
            member=member_in_body(data["member"]),
            store=self.api_key.store,
            external_id=data["external_id"],
            lines=_basket(data["lines"]),
            occurred_at=data["occurred_at"],
            currency=data["currency"],
            total=data["total"],
            api_key=self.api_key,
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
            **errors(
                STORE_AUTH,
                POST_ERRORS,
                {409: ["member_closed"], 422: ["invalid_purchase", "member_not_found"]},
            ),
        },
    )
    @idempotent
    def post(self, request):
        serializer = s.PreviewInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        member = member_in_body(data["member"])
        if not member.user.is_active:
            raise MemberClosed()
        earning = points_preview(
            lines=_basket(data["lines"]),
            member=member,
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
            "answers 200 with the first return; the same `external_id` with other lines or "
            "quantities is refused (409 `return_conflict`)."
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
                {
                    404: ["purchase_not_found", "not_found"],
                    409: ["return_conflict"],
                    422: ["invalid_return"],
                },
            ),
        },
    )
    @idempotent
    def post(self, request, external_id: str):
        purchase = Purchase.objects.filter(
            store=self.api_key.store, external_id=database_text(external_id)
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
            api_key=self.api_key,
        )
        return Response(
            s.ReturnSerializer(recorded.purchase_return).data,
            status=status.HTTP_201_CREATED if recorded.created else status.HTTP_200_OK,
        )
