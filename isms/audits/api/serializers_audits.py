"""API serializers of audit programmes and audits: validation only; writes go through
`isms.audits.services.audits`."""

from django.db.models import Q
from rest_framework import serializers

from isms.audits.models import (
    Audit,
    AuditConclusion,
    AuditEvidence,
    AuditItem,
    AuditProgramme,
    AuditReport,
)
from isms.audits.services import audits as services
from isms.models import Control, User


class AuditProgrammeSerializer(serializers.ModelSerializer):
    owner = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.filter(is_active=True), allow_null=True, required=False
    )

    class Meta:
        model = AuditProgramme
        fields = ["id", *services.PROGRAMME_FIELDS, "created_at", "updated_at"]
        read_only_fields = ["created_at", "updated_at"]
        validators: list = []  # the service checks the year's uniqueness (one transaction)

    def create(self, validated_data):
        return services.programme_save(user=self.context["request"].user, **validated_data)

    def update(self, instance, validated_data):
        return services.programme_save(
            user=self.context["request"].user, programme=instance, **validated_data
        )


class AuditEvidenceSerializer(serializers.ModelSerializer):
    class Meta:
        model = AuditEvidence
        fields = ["id", "title", "url", "added_at"]
        read_only_fields = fields


class AuditItemSerializer(serializers.ModelSerializer):
    requirement = serializers.CharField(source="requirement.identifier", read_only=True)
    framework = serializers.CharField(source="requirement.framework.code", read_only=True)
    title = serializers.CharField(source="requirement.title", read_only=True)
    evidence = AuditEvidenceSerializer(many=True, read_only=True)
    conclusion = serializers.ChoiceField(
        choices=AuditConclusion.choices, allow_blank=True, read_only=True
    )

    class Meta:
        model = AuditItem
        fields = ["id", "requirement", "framework", "title", "question", "conclusion",
                  "findings", "concluded_at", "evidence"]  # fmt: skip
        read_only_fields = fields


class AuditReportSerializer(serializers.ModelSerializer):
    class Meta:
        model = AuditReport
        fields = ["id", "version", "conclusion", "approval_state", "approved_at",
                  "approved_sha256", "created_at"]  # fmt: skip
        read_only_fields = fields


def _criteria_queryset():
    return Control.objects.filter(withdrawn=False).filter(
        Q(framework__code=services.CLAUSES_CODE) | Q(framework__soa_basis=True)
    )


class AuditSerializer(serializers.ModelSerializer):
    programme = serializers.PrimaryKeyRelatedField(queryset=AuditProgramme.objects.all())
    reference = serializers.CharField(read_only=True)
    criteria = serializers.PrimaryKeyRelatedField(queryset=_criteria_queryset(), many=True)
    auditors = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.filter(is_active=True), many=True
    )
    auditees = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.filter(is_active=True), many=True, required=False
    )
    items = AuditItemSerializer(many=True, read_only=True)
    reports = AuditReportSerializer(many=True, read_only=True)

    class Meta:
        model = Audit
        fields = ["id", "reference", "programme", "title", "scope", "criteria", "auditors",
                  "auditees", "planned_start", "planned_end", "started_on", "completed_on",
                  "status", "summary", "items", "reports", "created_at", "updated_at"]  # fmt: skip
        read_only_fields = ["started_on", "completed_on", "status", "summary", "created_at",
                            "updated_at"]  # fmt: skip
        validators: list = []

    def create(self, validated_data):
        return services.audit_create(user=self.context["request"].user, **validated_data)

    def update(self, instance, validated_data):
        validated_data.pop("programme", None)
        return services.audit_update(
            user=self.context["request"].user, audit_obj=instance, **validated_data
        )


class ConcludeSerializer(serializers.Serializer):
    item = serializers.IntegerField()
    conclusion = serializers.ChoiceField(choices=AuditConclusion.choices)
    findings = serializers.CharField(required=False, allow_blank=True, default="")


class EvidenceAddSerializer(serializers.Serializer):
    item = serializers.IntegerField()
    title = serializers.CharField(max_length=200)
    url = serializers.URLField(required=False, allow_blank=True, default="", max_length=500)
    file = serializers.FileField(required=False, allow_null=True, default=None)


class CompleteSerializer(serializers.Serializer):
    summary = serializers.CharField()


class ReportCreateSerializer(serializers.Serializer):
    conclusion = serializers.CharField()
