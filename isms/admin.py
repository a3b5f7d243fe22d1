"""Django admin for administrators (superusers) only; immutable records are read-only.

Every admin class of every app derives from `AuditedAdmin` (or mixes in
`AuditedAdminMixin`): what an administrator adds, changes or deletes here is written to
the ISMS audit trail like a service's change (source "admin", actor the administrator),
so it shows in the object's history and counts as editing for the approval rules
(`isms.approvals.editors_of` reads the trail). tests/isms/test_admin.py checks that
every registered class is audited.
"""

from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.models import Group

from isms import audit
from isms.models import ApiToken, AuditEvent, Heartbeat, User
from isms.models.audit import AuditAction


def _superusers_only(request):
    return request.user.is_active and request.user.is_superuser


admin.site.has_permission = _superusers_only
admin.site.site_header = "ISMS Manager administration"
admin.site.site_title = "ISMS Manager admin"


ADMIN_MESSAGE = "Changed in the Django admin"


def _stored(obj):
    """`obj` as the database holds it (the admin form has already changed the instance)."""
    return type(obj)._default_manager.filter(pk=obj.pk).first() if obj.pk is not None else None


class AuditedAdminMixin:
    """Records every add, change and delete made through the admin (inlines and
    many-to-many fields included) in the ISMS audit trail."""

    def save_model(self, request, obj, form, change):
        stored = _stored(obj) if change else None
        before = audit.snapshot(stored, m2m=False) if stored is not None else None
        super().save_model(request, obj, form, change)
        if before is None:
            audit.record_created(obj, message="Added in the Django admin")
        else:
            changes = audit.diff(before, audit.snapshot(obj, m2m=False))
            changes.pop("updated_at", None)
            if changes:
                audit.record(obj, AuditAction.UPDATE, changes=changes, message=ADMIN_MESSAGE)

    def delete_model(self, request, obj):
        audit.record_deleted(obj, message="Deleted in the Django admin")
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            audit.record_deleted(obj, message="Deleted in the Django admin")
        super().delete_queryset(request, queryset)

    def save_related(self, request, form, formsets, change):
        # Many-to-many fields are saved here, after save_model: compare them apart.
        obj = form.instance
        names = [f.name for f in obj._meta.many_to_many if f.name in form.cleaned_data]
        before = {name: sorted(getattr(obj, name).values_list("pk", flat=True)) for name in names}
        super().save_related(request, form, formsets, change)
        after = {name: sorted(getattr(obj, name).values_list("pk", flat=True)) for name in names}
        changes = audit.diff(before, after)
        if changes:
            audit.record(obj, AuditAction.UPDATE, changes=changes, message=ADMIN_MESSAGE)

    def save_formset(self, request, form, formset, change):
        for inline_form in formset.deleted_forms:
            if inline_form.instance.pk is not None:
                audit.record_deleted(inline_form.instance, message="Deleted in the Django admin")
        befores = {}
        for inline_form in formset.initial_forms:
            stored = _stored(inline_form.instance)
            if stored is not None and inline_form.has_changed():
                befores[stored.pk] = audit.snapshot(stored)
        super().save_formset(request, form, formset, change)
        for obj in formset.new_objects:
            audit.record_created(obj, message="Added in the Django admin")
        for obj, _fields in formset.changed_objects:
            if obj.pk in befores:
                audit.record_change(obj, befores[obj.pk], message=ADMIN_MESSAGE)


class AuditedAdmin(AuditedAdminMixin, admin.ModelAdmin):
    """The base of every admin class: changes go to the ISMS audit trail."""


class ReadOnlyAdmin(AuditedAdmin):
    """For records no path may change: no add, change or delete, even for superusers."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


# Roles are groups: who changes their permissions in the admin is recorded too.
admin.site.unregister(Group)


@admin.register(Group)
class IsmsGroupAdmin(AuditedAdminMixin, GroupAdmin):
    pass


@admin.register(User)
class IsmsUserAdmin(AuditedAdminMixin, UserAdmin):
    list_filter = ("is_superuser", "is_active", "groups")

    def user_change_password(self, request, id, form_url=""):
        """Django's password form saves on its own: record the change here."""
        response = super().user_change_password(request, id, form_url)
        if request.method == "POST" and response.status_code == 302:
            user = self.get_object(request, unquote(id))
            audit.record(
                user,
                AuditAction.UPDATE,
                changes={"password": [audit.REDACTED, audit.REDACTED]},
                message="Password set in the Django admin",
            )
        return response


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    list_display = ("timestamp", "actor_repr", "source", "action", "content_type", "object_repr")
    list_filter = ("action", "content_type", "timestamp")
    search_fields = ("actor_repr", "object_repr", "message", "object_id", "request_id")
    date_hierarchy = "timestamp"


@admin.register(ApiToken)
class ApiTokenAdmin(AuditedAdmin):
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
