"""Admin of the nonconformity register (administrators only). Imported from
`setup._nonconformities()`: the app's `admin.py` is shared by its three parts, so the
lead may move these classes there at merge."""

from django.contrib import admin

from isms.audits.models import CorrectiveAction, EffectivenessCheck, Nonconformity


@admin.register(Nonconformity)
class NonconformityAdmin(admin.ModelAdmin):
    list_display = ("ref", "title", "kind", "origin", "severity", "status", "detected_on")
    search_fields = ("ref", "title", "description", "requirement_ref")
    list_filter = ("kind", "status", "origin", "severity")
    readonly_fields = ("version",)


@admin.register(CorrectiveAction)
class CorrectiveActionAdmin(admin.ModelAdmin):
    list_display = ("nonconformity", "title", "owner", "due_on", "status", "done_on")
    search_fields = ("nonconformity__ref", "title")
    list_filter = ("status",)


@admin.register(EffectivenessCheck)
class EffectivenessCheckAdmin(admin.ModelAdmin):
    list_display = ("nonconformity", "checked_on", "result", "checked_by")
    search_fields = ("nonconformity__ref", "notes")
    list_filter = ("result",)
