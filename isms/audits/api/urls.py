"""API routes of the audits app."""

from rest_framework.routers import SimpleRouter

router = SimpleRouter()
# Audit programmes, audits (with items).
from isms.audits.api import views_audits  # noqa: E402

router.register("audit-programmes", views_audits.AuditProgrammeViewSet, basename="auditprogramme")
router.register("audits", views_audits.AuditViewSet, basename="audit")

# Nonconformities (with actions).

# Management reviews (with a submit path into the workflow).

urlpatterns = router.urls
