"""API of the asset inventory: /api/assets/ and the AWS services catalogue."""

from django.db.models import Prefetch
from django_filters import utils as filter_utils
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import permissions, viewsets

from assets import permissions as asset_permissions
from assets import services
from assets.api.pagination import AssetCursorPagination
from assets.api.serializers import AssetSerializer, AwsServiceSerializer
from assets.filters import DEFAULT_SORT, AssetFilterSet, AwsServiceFilterSet
from assets.models import Asset, AwsService
from isms.api.permissions import RolePermissions


class AssetPermission(permissions.BasePermission):
    """Roles by model permission; an asset's owner also reads and updates their own."""

    def has_permission(self, request, view):
        user = request.user
        if not user or not user.is_authenticated:
            return False
        if request.method in permissions.SAFE_METHODS:
            return asset_permissions.can_view_assets(user)
        if request.method == "POST":
            return asset_permissions.can_create_asset(user)
        if request.method == "DELETE":
            return user.has_perm("assets.delete_asset")
        return True  # PUT/PATCH: decided per object

    def has_object_permission(self, request, view, obj):
        if request.method in permissions.SAFE_METHODS:
            return asset_permissions.can_view_asset(request.user, obj)
        if request.method == "DELETE":
            return asset_permissions.can_delete_asset(request.user, obj)
        return asset_permissions.can_edit_asset(request.user, obj)


class AssetFilterBackend(DjangoFilterBackend):
    """Filters and sorts with AssetFilterSet, and tells the view the sort key, so that
    the cursor paginator pages on exactly the order the filter set applied."""

    def filter_queryset(self, request, queryset, view):
        filterset = self.get_filterset(request, queryset, view)
        if not filterset.is_valid() and self.raise_exception:
            raise filter_utils.translate_validation(filterset.errors)
        view.sort_key = filterset.sort_key()
        return filterset.qs


@extend_schema_view(
    destroy=extend_schema(
        parameters=[
            OpenApiParameter(
                "force",
                OpenApiTypes.BOOL,
                description="Delete even though other assets or risks depend on this one.",
            )
        ]
    )
)
class AssetViewSet(viewsets.ModelViewSet):
    """Assets with their dependencies (ids), AWS services (codes) and value at stake.

    Filters as on the list page (`q`, `asset_class`, `category`, `owner`,
    `business_unit`, `aws_service`, `tag`, `value_min`/`value_max`,
    `at_stake_min`/`at_stake_max`, `overdue`) and `ordering` (e.g.
    `-value_at_stake_usd`). Pages by cursor: follow `next` (`?limit=` rows each).
    Deleting an asset that others depend on answers 400 unless `?force=true`.
    """

    serializer_class = AssetSerializer
    filterset_class = AssetFilterSet
    permission_classes = [AssetPermission]
    filter_backends = [AssetFilterBackend]  # the FilterSet also sorts (`ordering`)
    pagination_class = AssetCursorPagination
    sort_key = DEFAULT_SORT

    def get_queryset(self):
        queryset = Asset.objects.prefetch_related(
            Prefetch("aws_services", queryset=AwsService.objects.only("id", "code")),
            Prefetch("depends_on", queryset=Asset.objects.only("id")),
        )
        return asset_permissions.visible_assets(self.request.user, queryset)

    def perform_destroy(self, instance):
        force = self.request.query_params.get("force") in ("1", "true", "yes")
        services.asset_delete(asset=instance, user=self.request.user, force=force)


class AwsServiceViewSet(viewsets.ReadOnlyModelViewSet):
    """The shipped catalogue of AWS services and their shared-responsibility layers."""

    queryset = AwsService.objects.all()
    serializer_class = AwsServiceSerializer
    filterset_class = AwsServiceFilterSet
    permission_classes = [RolePermissions]
