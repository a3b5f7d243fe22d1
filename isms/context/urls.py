"""Pages of the context app (namespace "context")."""

from django.urls import path

from isms.context import editing, views

app_name = "context"


def _editor(prefix: str, name: str, editor) -> list:
    """The "new" and "edit" pages of one kind of record."""
    return [
        path(f"{prefix}/new/", editing.edit, {"editor": editor}, name=f"{name}_add"),
        path(f"{prefix}/<int:pk>/edit/", editing.edit, {"editor": editor}, name=f"{name}_edit"),
    ]


urlpatterns = [
    path("issues/", views.context_issue_list, name="context_issue_list"),
    path("parties/", views.requirement_list, name="requirement_list"),
    path("measures/", views.measure_list, name="measure_list"),
    path("objectives/", views.objective_list, name="objective_list"),
    path("feedback/", views.feedback_list, name="feedback_list"),
    path("climate/new/", editing.edit, {"editor": views.CLIMATE}, name="climate_add"),
    path("measurements/new/", views.measurement_add, name="measurement_add"),
    *_editor("issues", "context_issue", views.ISSUE),
    *_editor("party", "party", views.PARTY),
    *_editor("requirements", "requirement", views.REQUIREMENT),
    *_editor("feedback", "feedback", views.FEEDBACK),
    *_editor("objectives", "objective", views.OBJECTIVE),
    *_editor("measures", "measure", views.MEASURE),
]
