"""Pages of the audits app (namespace "audits")."""

from django.urls import path

from isms.audits.views import reviews

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
review_patterns: list = [
    path("reviews/", reviews.review_list, name="review_list"),
    path("reviews/new/", reviews.review_create, name="review_create"),
    path("reviews/actions/", reviews.review_action_list, name="review_action_list"),
    path("reviews/<int:pk>/", reviews.review_detail, name="review_detail"),
    path("reviews/<int:pk>/edit/", reviews.review_edit, name="review_edit"),
    path("reviews/<int:pk>/inputs/", reviews.review_retake, name="review_retake"),
    path("reviews/<int:pk>/submit/", reviews.review_submit, name="review_submit"),
    path("reviews/<int:pk>/decisions/", reviews.decision_add, name="review_decision_add"),
    path("reviews/decisions/<int:pk>/", reviews.decision_edit, name="review_decision_edit"),
    path(
        "reviews/decisions/<int:pk>/delete/",
        reviews.decision_delete,
        name="review_decision_delete",
    ),
]

urlpatterns = audit_patterns + nonconformity_patterns + review_patterns
