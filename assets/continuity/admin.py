from django.contrib import admin

from assets.continuity.models import (
    ContinuityExercise,
    ContinuityPlan,
    ContinuityPlanVersion,
    RecoveryObjective,
)


@admin.register(RecoveryObjective)
class RecoveryObjectiveAdmin(admin.ModelAdmin):
    list_display = (
        "asset",
        "rto_minutes",
        "rpo_minutes",
        "required_rto_minutes",
        "required_rpo_minutes",
    )
    search_fields = ("asset__ref", "asset__name")
    list_filter = ("asset__asset_class",)
    readonly_fields = ("required_mtd_minutes", "required_rto_minutes", "required_rpo_minutes")


@admin.register(ContinuityPlan)
class ContinuityPlanAdmin(admin.ModelAdmin):
    list_display = ("ref", "title", "status", "version")
    search_fields = ("ref", "title")
    list_filter = ("status",)


@admin.register(ContinuityExercise)
class ContinuityExerciseAdmin(admin.ModelAdmin):
    list_display = ("plan", "held_on", "kind", "result")
    search_fields = ("plan__ref", "scenario")
    list_filter = ("kind", "result")


@admin.register(ContinuityPlanVersion)
class ContinuityPlanVersionAdmin(admin.ModelAdmin):
    list_display = ("plan", "number", "approval_state", "approved_at")
    search_fields = ("plan__ref", "title")
    list_filter = ("approval_state",)
