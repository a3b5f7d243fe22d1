"""Django admin of frameworks, controls and SoAs (imported by isms/admin.py).

Frozen SoAs and their rows are read-only for everyone, superusers included; the models
refuse changes too, so this is the second of two locks, not the only one.
"""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError

from isms.admin import AuditedAdmin, ReadOnlyAdmin
from isms.frameworks import services
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
class FrameworkAdmin(AuditedAdmin):
    list_display = ("name", "code", "version", "source_format", "selected", "soa_basis")
    list_filter = ("selected", "soa_basis", "source_format")
    search_fields = ("name", "code")
    readonly_fields = ("code", "source_format", "selected", "soa_basis")


@admin.register(ControlGroup)
class ControlGroupAdmin(AuditedAdmin):
    list_display = ("identifier", "title", "framework", "theme", "withdrawn")
    list_filter = ("framework", "withdrawn")
    search_fields = ("identifier", "title")


@admin.register(Control)
class ControlAdmin(AuditedAdmin):
    list_display = ("identifier", "title", "framework", "theme", "withdrawn")
    list_filter = ("framework", "theme", "withdrawn")
    search_fields = ("identifier", "title", "description")
    raw_id_fields = ("group", "parent")


@admin.register(ControlMapping)
class ControlMappingAdmin(AuditedAdmin):
    list_display = ("source", "target", "relationship")
    list_filter = ("source__framework", "target__framework")
    search_fields = ("source__identifier", "target__identifier")
    raw_id_fields = ("source", "target")


class ControlImplementationAdminForm(forms.ModelForm):
    """The admin obeys the rules of every other path (`implementation_validate`)."""

    class Meta:
        model = ControlImplementation
        fields = ["control", *services.IMPLEMENTATION_FIELDS]

    def clean(self):
        cleaned = super().clean()
        values = {
            name: cleaned.get(name, getattr(self.instance, name))
            for name in services.IMPLEMENTATION_FIELDS
        }
        control = cleaned.get("control") or self.instance.control
        try:
            services.implementation_validate(
                values, control_id=control.pk, changed=set(self.changed_data)
            )
        except ValidationError as exc:
            raise ValidationError(exc.message_dict) from exc
        return cleaned


@admin.register(ControlImplementation)
class ControlImplementationAdmin(AuditedAdmin):
    form = ControlImplementationAdminForm
    list_display = ("control", "applicable", "status", "owner", "target_date")
    list_filter = ("control__framework", "applicable", "status", "control__theme")
    search_fields = ("control__identifier", "control__title")
    raw_id_fields = ("control", "owner")


@admin.register(Evidence)
class EvidenceAdmin(AuditedAdmin):
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
