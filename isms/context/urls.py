"""Pages of the context app (namespace "context")."""

from django.urls import path

from isms.context import views

app_name = "context"
urlpatterns = [
    path("issues/", views.context_issue_list, name="context_issue_list"),
    path("parties/", views.requirement_list, name="requirement_list"),
    path("measures/", views.measure_list, name="measure_list"),
    path("objectives/", views.objective_list, name="objective_list"),
]
