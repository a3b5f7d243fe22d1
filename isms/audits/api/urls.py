"""API routes of the audits app."""

from rest_framework.routers import SimpleRouter

from isms.audits.api import views_reviews

router = SimpleRouter()
# Audit programmes, audits (with items).
from isms.audits.api import views_audits  # noqa: E402

router.register("audit-programmes", views_audits.AuditProgrammeViewSet, basename="auditprogramme")
router.register("audits", views_audits.AuditViewSet, basename="audit")

# Nonconformities (with actions).
from isms.audits.api.nonconformities import NonconformityViewSet  # noqa: E402

router.register("nonconformities", NonconformityViewSet, basename="nonconformity")

# Management reviews (with a submit path into the workflow).
router.register(
    "management-reviews", views_reviews.ManagementReviewViewSet, basename="managementreview"
)
router.register(
    "management-review-decisions",
    views_reviews.ReviewDecisionViewSet,
    basename="reviewdecision",
)

urlpatterns = router.urls
