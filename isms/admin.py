"""Django admin for administrators (superusers) only; immutable records are read-only."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from isms.models import ApiToken, AuditEvent, Heartbeat, User


def _superusers_only(request):
    return request.user.is_active and request.user.is_superuser


admin.site.has_permission = _superusers_only
admin.site.site_header = "ISMS Manager administration"
admin.site.site_title = "ISMS Manager admin"


class ReadOnlyAdmin(admin.ModelAdmin):
    """For records no path may change: no add, change or delete, even for superusers."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(User)
class IsmsUserAdmin(UserAdmin):
    list_filter = ("is_superuser", "is_active", "groups")


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    list_display = ("timestamp", "actor_repr", "source", "action", "content_type", "object_repr")
    list_filter = ("action", "content_type", "timestamp")
    search_fields = ("actor_repr", "object_repr", "message", "object_id", "request_id")
    date_hierarchy = "timestamp"


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = (
        "name",
        "user",
        "prefix",
        "created_at",
        "expires_at",
        "last_used_at",
        "revoked_at",
    )
    list_filter = ("revoked_at", "expires_at")
    search_fields = ("name", "user__username", "prefix")
    readonly_fields = ("user", "prefix", "token_hash", "created_at", "last_used_at")
    fields = (
        "user",
        "name",
        "prefix",
        "token_hash",
        "created_at",
        "expires_at",
        "last_used_at",
        "revoked_at",
    )

    def has_add_permission(self, request, obj=None):
        return False  # tokens are created by their user, who sees the secret once


@admin.register(Heartbeat)
class HeartbeatAdmin(ReadOnlyAdmin):
    list_display = ("token", "worker", "seen_at")
    list_filter = ("worker", "seen_at")
    search_fields = ("token", "worker")


# Frameworks, controls and SoAs register their own admin classes.
import isms.frameworks.admin  # noqa: E402, F401
import isms.governance.admin  # noqa: E402, F401  (scope, policies, approvals, notifications)
