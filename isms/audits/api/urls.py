"""API routes of the audits app."""

from rest_framework.routers import SimpleRouter

router = SimpleRouter()
# Audit programmes, audits (with items).

# Nonconformities (with actions).
from isms.audits.api.nonconformities import NonconformityViewSet  # noqa: E402

router.register("nonconformities", NonconformityViewSet, basename="nonconformity")

# Management reviews (with a submit path into the workflow).

urlpatterns = router.urls
