"""API routes of the risks app."""

from rest_framework.routers import SimpleRouter

from risks.api import views

router = SimpleRouter()
router.register("risks", views.RiskViewSet, basename="risk")
router.register("threats", views.ThreatViewSet)
router.register("vulnerabilities", views.VulnerabilityViewSet)
router.register("risk-methodologies", views.MethodologyVersionViewSet)

urlpatterns = router.urls
