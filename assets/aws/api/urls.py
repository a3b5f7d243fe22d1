"""API routes of the AWS connector, included from assets/api/urls.py."""

from django.urls import include, path
from rest_framework.routers import SimpleRouter

from assets.aws.api import views

router = SimpleRouter()
router.register("aws/accounts", views.AwsAccountViewSet, basename="awsaccount")
router.register("aws/organizations", views.AwsOrganizationViewSet, basename="awsorganization")
router.register("aws/sync-runs", views.SyncRunViewSet, basename="syncrun")
router.register("aws/resources", views.AwsResourceViewSet, basename="awsresource")

urlpatterns = [path("", include(router.urls))]
