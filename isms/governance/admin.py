"""Admin of governance. Approval records are read-only; an approved version is shown
read-only and cannot be deleted (its model refuses too); workflow states are never
editable here: they move only through the approval services."""

from django.contrib import admin

from isms.admin import AuditedAdmin, ReadOnlyAdmin
from isms.models import (
    ApprovalDecision,
    ApprovalRequest,
    Notification,
    Policy,
    PolicyAcknowledgement,
    PolicyVersion,
    ReviewReminder,
    Scope,
    ScopeVersion,
)


class VersionAdmin(AuditedAdmin):
    """Drafts are editable; versions in review are locked, approved ones frozen."""

    readonly_fields = ("approval_state", "approved_at", "approved_sha256")

    def has_change_permission(self, request, obj=None):
        if obj is not None and not obj.is_editable:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.is_frozen:
            return False
        return super().has_delete_permission(request, obj)


@admin.register(ScopeVersion)
class ScopeVersionAdmin(VersionAdmin):
    list_display = ("__str__", "approval_state", "approved_at", "created_by")
    list_filter = ("approval_state",)
    search_fields = ("description",)


@admin.register(PolicyVersion)
class PolicyVersionAdmin(VersionAdmin):
    list_display = ("__str__", "approval_state", "approved_at", "created_by")
    list_filter = ("approval_state", "policy")
    search_fields = ("policy__reference", "policy__title", "body")


@admin.register(Scope)
class ScopeAdmin(AuditedAdmin):
    list_display = ("name", "review_interval_months", "next_review_due")
    list_filter = ("next_review_due",)
    search_fields = ("name",)


@admin.register(Policy)
class PolicyAdmin(AuditedAdmin):
    list_display = ("reference", "title", "kind", "owner", "classification", "published_version")
    list_filter = ("kind", "classification")
    search_fields = ("reference", "title")


class DecisionInline(admin.TabularInline):
    model = ApprovalDecision
    extra = 0
    can_delete = False
    readonly_fields = ("decided_by", "decision", "comment", "decided_at", "content_sha256")

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(ApprovalRequest)
class ApprovalRequestAdmin(ReadOnlyAdmin):
    list_display = ("title", "content_type", "state", "submitted_by", "submitted_at")
    list_filter = ("state", "content_type")
    search_fields = ("title", "content_sha256")
    inlines = [DecisionInline]


@admin.register(ApprovalDecision)
class ApprovalDecisionAdmin(ReadOnlyAdmin):
    list_display = ("request", "decided_by", "decision", "decided_at")
    list_filter = ("decision", "decided_at")
    search_fields = ("request__title", "decided_by__username", "comment", "content_sha256")


@admin.register(PolicyAcknowledgement)
class PolicyAcknowledgementAdmin(ReadOnlyAdmin):
    list_display = ("version", "user", "acknowledged_at")
    list_filter = ("acknowledged_at", "version__policy")
    search_fields = ("user__username", "version__policy__reference")


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin):
    list_display = ("user", "subject", "created_at", "read_at", "emailed_at")
    list_filter = ("created_at", "read_at", "emailed_at")
    search_fields = ("user__username", "subject")


@admin.register(ReviewReminder)
class ReviewReminderAdmin(ReadOnlyAdmin):
    list_display = ("title", "due_date", "reminded_at")
    list_filter = ("due_date", "reminded_at")
    search_fields = ("title",)
