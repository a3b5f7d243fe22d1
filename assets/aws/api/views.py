"""API of the AWS connector: /api/aws/accounts/ (with a sync action), /api/aws/sync-runs/
and /api/aws/resources/, filtered as their list pages are."""

from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from assets.aws import services
from assets.aws.api.serializers import (
    AwsAccountSerializer,
    AwsOrganizationSerializer,
    AwsResourceSerializer,
    OrganizationSyncQueuedSerializer,
    SyncRunSerializer,
)
from assets.aws.filters import AwsAccountFilterSet, AwsResourceFilterSet, SyncRunFilterSet
from assets.models import (
    Asset,
    AwsAccount,
    AwsOrganization,
    AwsResource,
    SyncPartition,
    SyncRun,
)
from isms import reauth
from isms.api.permissions import RolePermissions

# The re-authentication fields: checked by reauth.require_password, never stored.
CONFIRMATION = ("password", "confirmation_code")


class SyncPermission(RolePermissions):
    """Starting a sync needs the permission to add sync runs."""

    def has_permission(self, request, view):
        return bool(
            request.user
            and request.user.is_authenticated
            and request.user.has_perm("assets.add_syncrun")
        )


class AwsAccountViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Connected AWS accounts. POST creates one (its ExternalId is generated);
    POST .../{id}/sync/ starts a sync, or returns the one under way (200 instead of 201).
    Creating or changing an account takes the caller's `password` (400 when it is
    missing or wrong; a wrong one is security-logged and counts towards the lockout),
    or, for single sign-on users, a one-time `confirmation_code`."""

    queryset = AwsAccount.objects.all()
    serializer_class = AwsAccountSerializer
    filterset_class = AwsAccountFilterSet
    ordering_fields = ["name", "account_id", "last_sync_started_at"]
    search_fields = ["name", "account_id"]

    def _confirmed_fields(self, serializer) -> dict:
        # Checked after the fields validate, so a typo elsewhere costs no password try.
        reauth.require_password(self.request)
        return {k: v for k, v in serializer.validated_data.items() if k not in CONFIRMATION}

    def perform_create(self, serializer):
        fields = self._confirmed_fields(serializer)
        serializer.instance = services.aws_account_create(user=self.request.user, data=fields)

    def perform_update(self, serializer):
        fields = self._confirmed_fields(serializer)
        services.aws_account_update(
            account=serializer.instance, user=self.request.user, data=fields
        )

    @extend_schema(request=None, responses=SyncRunSerializer)
    @action(detail=True, methods=["post"], permission_classes=[SyncPermission])
    def sync(self, request, pk=None):
        account = self.get_object()
        run, created = services.aws_account_sync(account=account, requested_by=request.user)
        return Response(
            SyncRunSerializer(run).data,
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )


class AwsOrganizationViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Connected AWS organisations. POST creates one (its ExternalId is generated);
    POST .../{id}/sync/ queues the discovery of its members and a sync of each enabled
    one (202). Creating or changing one takes the caller's `password` (or, for single
    sign-on users, a one-time `confirmation_code`)."""

    queryset = AwsOrganization.objects.prefetch_related(
        Prefetch("accounts", queryset=AwsAccount.objects.only("pk", "organization"))
    )
    serializer_class = AwsOrganizationSerializer
    ordering_fields = ["name", "last_discovered_at"]
    search_fields = ["name", "organization_id"]

    def _confirmed_fields(self, serializer) -> dict:
        reauth.require_password(self.request)
        return {k: v for k, v in serializer.validated_data.items() if k not in CONFIRMATION}

    def perform_create(self, serializer):
        fields = self._confirmed_fields(serializer)
        serializer.instance = services.aws_organization_create(user=self.request.user, data=fields)

    def perform_update(self, serializer):
        fields = self._confirmed_fields(serializer)
        services.aws_organization_update(
            organization=serializer.instance, user=self.request.user, data=fields
        )

    @extend_schema(request=None, responses={202: OrganizationSyncQueuedSerializer})
    @action(detail=True, methods=["post"], permission_classes=[SyncPermission])
    def sync(self, request, pk=None):
        organization = self.get_object()
        if not organization.enabled:
            raise serializers.ValidationError(
                {"non_field_errors": ["This organisation is disabled: enable it to sync."]}
            )
        services.aws_organization_sync_queue(organization=organization, requested_by=request.user)
        return Response({"queued": True}, status=status.HTTP_202_ACCEPTED)


class SyncRunViewSet(viewsets.ReadOnlyModelViewSet):
    """Sync runs, newest first, with their partitions' results and errors."""

    queryset = SyncRun.objects.prefetch_related(
        Prefetch("partitions", queryset=SyncPartition.objects.order_by("service", "region"))
    )
    serializer_class = SyncRunSerializer
    filterset_class = SyncRunFilterSet
    ordering_fields = ["created_at"]


class AwsResourceViewSet(viewsets.ReadOnlyModelViewSet):
    """Resources of the connected accounts. Filters: `q`, `account`, `region`,
    `service`, `resource_type`, `layer`, `linked`, `gone`, `asset`."""

    queryset = AwsResource.objects.select_related("service").prefetch_related(
        Prefetch("assets", queryset=Asset.objects.only("pk"))
    )
    serializer_class = AwsResourceSerializer
    filterset_class = AwsResourceFilterSet
    ordering_fields = ["name", "last_seen", "first_seen"]
