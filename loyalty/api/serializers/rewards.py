"""The API's serializers of the reward catalogue, redemptions and vouchers."""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from loyalty.api.serializers.base import MAX_ID, PageSerializer
from rewards.codes import voucher_code_format
from rewards.models import Redemption, Reward
from rewards.services import voucher_problem

# --- requests ---------------------------------------------------------------------------------


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


# --- responses --------------------------------------------------------------------------------

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


class VoucherPageSerializer(PageSerializer):
    results = VoucherCheckSerializer(many=True)
