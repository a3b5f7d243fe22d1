"""The AWS connector in the Django admin (administrators: connections and schedules).

Resources, runs and partitions are written by syncs only, so they are read-only here;
accounts are edited through the services, so the audit trail records the change.
"""

from django.contrib import admin

from assets.aws import services
from assets.models import (
    AwsAccount,
    AwsLinkRule,
    AwsOrganization,
    AwsResource,
    AwsResourceLink,
    SyncPartition,
    SyncRun,
)
from isms.admin import AuditedAdmin


class _ReadOnly(AuditedAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(AwsAccount)
class AwsAccountAdmin(AuditedAdmin):
    # Saved through the services, which write the audit trail themselves.
    list_display = (
        "name",
        "account_id",
        "environment",
        "enabled",
        "sync_interval_minutes",
        "connection_status",
        "last_sync_started_at",
    )
    list_filter = ("environment", "strategy", "enabled", "connection_status")
    search_fields = ("name", "account_id", "role_arn")
    readonly_fields = (
        "external_id",
        "connection_status",
        "connection_message",
        "connection_checked_at",
        "last_sync_started_at",
        "organization",
        "membership_status",
        "ou_id",
        "ou_path",
    )

    def save_model(self, request, obj, form, change):
        fields = {
            name: form.cleaned_data[name]
            for name in services.ACCOUNT_FIELDS
            if name in form.cleaned_data
        }
        if change:
            services.aws_account_update(
                account=AwsAccount.objects.get(pk=obj.pk), user=request.user, data=fields
            )
        else:
            obj.pk = services.aws_account_create(user=request.user, data=fields).pk

    def delete_model(self, request, obj):
        services.aws_account_delete(account=obj)


@admin.register(AwsOrganization)
class AwsOrganizationAdmin(_ReadOnly):
    """Read-only here: organisations are connected and changed on their pages (with
    re-authentication), and their members are written by discovery."""

    list_display = ("name", "organization_id", "management_account", "enabled")
    search_fields = ("name", "organization_id")
    list_filter = ("enabled",)
    list_select_related = ("management_account",)


class SyncPartitionInline(admin.TabularInline):
    model = SyncPartition
    extra = 0
    can_delete = False
    fields = ("service", "region", "status", "seen", "created", "gone", "error_code")
    readonly_fields = fields


@admin.register(SyncRun)
class SyncRunAdmin(_ReadOnly):
    list_display = ("pk", "account", "trigger", "status", "created_at", "finished_at")
    list_filter = ("status", "trigger", "account")
    search_fields = ("account__name", "account__account_id", "error_code")
    inlines = [SyncPartitionInline]


@admin.register(SyncPartition)
class SyncPartitionAdmin(_ReadOnly):
    list_display = ("run", "service", "region", "status", "seen", "gone", "error_code")
    list_filter = ("status", "service", "region")
    search_fields = ("service", "region", "error_code", "error_message")
    list_select_related = ("run__account",)


@admin.register(AwsResourceLink)
class AwsResourceLinkAdmin(_ReadOnly):
    list_display = ("resource", "asset", "source", "rule", "created_at")
    list_filter = ("source",)
    search_fields = ("resource__name", "resource__arn", "asset__ref", "asset__name")
    list_select_related = ("resource", "asset", "rule")


@admin.register(AwsResource)
class AwsResourceAdmin(_ReadOnly):
    list_display = (
        "name",
        "resource_type",
        "service",
        "region",
        "account",
        "last_seen",
        "gone_since",
    )
    list_filter = ("service", "resource_type", "region", "account")
    search_fields = ("name", "arn")
    list_select_related = ("service", "account")


@admin.register(AwsLinkRule)
class AwsLinkRuleAdmin(_ReadOnly):
    list_display = ("name", "kind", "tag_key", "tag_value", "arn_pattern", "asset", "enabled")
    list_filter = ("kind", "enabled")
    search_fields = ("name", "tag_key", "tag_value", "arn_pattern")
