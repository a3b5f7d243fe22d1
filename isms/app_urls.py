"""Pages of the governance core (namespace "isms"): scope, policies, approvals,
frameworks, controls and the Statement of Applicability."""

from django.urls import path

from isms.views import approvals as approval_views
from isms.views import frameworks as framework_views
from isms.views import governance
from isms.views import soa as soa_views

app_name = "isms"
urlpatterns = [
    # Governance (issue 8): scope, policies, approvals, reviews, notifications, audit pack.
    path("scope/", governance.scope, name="scope"),
    path("scope/new/", governance.scope_version_new, name="scope_version_new"),
    path("scope/review/", governance.scope_review, name="scope_review"),
    path("scope/versions/<int:pk>/", governance.scope_version_detail, name="scope_version_detail"),
    path("scope/versions/<int:pk>/edit/", governance.scope_version_edit, name="scope_version_edit"),
    path(
        "scope/versions/<int:pk>/submit/",
        governance.scope_version_submit,
        name="scope_version_submit",
    ),
    path("policies/", governance.policy_list, name="policy_list"),
    path("policies/new/", governance.policy_create, name="policy_create"),
    path("policies/read/", governance.policy_read_list, name="policy_read_list"),
    path("policies/<int:pk>/", governance.policy_detail, name="policy_detail"),
    path("policies/<int:pk>/edit/", governance.policy_edit, name="policy_edit"),
    path("policies/<int:pk>/review/", governance.policy_review, name="policy_review"),
    path(
        "policies/<int:pk>/new-version/", governance.policy_version_new, name="policy_version_new"
    ),
    path("policies/<int:pk>/read/", governance.policy_read, name="policy_read"),
    path(
        "policies/<int:pk>/acknowledge/", governance.policy_acknowledge, name="policy_acknowledge"
    ),
    path(
        "policies/<int:pk>/acknowledgements/",
        governance.policy_acknowledgements,
        name="policy_acknowledgements",
    ),
    path(
        "policy-versions/<int:pk>/", governance.policy_version_detail, name="policy_version_detail"
    ),
    path(
        "policy-versions/<int:pk>/edit/", governance.policy_version_edit, name="policy_version_edit"
    ),
    path(
        "policy-versions/<int:pk>/submit/",
        governance.policy_version_submit,
        name="policy_version_submit",
    ),
    path(
        "policy-versions/<int:pk>/publish/",
        governance.policy_version_publish,
        name="policy_version_publish",
    ),
    path(
        "policy-versions/<int:pk>/diff/", governance.policy_version_diff, name="policy_version_diff"
    ),
    path("approvals/", approval_views.approval_inbox, name="approval_inbox"),
    path("approvals/<int:pk>/", approval_views.approval_detail, name="approval_detail"),
    path("reviews/", governance.reviews_due, name="reviews_due"),
    path("notifications/", governance.notification_list, name="notification_list"),
    path("notifications/mail/", governance.mail_outbox, name="mail_outbox"),
    path("audit-pack/", governance.audit_pack_download, name="audit_pack"),
    # Frameworks, controls and the Statement of Applicability (issue 7).
    path("frameworks/", framework_views.framework_list, name="framework_list"),
    path("frameworks/import/", framework_views.framework_import, name="framework_import"),
    path("frameworks/<str:code>/", framework_views.framework_detail, name="framework_detail"),
    path("controls/<int:pk>/", framework_views.control_detail, name="control_detail"),
    path("controls/<int:pk>/edit/", framework_views.control_edit, name="control_edit"),
    path("controls/<int:pk>/evidence/", framework_views.evidence_add, name="evidence_add"),
    path("evidence/<int:pk>/file/", framework_views.evidence_file, name="evidence_file"),
    path("evidence/<int:pk>/delete/", framework_views.evidence_delete, name="evidence_delete"),
    path("soa/", soa_views.soa_workspace, name="soa"),
    path("soa/freeze/", soa_views.soa_freeze, name="soa_freeze"),
    path("soa/bulk-edit/", soa_views.soa_bulk_edit, name="soa_bulk_edit"),
    path(
        "soa/current/download/<str:fmt>/",
        soa_views.soa_current_download,
        name="soa_current_download",
    ),
    path("soa/<int:number>/", soa_views.soa_detail, name="soa_detail"),
    path("soa/<int:number>/submit/", soa_views.soa_submit, name="soa_submit"),
    path("soa/<int:number>/decide/", soa_views.soa_decide, name="soa_decide"),
    path("soa/<int:number>/download/<str:fmt>/", soa_views.soa_download, name="soa_download"),
]
