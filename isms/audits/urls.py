"""Pages of the audits app (namespace "audits")."""

from django.urls import path  # noqa: F401

app_name = "audits"

# Clauses catalogue, audit programmes, audits and their checklists.
audit_patterns: list = []

# Nonconformities, corrective actions and opportunities for improvement.
from isms.audits.views import nonconformities as nc_views  # noqa: E402

nonconformity_patterns: list = [
    path("nonconformities/", nc_views.nonconformity_list, name="nonconformity_list"),
    path("nonconformities/new/", nc_views.nonconformity_create, name="nonconformity_create"),
    path("nonconformities/<int:pk>/", nc_views.nonconformity_detail, name="nonconformity_detail"),
    path("nonconformities/<int:pk>/edit/", nc_views.nonconformity_edit, name="nonconformity_edit"),
    path("nonconformities/<int:pk>/actions/", nc_views.action_add, name="nonconformity_action_add"),
    path(
        "nonconformities/<int:pk>/actions/<int:action_id>/",
        nc_views.action_update,
        name="nonconformity_action_update",
    ),
    path(
        "nonconformities/<int:pk>/effectiveness/",
        nc_views.effectiveness_add,
        name="nonconformity_effectiveness",
    ),
    path(
        "nonconformities/<int:pk>/close/", nc_views.nonconformity_close, name="nonconformity_close"
    ),
]

# Management reviews.
review_patterns: list = []

urlpatterns = audit_patterns + nonconformity_patterns + review_patterns
