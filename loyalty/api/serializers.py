"""What the API reads and writes. Input serializers check shape and ranges only; every rule of
the program (currency, totals, dates, stock, balances) is the services' to check."""

import datetime
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from loyalty.models import PointsEntry, ProductCategory, Purchase, PurchaseReturn
from loyalty.services.earning import MAX_AMOUNT, MAX_LINES, MAX_QUANTITY
from rewards.codes import voucher_code_format
from rewards.models import Redemption, Reward

# Ids beyond a 64-bit integer are never found; checking here keeps them away from the database.
MAX_ID = 2**63 - 1
EARLIEST_PURCHASE = datetime.datetime(2000, 1, 1, tzinfo=datetime.UTC)
MONEY = {"max_digits": 12, "decimal_places": 2}


# --- errors -----------------------------------------------------------------------------------


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
    occurred_at = serializers.DateTimeField(
        help_text=_("When the sale happened, with its time zone; not in the future.")
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
    occurred_at = serializers.DateTimeField(
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


class RedemptionInputSerializer(serializers.Serializer):
    member = serializers.CharField(max_length=32, help_text=_("The member's card number."))
    reward = serializers.IntegerField(
        min_value=1, max_value=MAX_ID, help_text=_("The reward's id, from `GET /rewards/`.")
    )
    steps = serializers.IntegerField(
        min_value=1,
        max_value=10_000,
        default=1,
        help_text=_("Store credit and donations: how many steps of the reward's points."),
    )


class RedemptionVoidInputSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=255, required=False, allow_blank=True, default="")


class MemberLookupSerializer(serializers.Serializer):
    email = serializers.CharField(max_length=254, required=False)
    phone = serializers.CharField(max_length=32, required=False)

    def validate(self, attrs: dict) -> dict:
        if len(attrs) != 1:
            raise serializers.ValidationError(_("Give exactly one of 'email' and 'phone'."))
        if "email" in attrs and "@" not in attrs["email"]:
            raise serializers.ValidationError({"email": [_("Enter a whole email address.")]})
        return attrs


# --- responses --------------------------------------------------------------------------------


class TierSerializer(serializers.Serializer):
    name = serializers.CharField()
    rank = serializers.IntegerField()


class ExpiringPointsSerializer(serializers.Serializer):
    expires_at = serializers.DateTimeField()
    points = serializers.IntegerField()


class MemberSerializer(serializers.Serializer):
    """Built from a `members.selectors` member and a `loyalty.selectors.points_summary`."""

    card_number = serializers.CharField()
    first_name = serializers.CharField()
    tier = TierSerializer(allow_null=True)
    available = serializers.IntegerField(help_text=_("Points the member can spend now."))
    available_value = serializers.DecimalField(
        **MONEY, help_text=_("What the available points are worth, in `currency`.")
    )
    currency = serializers.CharField()
    pending = serializers.IntegerField(help_text=_("Points earned but still on hold."))
    debt = serializers.IntegerField(
        help_text=_("Points owed after returns; later earnings pay it off first.")
    )
    expiring = ExpiringPointsSerializer(
        many=True, help_text=_("Points that expire in the next 90 days, soonest first.")
    )


class MeSerializer(MemberSerializer):
    email = serializers.EmailField()


class EntrySerializer(serializers.ModelSerializer):
    store = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)
    purchase = serializers.SerializerMethodField(
        help_text=_("The receipt id of the purchase the entry belongs to.")
    )

    class Meta:
        model = PointsEntry
        fields = [
            "id",
            "kind",
            "points",
            "balance_after",
            "debt_change",
            "store",
            "purchase",
            "note",
            "created_at",
        ]

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_purchase(self, entry: PointsEntry) -> str | None:
        return entry.purchase.external_id if entry.purchase_id else None


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
    breakdown = BreakdownItemSerializer(many=True, help_text=_("Which rule gave what."))
    lines = PurchaseLineSerializer(many=True)

    class Meta:
        model = Purchase
        fields = [
            "external_id",
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
        available_at = self._lot_available_at(purchase)
        return available_at is not None and available_at > purchase.recorded_at


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


# Integer fields of responses are declared without the model's bounds: those follow the database
# backend (32 or 64 bits), and the schema must read the same whatever database generates it.


class RewardSerializer(serializers.ModelSerializer):
    points_cost = serializers.IntegerField(help_text=_("Points of one step."))
    max_steps = serializers.IntegerField()
    stock = serializers.IntegerField(allow_null=True, help_text=_("Empty = unlimited."))
    per_member_limit = serializers.IntegerField(allow_null=True)
    voucher_valid_days = serializers.IntegerField()
    minimum_tier = serializers.SlugRelatedField(slug_field="name", read_only=True, allow_null=True)
    available = serializers.SerializerMethodField(help_text=_("Whether it can be redeemed now."))
    unavailable_reason = serializers.SerializerMethodField()

    class Meta:
        model = Reward
        fields = [
            "id",
            "slug",
            "name",
            "description",
            "kind",
            "points_cost",
            "value",
            "max_steps",
            "stock",
            "per_member_limit",
            "limit_period",
            "minimum_tier",
            "available_from",
            "available_until",
            "voucher_valid_days",
            "available",
            "unavailable_reason",
        ]

    @extend_schema_field(serializers.BooleanField())
    def get_available(self, reward: Reward) -> bool:
        return self.context["problems"].get(reward.pk) is None

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_unavailable_reason(self, reward: Reward) -> str | None:
        problem = self.context["problems"].get(reward.pk)
        return str(problem) if problem else None


class RewardSummarySerializer(serializers.ModelSerializer):
    class Meta:
        model = Reward
        fields = ["id", "slug", "name", "kind"]


class ProblemSerializer(serializers.Serializer):
    code = serializers.CharField()
    message = serializers.CharField()


class VoucherSerializer(serializers.ModelSerializer):
    """A redemption and its voucher."""

    code = serializers.SerializerMethodField(help_text=_("As printed: 'K7QXM-3HD9P'."))
    steps = serializers.IntegerField()
    points = serializers.IntegerField()
    member = serializers.CharField(source="member.card_number")
    reward = RewardSummarySerializer()
    store = serializers.SlugRelatedField(
        slug_field="code",
        read_only=True,
        allow_null=True,
        help_text=_("Where it was redeemed."),
    )
    used_at = serializers.DateTimeField(source="fulfilled_at", allow_null=True)
    used_store = serializers.SlugRelatedField(
        source="fulfilled_store", slug_field="code", read_only=True, allow_null=True
    )

    class Meta:
        model = Redemption
        fields = [
            "id",
            "code",
            "status",
            "channel",
            "member",
            "reward",
            "steps",
            "points",
            "value",
            "store",
            "issued_at",
            "expires_at",
            "used_at",
            "used_store",
            "voided_at",
        ]

    @extend_schema_field(serializers.CharField())
    def get_code(self, redemption: Redemption) -> str:
        return voucher_code_format(redemption.code)


class VoucherCheckSerializer(VoucherSerializer):
    usable = serializers.SerializerMethodField(help_text=_("Whether it can be used now."))
    problem = serializers.SerializerMethodField(
        help_text=_("Why it cannot be used now (the code `use` would answer), or empty.")
    )

    class Meta(VoucherSerializer.Meta):
        fields = [*VoucherSerializer.Meta.fields, "usable", "problem"]

    def _problem(self, redemption: Redemption):
        from rewards.services import voucher_problem

        return voucher_problem(redemption, now=self.context.get("now") or timezone.now())

    @extend_schema_field(serializers.BooleanField())
    def get_usable(self, redemption: Redemption) -> bool:
        return self._problem(redemption) is None

    @extend_schema_field(ProblemSerializer(allow_null=True))
    def get_problem(self, redemption: Redemption) -> dict | None:
        problem = self._problem(redemption)
        if problem is None:
            return None
        return {"code": problem.code, "message": str(problem.message)}


class _PageSerializer(serializers.Serializer):
    next = serializers.URLField(allow_null=True, help_text=_("The next (older) page, or empty."))
    previous = serializers.URLField(
        allow_null=True, help_text=_("The previous (newer) page, or empty.")
    )


class EntryPageSerializer(_PageSerializer):
    results = EntrySerializer(many=True)


class VoucherPageSerializer(_PageSerializer):
    results = VoucherCheckSerializer(many=True)
