"""Serializers of the security checks' API: shape and validation only; writes go
through assets.findings.services."""

from rest_framework import serializers

from assets.models import Finding


class CheckSerializer(serializers.Serializer):
    """A catalogue entry (read only)."""

    id = serializers.CharField()
    title = serializers.CharField()
    service = serializers.CharField()
    resource_types = serializers.SerializerMethodField()
    severity = serializers.CharField()
    threat = serializers.CharField()
    rationale = serializers.CharField()
    remediation = serializers.SerializerMethodField()
    controls = serializers.SerializerMethodField()

    def get_resource_types(self, check) -> list[str]:
        return [f"{service}:{resource_type}" for service, resource_type in check.resource_types]

    def get_remediation(self, check) -> dict:
        return {"console": check.console, "cli": check.cli}

    def get_controls(self, check) -> dict:
        return {framework: list(ids) for framework, ids in check.controls.items()}


class FindingSerializer(serializers.ModelSerializer):
    resource_arn = serializers.CharField(source="resource.arn", read_only=True)
    resource_name = serializers.CharField(source="resource.name", read_only=True)
    title = serializers.CharField(read_only=True)

    class Meta:
        model = Finding
        fields = [
            "id",
            "check_id",
            "title",
            "resource",
            "resource_arn",
            "resource_name",
            "account",
            "region",
            "service",
            "severity",
            "status",
            "detail",
            "first_seen",
            "last_seen",
            "resolved_at",
            "value_at_stake_usd",
            "times_reopened",
            "muted_reason",
            "muted_until",
            "muted_by",
            "scope_decision",
            "scope_note",
            "scope_decided_by",
            "scope_decided_at",
        ]
        read_only_fields = fields


class MuteSerializer(serializers.Serializer):
    reason = serializers.CharField()
    until = serializers.DateField()


class ScopeTriageSerializer(serializers.Serializer):
    decision = serializers.ChoiceField(choices=["in_scope", "out_of_scope"])
    note = serializers.CharField()
