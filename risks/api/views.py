"""API views of the risks app (thin: validate, call a service, answer)."""

from django.db.models import Prefetch
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema
from rest_framework import viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from isms.api.permissions import RolePermissions
from isms.api.schema import CONFLICT, STALE
from isms.governance.api.serializers import SubmitForApprovalSerializer
from isms.models import Control
from risks import services
from risks.filters import (
    MethodologyVersionFilterSet,
    RiskFilterSet,
    ThreatFilterSet,
    VulnerabilityFilterSet,
)
from risks.models import MethodologyVersion, Risk, Threat, Vulnerability
from risks.permissions import OWNER_FIELDS
from risks.selectors import (
    active_version,
    finding_ids,
    heatmaps,
    visible_risks,
    with_findings_summary,
)

from . import serializers


class _CatalogueViewSet(viewsets.ModelViewSet):
    filter_backends = [DjangoFilterBackend]

    def perform_create(self, serializer):
        serializer.instance = services.catalogue_entry_save(
            instance=self.queryset.model(**serializer.validated_data), user=self.request.user
        )

    def perform_update(self, serializer):
        instance = serializer.instance
        for name, value in serializer.validated_data.items():
            setattr(instance, name, value)
        services.catalogue_entry_save(instance=instance, user=self.request.user)

    def perform_destroy(self, instance):
        raise PermissionDenied("Catalogue entries are retired (is_active=false), not deleted.")


class ThreatViewSet(_CatalogueViewSet):
    """The threat catalogue."""

    queryset = Threat.objects.all()
    serializer_class = serializers.ThreatSerializer
    filterset_class = ThreatFilterSet


class VulnerabilityViewSet(_CatalogueViewSet):
    """The vulnerability catalogue."""

    queryset = Vulnerability.objects.all()
    serializer_class = serializers.VulnerabilitySerializer
    filterset_class = VulnerabilityFilterSet


class MethodologyVersionViewSet(viewsets.ModelViewSet):
    """Methodology versions: create a draft (from a preset or the active version), change
    its content while it is a draft, submit it for approval (POST .../submit/). A version
    that is no longer a draft answers 409, as scope and policy versions do."""

    queryset = MethodologyVersion.objects.select_related("author", "approved_by")
    serializer_class = serializers.MethodologyVersionSerializer
    filter_backends = [DjangoFilterBackend]
    filterset_class = MethodologyVersionFilterSet
    http_method_names = ["get", "post", "patch", "head", "options"]
    write_error_responses = {"409": CONFLICT}

    def perform_create(self, serializer):
        data = serializer.validated_data
        version = services.methodology_version_create(
            user=self.request.user,
            preset=data.get("preset") or None,
            change_note=data.get("change_note", ""),
        )
        if "content" in data:
            self._update(version, data)
        serializer.instance = version

    def perform_update(self, serializer):
        serializer.instance = self._update(serializer.instance, serializer.validated_data)

    def _update(self, version, data):
        return services.methodology_version_update(
            version=version,
            user=self.request.user,
            content=data.get("content", version.content),
            change_note=data.get("change_note"),
        )

    @extend_schema(request=SubmitForApprovalSerializer)
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        """Submit the draft for management approval."""
        version = self.get_object()
        if not request.user.has_perm("risks.change_methodologyversion"):
            raise PermissionDenied
        body = SubmitForApprovalSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        services.methodology_version_submit(
            version=version, user=request.user, comment=body.validated_data["comment"]
        )
        version.refresh_from_db()
        return Response(self.get_serializer(version).data)


class RiskPermissions(RolePermissions):
    """Model permissions, except that a risk's owner may read it and change its
    treatment and status (object rules are checked again by the services)."""

    def has_permission(self, request, view):
        if (
            request.user
            and request.user.is_authenticated
            and request.method
            in (
                "GET",
                "HEAD",
                "OPTIONS",
                "PATCH",
            )
        ):
            return True  # narrowed by the queryset (own risks) and by the services
        return super().has_permission(request, view)


