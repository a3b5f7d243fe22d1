"""API of the security checks: /api/checks/ (the catalogue) and /api/findings/ (with
mute and unmute actions), filtered as the findings page is."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from assets.aws.checks import CATALOGUE
from assets.aws.checks.engine import ordered
from assets.findings import selectors, services
from assets.findings.api.serializers import (
    CheckSerializer,
    FindingSerializer,
    MuteSerializer,
    ScopeTriageSerializer,
)
from assets.findings.filters import FindingFilterSet
from assets.models import Finding
from isms.api.permissions import RolePermissions
from isms.audits.api.nonconformities import NonconformitySerializer
from isms.audits.selectors_nonconformities import source_nonconformity


def finding_nonconformity_exists(finding) -> bool:
    return source_nonconformity(finding) is not None


class RaiseNonconformityPermission(RolePermissions):
    """Security managers raise nonconformities; the other roles read."""

    def has_permission(self, request, view):
        return bool(
            request.user
            and request.user.is_authenticated
            and request.user.has_perm("audits.add_nonconformity")
        )


# A check id: lower-case words joined by hyphens (`ec2-sg-open-admin-ports`).
CHECK_ID_PATTERN = "[a-z0-9][a-z0-9-]*"


@extend_schema_view(
    retrieve=extend_schema(
        parameters=[
            OpenApiParameter(
                "id",
                OpenApiTypes.STR,
                OpenApiParameter.PATH,
                description="Check id",
                pattern=f"^{CHECK_ID_PATTERN}$",
            )
        ]
    )
)
class CheckViewSet(viewsets.ViewSet):
    """The catalogue of checks: severity, threat, rationale, remediation, controls."""

    permission_classes = [RolePermissions]
    required_permissions = ["assets.view_finding"]
    serializer_class = CheckSerializer
    lookup_value_regex = CHECK_ID_PATTERN

    def list(self, request):
        return Response(CheckSerializer(ordered(), many=True).data)

    def retrieve(self, request, pk=None):
        check = CATALOGUE.get(pk)
        if check is None:
            raise NotFound(f"No check has the id {pk}.")
        return Response(CheckSerializer(check).data)


class MutePermission(RolePermissions):
    """Muting and unmuting need the permission to change findings."""

    def has_permission(self, request, view):
        return bool(
            request.user
            and request.user.is_authenticated
            and request.user.has_perm("assets.change_finding")
        )


class FindingViewSet(viewsets.ReadOnlyModelViewSet):
    """Findings worst first. Filters: `severity`, `status`, `check`, `service`,
    `account`, `region`, `asset`, `resource`, `q`. POST .../{id}/mute/ with `reason` and
    `until` mutes one; POST .../{id}/unmute/ ends the mute."""

    serializer_class = FindingSerializer
    filterset_class = FindingFilterSet
    queryset = Finding.objects.all()

    def get_queryset(self):
        return selectors.findings_for_list(Finding.objects.all())

    @extend_schema(request=MuteSerializer, responses=FindingSerializer)
    @action(detail=True, methods=["post"], permission_classes=[MutePermission])
    def mute(self, request, pk=None):
        finding = self.get_object()
        data = MuteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        finding = services.finding_mute(
            finding=finding,
            reason=data.validated_data["reason"],
            until=data.validated_data["until"],
            user=request.user,
        )
        return Response(FindingSerializer(finding).data)

    @extend_schema(request=ScopeTriageSerializer, responses=FindingSerializer)
    @action(
        detail=True, methods=["post"], url_path="scope-triage", permission_classes=[MutePermission]
    )
    def scope_triage(self, request, pk=None):
        """Triage a finding outside the approved scope as in or out of scope, with a reason."""
        finding = self.get_object()
        data = ScopeTriageSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        finding = services.finding_scope_triage(
            finding=finding,
            user=request.user,
            decision=data.validated_data["decision"],
            note=data.validated_data["note"],
        )
        return Response(FindingSerializer(finding).data)

    @extend_schema(
        request=None, responses={200: NonconformitySerializer, 201: NonconformitySerializer}
    )
    @action(
        detail=True,
        methods=["post"],
        url_path="raise-nonconformity",
        permission_classes=[RaiseNonconformityPermission],
    )
    def raise_nonconformity(self, request, pk=None):
        """Raise a nonconformity from the finding (10.2); raising again returns the
        nonconformity raised the first time (200)."""
        from assets.findings.nonconformities import finding_raise_nonconformity

        finding = self.get_object()
        existed = finding_nonconformity_exists(finding)
        nc = finding_raise_nonconformity(finding=finding, user=request.user)
        return Response(
            NonconformitySerializer(nc, context={"request": request}).data,
            status=200 if existed else 201,
        )

    @extend_schema(request=None, responses=FindingSerializer)
    @action(detail=True, methods=["post"], permission_classes=[MutePermission])
    def unmute(self, request, pk=None):
        finding = self.get_object()
        finding = services.finding_unmute(finding=finding, user=request.user)
        return Response(FindingSerializer(finding).data)
