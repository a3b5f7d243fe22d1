"""API serializers of the context app: validation only; writes go through services."""

from django.contrib.auth import get_user_model
from rest_framework import serializers

from isms.context.models import (
    ClimateDetermination,
    ContextIssue,
    InterestedParty,
    Measure,
    Measurement,
    Objective,
    PartyFeedback,
    Requirement,
)


def _user_field(**kwargs):
    return serializers.SlugRelatedField(
        slug_field="username", queryset=get_user_model().objects.filter(is_active=True), **kwargs
    )


class ContextIssueSerializer(serializers.ModelSerializer):
    class Meta:
        model = ContextIssue
        fields = [
            "id", "reference", "title", "description", "origin", "category", "effect",
            "treatment", "risk_reference", "objective", "control", "no_action_reason",
            "review_interval_months", "next_review_due", "created_at", "updated_at",
        ]  # fmt: skip


class ClimateDeterminationSerializer(serializers.ModelSerializer):
    decided_by = serializers.SlugRelatedField(slug_field="username", read_only=True)
    approved = serializers.BooleanField(read_only=True)

    class Meta:
        model = ClimateDetermination
        fields = [
            "id", "scope_version", "relevant", "reasoning", "decided_on", "decided_by",
            "approved", "created_at",
        ]  # fmt: skip
        extra_kwargs = {"decided_on": {"required": False}}


class RequirementSerializer(serializers.ModelSerializer):
    class Meta:
        model = Requirement
        fields = [
            "id", "party", "title", "kind", "description", "addressed", "how_addressed",
            "controls", "policies", "objectives",
        ]  # fmt: skip


class NestedRequirementSerializer(RequirementSerializer):
    class Meta(RequirementSerializer.Meta):
        read_only_fields = RequirementSerializer.Meta.fields


class InterestedPartySerializer(serializers.ModelSerializer):
    requirements = NestedRequirementSerializer(many=True, read_only=True)

    class Meta:
        model = InterestedParty
        fields = [
            "id", "name", "kind", "description", "scope_versions", "review_interval_months",
            "next_review_due", "requirements",
        ]  # fmt: skip


class ObjectiveSerializer(serializers.ModelSerializer):
    owner = _user_field()

    class Meta:
        model = Objective
        fields = [
            "id", "reference", "title", "policy", "plan", "resources", "owner", "due_date",
            "evaluation_method", "measure", "status", "review_interval_months",
            "next_review_due", "created_at", "updated_at",
        ]  # fmt: skip


class MeasureSerializer(serializers.ModelSerializer):
    measured_by = _user_field(required=False, allow_null=True)
    analysed_by = _user_field(required=False, allow_null=True)

    class Meta:
        model = Measure
        fields = [
            "id", "reference", "name", "description", "method", "kind", "provider",
            "frequency", "unit", "target", "direction", "measured_by", "analysed_by",
        ]  # fmt: skip


class MeasurementSerializer(serializers.ModelSerializer):
    recorded_by = serializers.SlugRelatedField(slug_field="username", read_only=True)
    day = serializers.DateField(
        write_only=True, required=False, help_text="A day of the period measured (default today)."
    )
    meets_target = serializers.SerializerMethodField()

    class Meta:
        model = Measurement
        fields = [
            "id", "measure", "period", "period_end", "value", "note", "day", "recorded_by",
            "recorded_at", "meets_target",
        ]  # fmt: skip
        read_only_fields = ["period", "period_end", "recorded_at"]

    def get_meets_target(self, obj) -> bool:
        return obj.measure.meets(obj.value)


class PartyFeedbackSerializer(serializers.ModelSerializer):
    class Meta:
        model = PartyFeedback
        fields = [
            "id", "party", "received_on", "kind", "summary", "response", "closed",
            "created_at", "updated_at",
        ]  # fmt: skip
