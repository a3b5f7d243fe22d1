"""Pages of control assurance (namespace "assurance", under /assurance/)."""

from django.urls import path

from isms.assurance import views

app_name = "assurance"
urlpatterns = [
    path("tests/", views.control_test_list, name="test_list"),
    path("tests/new/", views.control_test_create, name="test_create"),
    path("tests/<int:pk>/", views.control_test_detail, name="test_detail"),
    path("tests/<int:pk>/edit/", views.control_test_edit, name="test_edit"),
    path("tests/<int:pk>/result/", views.result_record, name="result_record"),
]
