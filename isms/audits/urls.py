"""Pages of the audits app (namespace "audits")."""

from django.urls import path

from isms.audits.views import audits as audit_views

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
nonconformity_patterns: list = []

# Management reviews.
review_patterns: list = []

urlpatterns = audit_patterns + nonconformity_patterns + review_patterns
