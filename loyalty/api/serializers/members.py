"""The API's serializers of members: the lookup, their points and their ledger."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from loyalty.api.serializers.base import MONEY, PageSerializer
from loyalty.models import PointsEntry


class MemberLookupSerializer(serializers.Serializer):
    email = serializers.CharField(max_length=254, required=False)
    phone = serializers.CharField(max_length=32, required=False)

    def validate(self, attrs: dict) -> dict:
        if len(attrs) != 1:
            raise serializers.ValidationError(_("Give exactly one of 'email' and 'phone'."))
        if "email" in attrs and "@" not in attrs["email"]:
            raise serializers.ValidationError({"email": [_("Enter a whole email address.")]})
        return attrs


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


class EntryPageSerializer(PageSerializer):
    results = EntrySerializer(many=True)
