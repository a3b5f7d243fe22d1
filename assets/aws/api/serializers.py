"""Serializers of the AWS connector's API: shape and validation only; writes go through
assets.aws.services."""

from rest_framework import serializers

from assets.models import AwsAccount, AwsOrganization, AwsResource, SyncPartition, SyncRun
from assets.models.aws import validate_ou_path, validate_region
from isms import reauth


class AwsAccountSerializer(serializers.ModelSerializer):
    """An account; `external_id` is generated and read-only. Creating or changing one
    needs the caller's `password` or SSO `confirmation_code` (re-authentication); it is
    checked, never stored."""

    membership_status = serializers.CharField(
        read_only=True,
        help_text="In its organisation, as the last discovery saw it: active, suspended or "
        "removed; empty for an account outside any organisation.",
    )

    regions = serializers.ListField(
        child=serializers.CharField(max_length=30, validators=[validate_region]), required=False
    )
    password = serializers.CharField(
        write_only=True,
        trim_whitespace=False,
        required=False,
        allow_blank=True,
        style={"input_type": "password"},
        help_text="Your password: connecting or changing an account needs it (or, for single "
        "sign-on users, `confirmation_code`).",
    )
    confirmation_code = reauth.confirmation_code_field()

    class Meta:
        model = AwsAccount
        fields = [
            "id",
            "name",
            "account_id",
            "role_arn",
            "external_id",
            "regions",
            "environment",
            "strategy",
            "enabled",
            "sync_interval_minutes",
            "connection_status",
            "connection_message",
            "connection_checked_at",
            "last_sync_started_at",
            "organization",
            "membership_status",
            "ou_id",
            "ou_path",
            "in_scope",
            "created_at",
            "updated_at",
            "password",
            "confirmation_code",
        ]
        read_only_fields = [
            "external_id",
            "connection_status",
            "connection_message",
            "connection_checked_at",
            "last_sync_started_at",
            "organization",
            "membership_status",
            "ou_id",
            "ou_path",
            "in_scope",
            "created_at",
            "updated_at",
        ]


class AwsOrganizationSerializer(serializers.ModelSerializer):
    """An organisation connected through its management (or delegated administrator)
    account; `external_id` is generated and read-only, shared by every member role.
    Creating or changing one needs the caller's `password` or SSO `confirmation_code`
    (re-authentication)."""

    regions = serializers.ListField(
        child=serializers.CharField(max_length=30, validators=[validate_region]), required=False
    )
    password = serializers.CharField(
        write_only=True,
        trim_whitespace=False,
        required=False,
        allow_blank=True,
        style={"input_type": "password"},
        help_text="Your password: connecting or changing an organisation needs it (or, for single "
        "sign-on users, `confirmation_code`).",
    )
    confirmation_code = reauth.confirmation_code_field()
    include_ous = serializers.ListField(
        child=serializers.CharField(max_length=1024, validators=[validate_ou_path]),
        required=False,
        help_text="OU paths (Root / Workloads) whose accounts are synced; empty: every OU.",
    )
    exclude_ous = serializers.ListField(
        child=serializers.CharField(max_length=1024, validators=[validate_ou_path]),
        required=False,
        help_text="OU paths whose accounts are never synced, even inside an included OU.",
    )
    accounts = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta:
        model = AwsOrganization
        fields = [
            "id",
            "name",
            "management_account",
            "member_role_name",
            "external_id",
            "organization_id",
            "regions",
            "include_ous",
            "exclude_ous",
            "sync_interval_minutes",
            "enabled",
            "last_discovered_at",
            "last_synced_at",
            "discovery_message",
            "accounts",
            "created_at",
            "updated_at",
            "password",
            "confirmation_code",
        ]
        read_only_fields = [
            "external_id",
            "organization_id",
            "last_discovered_at",
            "last_synced_at",
            "discovery_message",
            "created_at",
            "updated_at",
        ]


class OrganizationSyncQueuedSerializer(serializers.Serializer):
    queued = serializers.BooleanField()


class SyncPartitionSerializer(serializers.ModelSerializer):
    class Meta:
        model = SyncPartition
        fields = [
            "region",
            "service",
            "status",
            "attempts",
            "started_at",
            "finished_at",
            "seen",
            "created",
            "updated",
            "gone",
            "returned",
            "api_calls",
            "error_code",
            "error_message",
            "error_hint",
        ]


class SyncRunSerializer(serializers.ModelSerializer):
    partitions = SyncPartitionSerializer(many=True, read_only=True)
    percent = serializers.IntegerField(read_only=True)

    class Meta:
        model = SyncRun
        fields = [
            "id",
            "account",
            "trigger",
            "requested_by",
            "status",
            "created_at",
            "started_at",
            "finished_at",
            "progress_at",
            "regions",
            "partitions_total",
            "partitions_done",
            "percent",
            "counts",
            "error_code",
            "error_message",
            "partitions",
        ]
        read_only_fields = fields


class AwsResourceSerializer(serializers.ModelSerializer):
    service = serializers.CharField(source="service.code", read_only=True)
    layer = serializers.CharField(source="service.layer", read_only=True)
    assets = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta:
        model = AwsResource
        fields = [
            "id",
            "arn",
            "account",
            "region",
            "service",
            "resource_type",
            "name",
            "tags",
            "configuration",
            "first_seen",
            "last_seen",
            "gone_since",
            "layer",
            "assets",
        ]
        read_only_fields = fields
