"""The supplier register in the Django admin: read only (the services write it, with
the audit trail; answers come only through the link)."""

from django.contrib import admin

from assets.suppliers.models import (
    Assessment,
    AssessmentFinding,
    Certification,
    Contract,
    Questionnaire,
    Supplier,
)
from isms.admin import ReadOnlyAdmin


@admin.register(Supplier)
class SupplierAdmin(ReadOnlyAdmin):
    list_display = ("asset", "data_classification", "criticality_override", "next_review_date")
    list_filter = ("data_classification", "criticality_override", "is_aws")
    search_fields = ("asset__name", "asset__ref", "contact_name", "services_provided")


@admin.register(Contract)
class ContractAdmin(ReadOnlyAdmin):
    list_display = ("title", "supplier", "start_date", "end_date", "right_to_audit")
    list_filter = ("right_to_audit",)
    search_fields = ("title", "supplier__asset__name")


@admin.register(Certification)
class CertificationAdmin(ReadOnlyAdmin):
    list_display = ("supplier", "kind", "issued_on", "expires_on", "reminded_on")
    list_filter = ("kind",)
    search_fields = ("title", "reference", "supplier__asset__name")


@admin.register(Questionnaire)
class QuestionnaireAdmin(ReadOnlyAdmin):
    list_display = ("name", "created_at")
    search_fields = ("name", "description")


@admin.register(Assessment)
class AssessmentAdmin(ReadOnlyAdmin):
    list_display = ("number", "supplier", "status", "score", "conclusion", "expires_at")
    list_filter = ("status", "conclusion")
    search_fields = ("supplier__asset__name", "contact_email")
    exclude = ("token_hash",)


@admin.register(AssessmentFinding)
class AssessmentFindingAdmin(ReadOnlyAdmin):
    list_display = ("title", "assessment", "raised_kind")
    list_filter = ("raised_kind",)
    search_fields = ("title", "description")
