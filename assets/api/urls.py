"""API routes of the assets app (included at /api/). The AWS connector adds its own
routes with one `path("", include("assets.aws.api.urls"))` line below."""

from django.urls import include, path
from rest_framework.routers import SimpleRouter

from assets.api import views

router = SimpleRouter()
router.register("assets", views.AssetViewSet, basename="asset")
router.register("aws-services", views.AwsServiceViewSet, basename="awsservice")

urlpatterns = [
    path("", include(router.urls)),
    path("", include("assets.aws.api.urls")),
    path("", include("assets.findings.api.urls")),
]
