"""Pages of the audits app (namespace "audits")."""

from django.urls import path

from isms.audits.views import audits as audit_views
from isms.audits.views import nonconformities as nc_views
from isms.audits.views import reviews

app_name = "audits"

# Clauses catalogue, audit programmes, audits and their checklists.
audit_patterns: list = [
    path("clauses/", audit_views.clause_list, name="clause_list"),
    path("programmes/", audit_views.programme_list, name="programme_list"),
    path("programmes/new/", audit_views.programme_create, name="programme_create"),
    path("programmes/<int:pk>/", audit_views.programme_detail, name="programme_detail"),
    path("programmes/<int:pk>/edit/", audit_views.programme_edit, name="programme_edit"),
    path("programmes/<int:pk>/audits/new/", audit_views.audit_create, name="audit_create"),
    path("", audit_views.audit_list, name="audit_list"),
    path("<int:pk>/", audit_views.audit_detail, name="audit_detail"),
    path("<int:pk>/edit/", audit_views.audit_edit, name="audit_edit"),
    path("<int:pk>/start/", audit_views.audit_start, name="audit_start"),
    path("<int:pk>/complete/", audit_views.audit_complete, name="audit_complete"),
    path("<int:pk>/reports/new/", audit_views.report_create, name="report_create"),
    path("items/<int:pk>/", audit_views.item_conclude, name="item_conclude"),
    path("items/<int:pk>/evidence/", audit_views.evidence_add, name="evidence_add"),
    path("evidence/<int:pk>/", audit_views.evidence_download, name="evidence_download"),
    path("reports/<int:pk>/submit/", audit_views.report_submit, name="report_submit"),
    path("reports/<int:pk>/pdf/", audit_views.report_pdf, name="report_pdf"),
]

# Nonconformities, corrective actions and opportunities for improvement.
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
