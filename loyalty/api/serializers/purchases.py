"""The API's serializers of purchases, previews and returns (inputs check shape and ranges only)."""

import datetime
from decimal import Decimal

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from loyalty.api.serializers.base import EARLIEST_PURCHASE, MONEY, ZonedDateTimeField
from loyalty.models import ProductCategory, Purchase, PurchaseReturn
from loyalty.services.earning import MAX_AMOUNT, MAX_LINES, MAX_QUANTITY

# --- requests ---------------------------------------------------------------------------------


class PurchaseLineInputSerializer(serializers.Serializer):
    sku = serializers.CharField(max_length=64, required=False, allow_blank=True, default="")
    description = serializers.CharField(
        max_length=200, required=False, allow_blank=True, default=""
    )
    category = serializers.CharField(
        max_length=40,
        required=False,
        allow_null=True,
        allow_blank=True,
        default=None,
        help_text=_("A product category code the program knows, e.g. `coffee`; empty for none."),
    )
    quantity = serializers.IntegerField(min_value=1, max_value=MAX_QUANTITY, default=1)
    amount = serializers.DecimalField(
        **MONEY,
        min_value=Decimal("0.01"),
        max_value=MAX_AMOUNT,
        help_text=_("What the line costs in all (quantity x unit price), after discounts."),
    )


def _categories_resolve(lines: list[dict]) -> list[dict]:
    """Each line's category code turned into the category, or a field error per unknown code
    (keyed by the line's index, as DRF reports the other errors of nested lines)."""
    codes = {line["category"] for line in lines if line.get("category")}
    known = {category.code: category for category in ProductCategory.objects.filter(code__in=codes)}
    errors: dict[str, dict] = {}
    for index, line in enumerate(lines):
        code = line.get("category") or None
        if code is not None and code not in known:
            errors[str(index)] = {"category": [_("Unknown category '%(code)s'.") % {"code": code}]}
        line["category"] = known.get(code) if code else None
    if errors:
        raise serializers.ValidationError({"lines": errors})
    return lines


def _member_field():
    return serializers.CharField(
        max_length=32, help_text=_("The member's card number (12 digits; spaces allowed).")
    )


def _lines_field():
    return PurchaseLineInputSerializer(many=True, allow_empty=False, max_length=MAX_LINES)


class _BasketValidation:
    """What a purchase and a preview check alike: a plausible time, known categories."""

    def validate_occurred_at(self, value: datetime.datetime) -> datetime.datetime:
        if value < EARLIEST_PURCHASE:
            raise serializers.ValidationError(_("The purchase time is too far in the past."))
        return value

    def validate(self, attrs: dict) -> dict:
        attrs["lines"] = _categories_resolve(attrs["lines"])
        return attrs


class PurchaseInputSerializer(_BasketValidation, serializers.Serializer):
    member = _member_field()
    external_id = serializers.CharField(
        max_length=100,
        help_text=_(
            "The till's receipt id, unique per store. Sending it again records nothing more and "
            "answers 200 with the first result."
        ),
    )
    occurred_at = ZonedDateTimeField(
        help_text=_(
            "When the sale happened, with its time zone; not in the future, not older than the "
            "program takes (7 days unless the program says otherwise), not before the member "
            "joined."
        )
    )
    currency = serializers.CharField(
        min_length=3, max_length=3, help_text=_("ISO 4217; must be the program's currency.")
    )
    total = serializers.DecimalField(
        **MONEY,
        min_value=Decimal("0.01"),
        help_text=_("The receipt total; must equal the sum of the lines' amounts."),
    )
    lines = _lines_field()


class PreviewInputSerializer(_BasketValidation, serializers.Serializer):
    member = _member_field()
    occurred_at = ZonedDateTimeField(
        required=False, help_text=_("When the basket is bought; now when left out.")
    )
    lines = _lines_field()


class ReturnLineInputSerializer(serializers.Serializer):
    line = serializers.IntegerField(
        min_value=1,
        max_value=MAX_LINES,
        help_text=_("The line's number on the receipt, from 1, as the purchase answer lists it."),
    )
    quantity = serializers.IntegerField(min_value=1, max_value=MAX_QUANTITY)


class ReturnInputSerializer(serializers.Serializer):
    external_id = serializers.CharField(
        max_length=100,
        required=False,
        allow_blank=True,
        help_text=_(
            "The till's id of this return. Sending it again for the same purchase takes back "
            "nothing more and answers 200 with the first result."
        ),
    )
    lines = ReturnLineInputSerializer(many=True, allow_empty=False, max_length=MAX_LINES)


