"""API routes of the governance core."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from isms.api import docs, views
from isms.frameworks.api import views as frameworks
from isms.governance.api import views as governance

urlpatterns = [
    path("", views.api_root, name="api-root"),
    path("me/", views.MeView.as_view(), name="api-me"),
    path("docs/", docs.SwaggerView.as_view(), name="api-docs"),
    path("redoc/", docs.RedocView.as_view(), name="api-redoc"),
]

router = SimpleRouter()
router.register("frameworks", frameworks.FrameworkViewSet, basename="framework")
router.register("controls", frameworks.ControlViewSet, basename="control")
router.register(
    "control-implementations",
    frameworks.ControlImplementationViewSet,
    basename="controlimplementation",
)
router.register("soas", frameworks.SoAViewSet, basename="soa")
router.register("scopes", governance.ScopeVersionViewSet, basename="scopeversion")
router.register("policies", governance.PolicyViewSet, basename="policy")
router.register("policy-versions", governance.PolicyVersionViewSet, basename="policyversion")
router.register("approval-requests", governance.ApprovalRequestViewSet, basename="approvalrequest")
# Control assurance (issue 22)
from isms.assurance.api.urls import ROUTES as ASSURANCE_ROUTES  # noqa: E402

for prefix, viewset, basename in ASSURANCE_ROUTES:
    router.register(prefix, viewset, basename=basename)
urlpatterns += router.urls
