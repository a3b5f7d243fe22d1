"""API routes of the incident register (included at /api/)."""

from django.urls import include, path
from rest_framework.routers import SimpleRouter

from risks.incidents.api import views

router = SimpleRouter()
router.register("incidents", views.IncidentViewSet, basename="incident")

urlpatterns = [path("", include(router.urls))]
