from django.contrib import admin

from isms.context.models import (
    ClimateDetermination,
    ContextIssue,
    InterestedParty,
    Measure,
    Measurement,
    Objective,
    PartyFeedback,
    Requirement,
)


@admin.register(ContextIssue)
class ContextIssueAdmin(admin.ModelAdmin):
    list_display = ("number", "title", "origin", "category", "treatment")
    list_filter = ("origin", "category", "treatment")
    search_fields = ("title", "description", "effect")


@admin.register(ClimateDetermination)
class ClimateDeterminationAdmin(admin.ModelAdmin):
    list_display = ("decided_on", "relevant", "scope_version")
    list_filter = ("relevant",)
    search_fields = ("reasoning",)


@admin.register(InterestedParty)
class InterestedPartyAdmin(admin.ModelAdmin):
    list_display = ("name", "kind")
    list_filter = ("kind",)
    search_fields = ("name", "description")


@admin.register(Requirement)
class RequirementAdmin(admin.ModelAdmin):
    list_display = ("title", "party", "kind", "addressed")
    list_filter = ("kind", "addressed")
    search_fields = ("title", "description", "party__name")


@admin.register(Objective)
class ObjectiveAdmin(admin.ModelAdmin):
    list_display = ("number", "title", "owner", "due_date", "status")
    list_filter = ("status",)
    search_fields = ("title", "plan")


@admin.register(Measure)
class MeasureAdmin(admin.ModelAdmin):
    list_display = ("number", "name", "kind", "frequency", "target")
    list_filter = ("kind", "frequency")
    search_fields = ("name", "description")


@admin.register(Measurement)
class MeasurementAdmin(admin.ModelAdmin):
    list_display = ("measure", "period", "value")
    list_filter = ("measure",)
    search_fields = ("measure__name", "period")


@admin.register(PartyFeedback)
class PartyFeedbackAdmin(admin.ModelAdmin):
    list_display = ("received_on", "party", "kind", "closed")
    list_filter = ("kind", "closed")
    search_fields = ("summary", "response", "party__name")
