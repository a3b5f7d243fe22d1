"""Pages of the supplier register (namespace "suppliers")."""

from django.urls import path

from assets.suppliers import views

app_name = "suppliers"
urlpatterns = [
    path("", views.supplier_list, name="supplier_list"),
    path("new/", views.supplier_create, name="supplier_create"),
    path("<int:pk>/", views.supplier_detail, name="supplier_detail"),
    path("<int:pk>/edit/", views.supplier_edit, name="supplier_edit"),
    path("<int:pk>/contracts/", views.contract_add, name="contract_add"),
    path("<int:pk>/certifications/", views.certification_add, name="certification_add"),
    path("<int:pk>/contracts/<int:contract_pk>/edit/", views.contract_edit, name="contract_edit"),
    path(
        "<int:pk>/contracts/<int:contract_pk>/delete/",
        views.contract_delete,
        name="contract_delete",
    ),
    path(
        "<int:pk>/certifications/<int:certification_pk>/edit/",
        views.certification_edit,
        name="certification_edit",
    ),
    path(
        "<int:pk>/certifications/<int:certification_pk>/delete/",
        views.certification_delete,
        name="certification_delete",
    ),
    path("<int:pk>/assessments/", views.assessment_send, name="assessment_send"),
    path("questionnaires/", views.questionnaire_list, name="questionnaire_list"),
    path("questionnaires/new/", views.questionnaire_create, name="questionnaire_create"),
    path("questionnaires/import/", views.questionnaire_import, name="questionnaire_import"),
    path("questionnaires/<int:pk>/", views.questionnaire_detail, name="questionnaire_detail"),
    path("questionnaires/<int:pk>/edit/", views.questionnaire_edit, name="questionnaire_edit"),
    path(
        "questionnaires/<int:pk>/export/", views.questionnaire_export, name="questionnaire_export"
    ),
    path("assessments/", views.assessment_list, name="assessment_list"),
    path("assessments/<int:pk>/", views.assessment_detail, name="assessment_detail"),
    path("assessments/<int:pk>/conclude/", views.assessment_conclude, name="assessment_conclude"),
    path(
        "assessments/<int:pk>/findings/",
        views.assessment_finding_add,
        name="assessment_finding_add",
    ),
    path(
        "assessments/<int:pk>/findings/<int:finding_pk>/raise/",
        views.assessment_finding_raise,
        name="assessment_finding_raise",
    ),
]
