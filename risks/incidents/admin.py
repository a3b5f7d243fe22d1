from django.contrib import admin

from risks.incidents.models import (
    Incident,
    IncidentEntry,
    IncidentEvidence,
    IncidentNotification,
)


@admin.register(Incident)
class IncidentAdmin(admin.ModelAdmin):
    list_display = ("ref", "title", "kind", "status", "severity", "detected_at")
    search_fields = ("ref", "title", "description")
    list_filter = ("status", "kind", "category", "severity", "personal_data_breach")


@admin.register(IncidentEntry)
class IncidentEntryAdmin(admin.ModelAdmin):
    list_display = ("incident", "at", "kind", "author")
    search_fields = ("incident__ref", "text")
    list_filter = ("kind",)


@admin.register(IncidentEvidence)
class IncidentEvidenceAdmin(admin.ModelAdmin):
    list_display = ("incident", "filename", "sha256", "added_by", "added_at")
    search_fields = ("incident__ref", "filename", "sha256")
    list_filter = ("added_at",)
    readonly_fields = ("sha256", "size")


@admin.register(IncidentNotification)
class IncidentNotificationAdmin(admin.ModelAdmin):
    list_display = ("incident", "recipient", "due_at", "status")
    search_fields = ("incident__ref", "recipient", "reference")
    list_filter = ("status",)
