"""Serializers of the asset inventory API: validation and shape only; writes go
through assets.services."""

from rest_framework import serializers

from assets import services
from assets.models import Asset, AwsService
from isms.models import User


class AwsServiceSerializer(serializers.ModelSerializer):
    customer_responsibilities = serializers.SerializerMethodField()
    aws_responsibilities = serializers.ListField(child=serializers.CharField(), read_only=True)

    class Meta:
        model = AwsService
        fields = [
            "id",
            "code",
            "name",
            "layer",
            "description",
            "customer_responsibilities",
            "aws_responsibilities",
        ]

    def get_customer_responsibilities(self, obj) -> list[str]:
        """The layer's duties followed by those specific to the service."""
        return [*obj.layer_customer_responsibilities, *obj.customer_responsibilities]


class AssetSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="asset-detail")
    ref = serializers.CharField(max_length=20, required=False, allow_blank=True)
    owner = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.filter(is_active=True), allow_null=True, required=False
    )
    depends_on = serializers.PrimaryKeyRelatedField(
        many=True, queryset=Asset.objects.all(), required=False
    )
    aws_services = serializers.SlugRelatedField(
        many=True, slug_field="code", queryset=AwsService.objects.all(), required=False
    )
    tags = serializers.ListField(
        child=serializers.CharField(max_length=50), required=False, allow_empty=True
    )
    overdue = serializers.BooleanField(read_only=True)

    class Meta:
        model = Asset
        fields = [
            "id",
            "url",
            "ref",
            "name",
            "description",
            "asset_class",
            "category",
            "value_usd",
            "value_at_stake_usd",
            "owner",
            "confidentiality",
            "integrity",
            "availability",
            "business_unit",
            "location",
            "tags",
            "review_interval_days",
            "next_review_date",
            "overdue",
            "depends_on",
            "aws_services",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["value_at_stake_usd", "created_at", "updated_at"]
        # Uniqueness of ref is checked by the service (one rule for every channel).
        extra_kwargs = {"ref": {"validators": []}}

    def validate_owner(self, owner):
        request = self.context["request"]
        instance = self.instance
        if instance is not None and owner != instance.owner:
            from assets.permissions import can_reassign_asset

            if not can_reassign_asset(request.user, instance):
                raise serializers.ValidationError("Only a security manager reassigns an asset.")
        return owner

    def create(self, validated_data):
        data = dict(validated_data)
        return services.asset_create(
            user=self.context["request"].user,
            data=data,
            depends_on=data.pop("depends_on", ()),
            aws_services=data.pop("aws_services", ()),
        )

    def update(self, instance, validated_data):
        data = dict(validated_data)
        return services.asset_update(
            asset=instance,
            user=self.context["request"].user,
            data=data,
            depends_on=data.pop("depends_on", None),
            aws_services=data.pop("aws_services", None),
        )
