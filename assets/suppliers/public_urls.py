"""The public page of a supplier assessment link (no account, no namespace): the only
route of the product reachable signed out besides sign-in and health checks."""

from django.urls import path

from assets.suppliers import views

urlpatterns = [path("<str:token>/", views.supplier_answer, name="supplier_answer")]
