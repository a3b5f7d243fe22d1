"""API routes of business continuity (included at /api/ by assets/api/urls.py)."""

from django.urls import include, path
from rest_framework.routers import SimpleRouter

from assets.continuity.api import views

router = SimpleRouter()
router.register("bia", views.BiaViewSet, basename="bia")
router.register("continuity-plans", views.ContinuityPlanViewSet, basename="continuityplan")

urlpatterns = [path("", include(router.urls))]
