"""Pages of the supplier register (namespace "suppliers")."""

from django.urls import path

from assets.suppliers import views

app_name = "suppliers"
urlpatterns = [
    path("", views.supplier_list, name="supplier_list"),
    path("new/", views.supplier_create, name="supplier_create"),
    path("<int:pk>/", views.supplier_detail, name="supplier_detail"),
    path("<int:pk>/contracts/", views.contract_add, name="contract_add"),
    path("<int:pk>/certifications/", views.certification_add, name="certification_add"),
    path("<int:pk>/assessments/", views.assessment_send, name="assessment_send"),
]
