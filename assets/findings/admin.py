"""Findings and posture snapshots in the Django admin: read only (the evaluation and
the mute services write them, with the audit trail)."""

from django.contrib import admin

from assets.models import Finding, PostureSnapshot
from isms.admin import ReadOnlyAdmin


@admin.register(Finding)
class FindingAdmin(ReadOnlyAdmin):
    list_display = ("check_id", "resource", "account", "severity", "status", "last_seen")
    list_filter = ("status", "severity", "service", "account")
    search_fields = ("check_id", "resource__name", "resource__arn", "detail")
    list_select_related = ("resource", "account")


@admin.register(PostureSnapshot)
class PostureSnapshotAdmin(ReadOnlyAdmin):
    list_display = ("account", "taken_at", "open_findings", "value_at_stake_usd")
    list_filter = ("account",)
    search_fields = ("account__name", "account__account_id")
    date_hierarchy = "taken_at"
