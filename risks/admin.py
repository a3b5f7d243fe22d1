"""Django admin of the risks app (administrators only). Approved versions and
acceptances are frozen by the workflow, so they are read-only here."""

from django.contrib import admin

from isms.admin import AuditedAdmin
from risks.models import (
    Methodology,
    MethodologyVersion,
    Risk,
    RiskAcceptance,
    Threat,
    TreatmentAction,
    Vulnerability,
)


@admin.register(Methodology)
class MethodologyAdmin(AuditedAdmin):
    list_display = ("name", "created_at")
    list_filter = ("created_at",)
    search_fields = ("name",)


@admin.register(MethodologyVersion)
class MethodologyVersionAdmin(AuditedAdmin):
    list_display = ("__str__", "approval_state", "author", "approved_by", "approved_at")
    list_filter = ("approval_state",)
    search_fields = ("change_note",)
    readonly_fields = ("approval_state", "approved_at", "approved_sha256", "approved_by")

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and (obj is None or obj.is_editable)


@admin.register(Threat, Vulnerability)
class CatalogueAdmin(AuditedAdmin):
    list_display = ("name", "category", "source", "is_active")
    list_filter = ("source", "is_active", "category")
    search_fields = ("name", "description", "category")


class TreatmentActionInline(admin.TabularInline):
    model = TreatmentAction
    extra = 0


@admin.register(Risk)
class RiskAdmin(AuditedAdmin):
    list_display = (
        "ref",
        "title",
        "owner",
        "status",
        "inherent_level",
        "residual_level",
        "ale_usd",
    )
    list_filter = ("status", "treatment", "inherent_level", "residual_level")
    search_fields = ("ref", "title", "description")
    raw_id_fields = ("assets", "findings", "owner", "updated_by")
    readonly_fields = (
        "number",
        "ref",
        "version",
        "inherent_level",
        "residual_level",
        "value_at_stake_usd",
        "exposure_factor",
        "aro",
        "sle_usd",
        "ale_usd",
        "residual_exposure_factor",
        "residual_aro",
        "residual_ale_usd",
        "methodology_version",
    )
    inlines = [TreatmentActionInline]

    # Risks change through the register and the API, whose services derive levels and
    # $ figures, bump `version` and write the audit trail; here they are only read.
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(TreatmentAction)
class TreatmentActionAdmin(AuditedAdmin):
    list_display = ("title", "risk", "owner", "due_date", "status")
    list_filter = ("status", "due_date")
    search_fields = ("title", "risk__ref", "risk__title")
    raw_id_fields = ("risk", "owner")


@admin.register(RiskAcceptance)
class RiskAcceptanceAdmin(AuditedAdmin):
    list_display = ("risk", "approval_state", "requested_by", "approved_by", "expires_on")
    list_filter = ("approval_state",)
    search_fields = ("risk__ref", "justification")

    def has_change_permission(self, request, obj=None):
        return False
