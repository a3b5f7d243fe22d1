"""API routes of the security checks, included from assets/api/urls.py."""

from django.urls import include, path
from rest_framework.routers import SimpleRouter

from assets.findings.api import views

router = SimpleRouter()
router.register("checks", views.CheckViewSet, basename="check")
router.register("findings", views.FindingViewSet, basename="finding")

urlpatterns = [path("", include(router.urls))]
