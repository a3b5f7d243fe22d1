"""Serializers of /api/incidents/ and its entries, evidence and notifications."""

from django.urls import reverse
from rest_framework import serializers

from assets.models import Asset, AwsResource, Finding
from assets.permissions import visible_assets, visible_findings, visible_resources
from isms.models import User
from isms.relations import VisiblePrimaryKeyRelatedField
from risks.incidents.choices import EntryKind, IncidentStatus
from risks.incidents.models import (
    Incident,
    IncidentEntry,
    IncidentEvidence,
    IncidentNotification,
)
from risks.models import Risk
from risks.selectors import visible_risks


def _assets(**kwargs):
    return VisiblePrimaryKeyRelatedField(
        many=True, queryset=Asset.objects.all(), visible=visible_assets, **kwargs
    )


class IncidentSerializer(serializers.ModelSerializer):
    """An incident as read; reporting (POST) takes title, description, times, assets."""

    assets = _assets(required=False)
    findings = VisiblePrimaryKeyRelatedField(
        many=True, queryset=Finding.objects.all(), visible=visible_findings, required=False
    )
    aws_resources = VisiblePrimaryKeyRelatedField(
        many=True, queryset=AwsResource.objects.all(), visible=visible_resources, required=False
    )
    risks = VisiblePrimaryKeyRelatedField(
        many=True, queryset=Risk.objects.all(), visible=visible_risks, required=False
    )
    handler = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.filter(is_active=True), required=False, allow_null=True
    )
    status = serializers.ChoiceField(choices=IncidentStatus.choices, required=False)

    class Meta:
        model = Incident
        fields = [
            "id",
            "ref",
            "title",
            "description",
            "kind",
            "status",
            "category",
            "severity",
            "reported_by",
            "handler",
            "occurred_at",
            "detected_at",
            "reported_at",
            "assets",
            "findings",
            "aws_resources",
            "risks",
            "personal_data_breach",
            "containment",
            "eradication",
            "recovery",
            "root_cause",
            "lessons_learned",
            "reviewed_at",
            "closed_at",
            "updated_at",
        ]
        read_only_fields = ["ref", "reported_by", "reported_at", "closed_at", "updated_at"]


class IncidentReportSerializer(serializers.ModelSerializer):
    assets = _assets(required=False)

    class Meta:
        model = Incident
        fields = ["title", "description", "occurred_at", "detected_at", "assets"]


class EntrySerializer(serializers.ModelSerializer):
    kind = serializers.ChoiceField(
        choices=[EntryKind.NOTE, EntryKind.ACTION], default=EntryKind.NOTE
    )

    class Meta:
        model = IncidentEntry
        fields = ["id", "at", "author", "kind", "text", "created_at"]
        read_only_fields = ["author", "created_at"]
        extra_kwargs = {"at": {"required": False}}

    def to_representation(self, instance):
        data = super().to_representation(instance)
        data["kind"] = instance.kind  # system entries (status, evidence...) read as they are
        return data


class IncidentEvidenceSerializer(serializers.ModelSerializer):
    file = serializers.FileField(write_only=True)
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = IncidentEvidence
        fields = [
            "id",
            "file",
            "filename",
            "sha256",
            "size",
            "description",
            "added_by",
            "added_at",
            "download_url",
        ]
        read_only_fields = ["filename", "sha256", "size", "added_by", "added_at"]

    def get_download_url(self, evidence) -> str:
        return reverse("incidents:evidence_download", args=[evidence.pk])


class NotificationSerializer(serializers.ModelSerializer):
    overdue = serializers.BooleanField(read_only=True)

    class Meta:
        model = IncidentNotification
        fields = [
            "id",
            "recipient",
            "obligation",
            "due_at",
            "status",
            "notified_at",
            "reference",
            "overdue",
        ]
        read_only_fields = ["notified_at"]


class CloseSerializer(serializers.Serializer):
    root_cause = serializers.CharField(required=False, allow_blank=True)
    lessons_learned = serializers.CharField(required=False, allow_blank=True)
    reviewed_at = serializers.DateTimeField(required=False, allow_null=True)


class FollowUpSerializer(serializers.Serializer):
    kind = serializers.CharField(
        default="risk",
        help_text='"risk", "nonconformity", "improvement" (an opportunity for improvement), '
        "or another registered kind.",
    )
    title = serializers.CharField(max_length=300)
    description = serializers.CharField(required=False, allow_blank=True)


class FollowUpResultSerializer(serializers.Serializer):
    kind = serializers.CharField()
    id = serializers.IntegerField()
    label = serializers.CharField()
    url = serializers.CharField()


class ImpactAssetSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    ref = serializers.CharField()
    name = serializers.CharField()
    value_usd = serializers.DecimalField(max_digits=14, decimal_places=2)


class ImpactSerializer(serializers.Serializer):
    affected = ImpactAssetSerializer(many=True)
    processes = ImpactAssetSerializer(many=True)
    asset_count = serializers.IntegerField()
    value_usd = serializers.DecimalField(max_digits=16, decimal_places=2)
