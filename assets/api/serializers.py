"""Serializers of the asset inventory API: validation and shape only; writes go
through assets.services."""

from rest_framework import serializers

from assets import services
from assets.forms import dependency_problem
from assets.models import Asset, AwsService
from assets.permissions import (
    can_reassign_asset,
    hidden_dependencies,
    shown_asset_ids,
    visible_assets,
)
from isms import ownership
from isms.models import User
from isms.relations import VisiblePrimaryKeyRelatedField


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
    # Only assets the caller may see: another owner's asset is refused like a missing one.
    depends_on = VisiblePrimaryKeyRelatedField(
        many=True, queryset=Asset.objects.all(), visible=visible_assets, required=False
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
            "person",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["value_at_stake_usd", "created_at", "updated_at"]
        # Uniqueness of ref is checked by the service (one rule for every channel).
        extra_kwargs = {"ref": {"validators": []}}

    def validate_owner(self, owner):
        request = self.context["request"]
        instance = self.instance
        changed = instance is not None and owner != instance.owner
        if changed and not can_reassign_asset(request.user, instance):
            raise serializers.ValidationError(ownership.REFUSED)
        return owner

    def validate_person(self, person):
        """Only those who may read the people register link a person."""
        unchanged = self.instance is not None and person == self.instance.person
        if not unchanged and not self.context["request"].user.has_perm("people.view_person"):
            raise serializers.ValidationError("You may not link people to assets.")
        return person

    def validate_depends_on(self, depends_on):
        if self.instance is not None:
            problem = dependency_problem(self.context["request"].user, self.instance, depends_on)
            if problem:
                raise serializers.ValidationError(problem)
        return depends_on

    def to_representation(self, instance):
        data = super().to_representation(instance)
        # Owners see the ids of the dependencies they may see, not the others'.
        data["depends_on"] = shown_asset_ids(self.context["request"].user, data["depends_on"])
        return data

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
        depends_on = data.pop("depends_on", None)
        if depends_on is not None:
            # Keep what the user may not see: a manager's link to another owner's asset.
            depends_on = [*depends_on, *hidden_dependencies(self.context["request"].user, instance)]
        return services.asset_update(
            asset=instance,
            user=self.context["request"].user,
            data=data,
            depends_on=depends_on,
            aws_services=data.pop("aws_services", None),
        )