class RiskViewSet(viewsets.ModelViewSet):
    """The risk register. Filters as on the page (`?status=&owner=&q=&sort=-ale_usd`...).
    PUT/PATCH must carry `version`; a stale version answers 409 and changes nothing."""

    serializer_class = serializers.RiskSerializer
    filter_backends = [DjangoFilterBackend]
    filterset_class = RiskFilterSet
    permission_classes = [RiskPermissions]
    queryset = Risk.objects.none()  # for the permission class; see get_queryset
    write_error_responses = {"PUT": {"409": STALE}, "PATCH": {"409": STALE}}

    def get_queryset(self):
        from assets.models import Asset

        queryset = with_findings_summary(
            visible_risks(self.request.user)
            .select_related("owner", "threat", "vulnerability")
            .prefetch_related(
                Prefetch("assets", queryset=Asset.objects.only("id")),
                Prefetch("controls", queryset=Control.objects.only("id")),
            )
            .annotate(finding_ids_text=finding_ids())
        )
        if self.action == "retrieve":
            queryset = queryset.prefetch_related("actions")
        return queryset

    def get_serializer_class(self):
        if self.action == "retrieve":
            return serializers.RiskDetailSerializer
        return serializers.RiskSerializer

    def get_serializer_context(self):
        context = super().get_serializer_context()
        version = active_version()
        context["scale"] = version.scale if version else None
        return context

    def _data(self, serializer):
        data = dict(serializer.validated_data)
        data.pop("version", None)
        return data

    def perform_create(self, serializer):
        data = self._data(serializer)
        if data.get("findings"):
            risk = services.risk_create_from_findings(
                user=self.request.user,
                finding_ids=[finding.pk for finding in data.pop("findings")],
                data=data,
            )
        else:
            risk = services.risk_create(user=self.request.user, data=data)
        # Re-read with the annotations the answer shows (open findings, review flag).
        serializer.instance = self.get_queryset().get(pk=risk.pk)

    def update(self, request, *args, **kwargs):
        partial = kwargs.pop("partial", False)
        risk = self.get_object()
        serializer = self.get_serializer(risk, data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        data = self._data(serializer)
        if not request.user.has_perm("risks.change_risk"):
            forbidden = sorted(set(data) - set(OWNER_FIELDS))
            if risk.owner_id != request.user.pk or forbidden:
                raise PermissionDenied(
                    f"You may not change: {', '.join(forbidden) or 'this risk'}."
                )
        risk = services.risk_update(
            risk=risk,
            user=request.user,
            data=data,
            expected_version=serializer.validated_data["version"],
        )
        risk = self.get_queryset().get(pk=risk.pk)
        return Response(self.get_serializer(risk).data)

    def perform_destroy(self, instance):
        services.risk_delete(risk=instance, user=self.request.user)

    @extend_schema(responses=serializers.HeatmapSerializer)
    @action(detail=False, methods=["get"], pagination_class=None)
    def heatmap(self, request):
        """Counts of risks per likelihood x impact cell (inherent and residual), for the
        risks the filters select."""
        version = active_version()
        queryset = RiskFilterSet(request.GET, queryset=visible_risks(request.user)).qs
        result = {"methodology_version": version.number if version else None}
        both = dict(zip(("inherent", "residual"), heatmaps(queryset), strict=True))
        for kind in ("inherent", "residual"):
            counts = both[kind] if version else {}
            cells = []
            if version:
                scale = version.scale
                for li in range(1, scale.size_likelihood + 1):
                    for im in range(1, scale.size_impact + 1):
                        cells.append(
                            {
                                "likelihood": li,
                                "impact": im,
                                "level": scale.level(scale.level_rank(li, im))["name"],
                                "count": counts.get((li, im), 0),
                            }
                        )
            result[kind] = cells
        return Response(result)
