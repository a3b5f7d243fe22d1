"""API serializers of the risks app: validation only; writes go through services."""

from rest_framework import serializers

from assets.models import Asset, Finding
from assets.permissions import (
    can_view_findings,
    shown_asset_ids,
    visible_assets,
    visible_findings,
)
from isms.frameworks.selectors import visible_controls
from isms.models import Control, User
from isms.relations import VisiblePrimaryKeyRelatedField
from risks.models import MethodologyVersion, Risk, Threat, TreatmentAction, Vulnerability
from risks.selectors import parse_ids


class ThreatSerializer(serializers.ModelSerializer):
    class Meta:
        model = Threat
        fields = ["id", "name", "category", "description", "source", "is_active"]
        read_only_fields = ["source"]


class VulnerabilitySerializer(serializers.ModelSerializer):
    class Meta:
        model = Vulnerability
        fields = ["id", "name", "category", "description", "source", "is_active"]
        read_only_fields = ["source"]


class MethodologyVersionSerializer(serializers.ModelSerializer):
    """A methodology version; `content` is editable while the version is a draft."""

    author = serializers.SlugRelatedField(slug_field="username", read_only=True)
    approved_by = serializers.SlugRelatedField(
        slug_field="username", read_only=True, allow_null=True
    )
    preset = serializers.ChoiceField(
        choices=[("", "copy of the active version"), "5x5", "4x4", "3x3"],
        required=False,
        allow_blank=True,
        write_only=True,
    )

    class Meta:
        model = MethodologyVersion
        fields = [
            "id",
            "number",
            "approval_state",
            "preset",
            "content",
            "change_note",
            "author",
            "approved_by",
            "approved_at",
            "approved_sha256",
            "created_at",
        ]
        read_only_fields = ["number", "approval_state", "approved_at", "approved_sha256"]
        extra_kwargs = {"content": {"required": False}}


class TreatmentActionSerializer(serializers.ModelSerializer):
    owner = serializers.PrimaryKeyRelatedField(queryset=User.objects.all(), allow_null=True)

    class Meta:
        model = TreatmentAction
        fields = ["id", "title", "owner", "due_date", "status"]


class FindingIdsField(serializers.ManyRelatedField):
    """Finding ids: read from the `finding_ids_text` column the API's queryset adds (no
    query per page), written as ids validated against the findings."""

    def get_attribute(self, instance):
        if hasattr(instance, "finding_ids_text"):
            return parse_ids(instance.finding_ids_text)
        return [finding.pk for finding in instance.findings.all()]

    def to_representation(self, value):
        return list(value)


class RiskSerializer(serializers.ModelSerializer):
    """A risk. Levels and $ figures are derived (read-only). An update must carry the
    `version` it is based on; a stale one is refused with 409.

    `findings` are ids of security-check findings. Creating a risk with `findings` builds
    it from them: `assets`, `title`, `description`, `threat`, `vulnerability` and
    `inherent_likelihood` default to what the findings suggest."""

    # Related records among those the caller may see (isms.relations).
    assets = VisiblePrimaryKeyRelatedField(
        queryset=Asset.objects.all(),
        visible=visible_assets,
        many=True,
        allow_empty=False,
        required=False,
    )
    findings = FindingIdsField(
        child_relation=VisiblePrimaryKeyRelatedField(
            queryset=Finding.objects.all(), visible=visible_findings
        ),
        required=False,
        help_text="Ids of the linked security findings.",
    )
    open_findings_count = serializers.IntegerField(
        read_only=True, help_text="Linked findings that are open."
    )
    needs_review_from_findings = serializers.BooleanField(
        read_only=True,
        help_text="All linked findings were resolved since the risk last changed: review it.",
    )
    controls = VisiblePrimaryKeyRelatedField(
        queryset=Control.objects.all(), visible=visible_controls, many=True, required=False
    )
    owner = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.filter(is_active=True), allow_null=True, required=False
    )
    inherent_level_name = serializers.SerializerMethodField()
    residual_level_name = serializers.SerializerMethodField()
    version = serializers.IntegerField(required=False)

    class Meta:
        model = Risk
        fields = [
            "id",
            "ref",
            "title",
            "description",
            "assets",
            "findings",
            "open_findings_count",
            "needs_review_from_findings",
            "threat",
            "vulnerability",
            "owner",
            "status",
            "review_date",
            "inherent_likelihood",
            "inherent_impact",
            "inherent_level",
            "inherent_level_name",
            "value_at_stake_usd",
            "exposure_factor",
            "sle_usd",
            "aro",
            "ale_usd",
            "treatment",
            "treatment_justification",
            "controls",
            "residual_likelihood",
            "residual_impact",
            "residual_level",
            "residual_level_name",
            "residual_ale_usd",
            "accepted_until",
            "version",
            "created_at",
            "updated_at",
        ]
        extra_kwargs = {"title": {"required": False}}
        read_only_fields = [
            "ref",
            "inherent_level",
            "value_at_stake_usd",
            "exposure_factor",
            "sle_usd",
            "aro",
            "ale_usd",
            "residual_level",
            "residual_ale_usd",
            "accepted_until",
        ]

    def _level(self, rank):
        scale = self.context.get("scale")
        level = scale.level(rank) if scale else None
        return level["name"] if level else None

    def get_inherent_level_name(self, risk) -> str | None:
        return self._level(risk.inherent_level)

    def get_residual_level_name(self, risk) -> str | None:
        return self._level(risk.residual_level)

    def to_representation(self, instance):
        data = super().to_representation(instance)
        request = self.context.get("request")
        if request is not None:
            # Related records as the caller may see them (a risk owner: their assets).
            data["assets"] = shown_asset_ids(request.user, data["assets"])
            if not can_view_findings(request.user):
                data["findings"] = []
        return data

    def validate(self, attrs):
        if self.instance is not None and "version" not in attrs:
            raise serializers.ValidationError(
                {"version": "Send the version your change is based on."}
            )
        if self.instance is None and not attrs.get("findings"):
            errors = {}
            if not attrs.get("title"):
                errors["title"] = "This field is required (or give findings to build from)."
            if not attrs.get("assets"):
                errors["assets"] = "Choose at least one asset (or give findings to build from)."
            if errors:
                raise serializers.ValidationError(errors)
        return attrs


class RiskDetailSerializer(RiskSerializer):
    """A risk with its treatment plan (the list leaves the plan out)."""

    actions = TreatmentActionSerializer(many=True, read_only=True)

    class Meta(RiskSerializer.Meta):
        fields = [*RiskSerializer.Meta.fields, "actions"]


class HeatmapCellSerializer(serializers.Serializer):
    likelihood = serializers.IntegerField()
    impact = serializers.IntegerField()
    level = serializers.CharField()
    count = serializers.IntegerField()


class HeatmapSerializer(serializers.Serializer):
    methodology_version = serializers.IntegerField(allow_null=True)
    inherent = HeatmapCellSerializer(many=True)
    residual = HeatmapCellSerializer(many=True)
