"""API routes of the audits app."""

from rest_framework.routers import SimpleRouter

router = SimpleRouter()
# Audit programmes, audits (with items).

# Nonconformities (with actions).

# Management reviews (with a submit path into the workflow).

urlpatterns = router.urls
