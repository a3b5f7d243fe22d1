"""Pages of the risks app (namespace "risks")."""

from django.urls import path

from risks.views import analysis, catalogue, findings, methodology, register, risk

app_name = "risks"
urlpatterns = [
    path("", register.risk_list, name="risk_list"),
    path("new/", risk.risk_create, name="risk_create"),
    path("from-findings/", findings.risk_from_findings, name="risk_from_findings"),
    path("bulk/", register.risk_bulk, name="risk_bulk"),
    path("import/", register.risk_import, name="risk_import"),
    path("import/template.csv", register.import_template, name="risk_import_template"),
    path("<int:pk>/", risk.risk_detail, name="risk_detail"),
    path("<int:pk>/edit/", risk.risk_edit, name="risk_edit"),
    path("<int:pk>/delete/", risk.risk_delete, name="risk_delete"),
    path("<int:pk>/findings/", findings.risk_findings, name="risk_findings"),
    path("<int:pk>/inline/", register.risk_inline, name="risk_inline"),
    path("<int:pk>/acceptance/", risk.risk_acceptance_request, name="risk_acceptance"),
    path("<int:pk>/actions/", risk.treatment_action_save, name="action_add"),
    path("<int:pk>/actions/<int:action_pk>/", risk.treatment_action_save, name="action_edit"),
    path(
        "<int:pk>/actions/<int:action_pk>/delete/",
        risk.treatment_action_delete,
        name="action_delete",
    ),
    path("heatmap/", analysis.heatmap_page, name="heatmap"),
    path("treatment/", analysis.treatment_list, name="treatment_list"),
    path("methodology/", methodology.methodology, name="methodology"),
    path("methodology/new/", methodology.methodology_version_create, name="methodology_create"),
    path("methodology/<int:pk>/", methodology.methodology_version, name="methodology_version"),
    path(
        "methodology/<int:pk>/edit/",
        methodology.methodology_version_edit,
        name="methodology_version_edit",
    ),
    path(
        "methodology/<int:pk>/submit/",
        methodology.methodology_version_submit,
        name="methodology_version_submit",
    ),
    path("catalogue/<str:kind>/", catalogue.catalogue_list, name="catalogue"),
    path("catalogue/<str:kind>/new/", catalogue.catalogue_edit, name="catalogue_add"),
    path("catalogue/<str:kind>/<int:pk>/", catalogue.catalogue_edit, name="catalogue_edit"),
]
