"""Serializers of /api/bia/, /api/continuity-plans/ and their exercises."""

from rest_framework import serializers

from assets.continuity.models import ContinuityExercise, ContinuityPlan, RecoveryObjective
from assets.models import Asset
from assets.permissions import visible_assets
from isms.relations import VisiblePrimaryKeyRelatedField


class ImpactStepSerializer(serializers.Serializer):
    after_minutes = serializers.IntegerField(min_value=0)
    impact = serializers.CharField(max_length=500)


class RecoveryObjectiveSerializer(serializers.ModelSerializer):
    """The BIA of one asset: own objectives (writable) and required ones (inherited,
    read-only: the strictest of the asset and of everything that depends on it)."""

    asset = VisiblePrimaryKeyRelatedField(queryset=Asset.objects.all(), visible=visible_assets)
    asset_ref = serializers.CharField(source="asset.ref", read_only=True)
    asset_name = serializers.CharField(source="asset.name", read_only=True)
    impact_over_time = ImpactStepSerializer(many=True, required=False)

    class Meta:
        model = RecoveryObjective
        fields = [
            "asset",
            "asset_ref",
            "asset_name",
            "mtd_minutes",
            "rto_minutes",
            "rpo_minutes",
            "impact_over_time",
            "achievable_rto_minutes",
            "achievable_rpo_minutes",
            "notes",
            "required_mtd_minutes",
            "required_rto_minutes",
            "required_rpo_minutes",
            "updated_at",
        ]
        read_only_fields = [
            "required_mtd_minutes",
            "required_rto_minutes",
            "required_rpo_minutes",
            "updated_at",
        ]


class RecoveryObjectiveUpdateSerializer(RecoveryObjectiveSerializer):
    asset = serializers.PrimaryKeyRelatedField(read_only=True)


class GapSerializer(serializers.Serializer):
    asset = serializers.IntegerField(source="asset.pk")
    asset_ref = serializers.CharField(source="asset.ref")
    kind = serializers.CharField()
    message = serializers.CharField()
    required_minutes = serializers.IntegerField(allow_null=True)
    resource_arn = serializers.CharField(source="resource.arn", allow_null=True, default=None)


class ContinuityExerciseSerializer(serializers.ModelSerializer):
    class Meta:
        model = ContinuityExercise
        fields = [
            "id",
            "plan",
            "held_on",
            "kind",
            "scenario",
            "achieved_rto_minutes",
            "achieved_rpo_minutes",
            "result",
            "observations",
            "recorded_by",
            "created_at",
        ]
        read_only_fields = ["plan", "recorded_by", "created_at"]


class ContinuityPlanSerializer(serializers.ModelSerializer):
    processes = VisiblePrimaryKeyRelatedField(
        many=True, queryset=Asset.objects.all(), visible=visible_assets, required=False
    )

    class Meta:
        model = ContinuityPlan
        fields = [
            "id",
            "ref",
            "title",
            "processes",
            "strategy",
            "content",
            "status",
            "version",
            "owner",
            "test_interval_days",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["ref", "version", "owner", "created_at", "updated_at"]


class PlanSubmittedSerializer(serializers.Serializer):
    approval_request = serializers.IntegerField()
    version = serializers.IntegerField()
