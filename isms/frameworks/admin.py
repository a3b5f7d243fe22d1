"""Django admin of frameworks, controls and SoAs (imported by isms/admin.py).

Frozen SoAs and their rows are read-only for everyone, superusers included; the models
refuse changes too, so this is the second of two locks, not the only one.
"""

from django.contrib import admin

from isms.admin import ReadOnlyAdmin
from isms.models import (
    Control,
    ControlGroup,
    ControlImplementation,
    ControlMapping,
    Evidence,
    Framework,
    SoA,
    SoARow,
)


@admin.register(Framework)
class FrameworkAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "version", "source_format", "selected", "soa_basis")
    list_filter = ("selected", "soa_basis", "source_format")
    search_fields = ("name", "code")
    readonly_fields = ("code", "source_format", "selected", "soa_basis")


@admin.register(ControlGroup)
class ControlGroupAdmin(admin.ModelAdmin):
    list_display = ("identifier", "title", "framework", "theme", "withdrawn")
    list_filter = ("framework", "withdrawn")
    search_fields = ("identifier", "title")


@admin.register(Control)
class ControlAdmin(admin.ModelAdmin):
    list_display = ("identifier", "title", "framework", "theme", "withdrawn")
    list_filter = ("framework", "theme", "withdrawn")
    search_fields = ("identifier", "title", "description")
    raw_id_fields = ("group", "parent")


@admin.register(ControlMapping)
class ControlMappingAdmin(admin.ModelAdmin):
    list_display = ("source", "target", "relationship")
    list_filter = ("source__framework", "target__framework")
    search_fields = ("source__identifier", "target__identifier")
    raw_id_fields = ("source", "target")


@admin.register(ControlImplementation)
class ControlImplementationAdmin(admin.ModelAdmin):
    list_display = ("control", "applicable", "status", "owner", "target_date")
    list_filter = ("control__framework", "applicable", "status", "control__theme")
    search_fields = ("control__identifier", "control__title")
    raw_id_fields = ("control", "owner")


@admin.register(Evidence)
class EvidenceAdmin(admin.ModelAdmin):
    list_display = ("title", "implementation", "added_by", "added_at")
    list_filter = ("implementation__control__framework", "added_at")
    search_fields = ("title", "url", "implementation__control__identifier")
    raw_id_fields = ("implementation", "added_by")


class SoARowInline(admin.TabularInline):
    model = SoARow
    fields = ("position", "identifier", "title", "applicable", "status", "owner")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(SoA)
class SoAAdmin(ReadOnlyAdmin):
    list_display = ("number", "framework_name", "approval_state", "frozen_at", "content_hash")
    list_filter = ("approval_state", "framework")
    search_fields = ("number", "content_hash")
    inlines = [SoARowInline]


@admin.register(SoARow)
class SoARowAdmin(ReadOnlyAdmin):
    list_display = ("soa", "identifier", "title", "applicable", "status")
    list_filter = ("soa",)
    search_fields = ("identifier", "title")