# --- responses --------------------------------------------------------------------------------


class BreakdownItemSerializer(serializers.Serializer):
    rule = serializers.IntegerField(allow_null=True, help_text=_("The earning rule's id."))
    name = serializers.CharField()
    kind = serializers.CharField()
    points = serializers.IntegerField()


class PurchaseLineSerializer(serializers.Serializer):
    line = serializers.IntegerField(source="position", help_text=_("Number on the receipt."))
    sku = serializers.CharField()
    description = serializers.CharField()
    category = serializers.CharField(source="category.code", allow_null=True)
    quantity = serializers.IntegerField()
    amount = serializers.DecimalField(**MONEY)
    points = serializers.IntegerField(help_text=_("What the line earned, before caps."))
    eligible = serializers.BooleanField(help_text=_("False when its category earns nothing."))


class PurchaseSerializer(serializers.ModelSerializer):
    """Only what never changes after recording, so a replay answers exactly the first body."""

    member = serializers.CharField(source="member.card_number")
    store = serializers.CharField(source="store.code")
    points_available_at = serializers.SerializerMethodField(
        help_text=_("When the points become available; empty when the purchase earned none.")
    )
    points_pending = serializers.SerializerMethodField(
        help_text=_("True when the points were put on hold when the purchase was recorded.")
    )
    status = serializers.SerializerMethodField(
        help_text=_(
            "`recorded`, or `held` when the purchase went over a limit of the program or the "
            "key: its points stay pending until a manager approves it."
        )
    )
    breakdown = BreakdownItemSerializer(many=True, help_text=_("Which rule gave what."))
    lines = PurchaseLineSerializer(many=True)

    class Meta:
        model = Purchase
        fields = [
            "external_id",
            "status",
            "member",
            "store",
            "occurred_at",
            "recorded_at",
            "currency",
            "total",
            "points",
            "bonus_points",
            "cap_reduction",
            "points_pending",
            "points_available_at",
            "breakdown",
            "lines",
        ]

    def _lot_available_at(self, purchase: Purchase) -> datetime.datetime | None:
        """The purchase lot's `available_at`; two fields need it, so it is read once."""
        known = self.__dict__.setdefault("_available_at", {})
        if purchase.pk not in known:
            known[purchase.pk] = (
                purchase.lots.filter(kind="purchase")
                .order_by("pk")
                .values_list("available_at", flat=True)
                .first()
            )
        return known[purchase.pk]

    @extend_schema_field(serializers.DateTimeField(allow_null=True))
    def get_points_available_at(self, purchase: Purchase) -> str | None:
        available_at = self._lot_available_at(purchase)
        return serializers.DateTimeField().to_representation(available_at) if available_at else None

    @extend_schema_field(serializers.BooleanField())
    def get_points_pending(self, purchase: Purchase) -> bool:
        if purchase.held_reason:
            return True
        available_at = self._lot_available_at(purchase)
        return available_at is not None and available_at > purchase.recorded_at

    @extend_schema_field(serializers.ChoiceField(choices=["recorded", "held"]))
    def get_status(self, purchase: Purchase) -> str:
        # From what was decided when it was recorded, so that a retry answers the same body.
        return "held" if purchase.held_reason else "recorded"


class PreviewLineSerializer(serializers.Serializer):
    line = serializers.IntegerField()
    points = serializers.IntegerField()
    eligible = serializers.BooleanField()


class PreviewSerializer(serializers.Serializer):
    points = serializers.IntegerField(help_text=_("What the basket would earn, after caps."))
    bonus_points = serializers.IntegerField()
    cap_reduction = serializers.IntegerField()
    lines = PreviewLineSerializer(many=True)
    breakdown = BreakdownItemSerializer(many=True)


class ReturnLineSerializer(serializers.Serializer):
    line = serializers.IntegerField(source="line.position")
    quantity = serializers.IntegerField()


class ReturnSerializer(serializers.ModelSerializer):
    purchase = serializers.CharField(source="purchase.external_id")
    points = serializers.IntegerField(help_text=_("Points taken back from the member."))
    debt_added = serializers.IntegerField(
        help_text=_("What the balance could not cover, now owed.")
    )
    lines = ReturnLineSerializer(many=True)

    class Meta:
        model = PurchaseReturn
        fields = ["id", "external_id", "purchase", "points", "debt_added", "lines", "created_at"]
