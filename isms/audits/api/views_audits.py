"""API of the internal audit: /api/audit-programmes/ and /api/audits/ (with their
checklist `items` and `reports`); actions start, conclude (an item), evidence (on an
item), complete and report. 400 for invalid input or a broken rule, 409 when the audit
is completed (frozen). Views are thin: the services decide."""

from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from isms.api.schema import CONFLICT
from isms.audits.api.serializers_audits import (
    AuditProgrammeSerializer,
    AuditReportSerializer,
    AuditSerializer,
    CompleteSerializer,
    ConcludeSerializer,
    EvidenceAddSerializer,
    ReportCreateSerializer,
)
from isms.audits.filters_audits import AuditFilterSet, AuditProgrammeFilterSet
from isms.audits.models import Audit, AuditItem, AuditProgramme
from isms.audits.services import audits as services


class AuditProgrammeViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Internal audit programmes, one per year (9.2.2)."""

    queryset = AuditProgramme.objects.select_related("owner").order_by("-year")
    serializer_class = AuditProgrammeSerializer
    filterset_class = AuditProgrammeFilterSet
    search_fields = ["title"]


class AuditViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Audits with their checklist items (conclusion, findings, evidence) and reports."""

    queryset = (
        Audit.objects.select_related("programme")
        .prefetch_related(
            "criteria",
            "auditors",
            "auditees",
            "reports",
            Prefetch(
                "items",
                queryset=AuditItem.objects.select_related(
                    "requirement__framework"
                ).prefetch_related("evidence"),
            ),
        )
        .order_by("-programme__year", "-number")
    )
    serializer_class = AuditSerializer
    filterset_class = AuditFilterSet
    search_fields = ["title"]
    required_permissions = None  # set per action below; None = the model permissions
    write_error_responses = {"409": CONFLICT}  # the audit is completed

    def _done(self, audit):
        return Response(self.get_serializer(self.get_queryset().get(pk=audit.pk)).data)

    @extend_schema(request=None, responses=AuditSerializer)
    @action(detail=True, methods=["post"], required_permissions=["audits.view_audit"])
    def start(self, request, pk=None):
        audit = self.get_object()
        return self._done(services.audit_start(user=request.user, audit_obj=audit))

    @extend_schema(request=ConcludeSerializer, responses=AuditSerializer)
    @action(detail=True, methods=["post"], required_permissions=["audits.view_audit"])
    def conclude(self, request, pk=None):
        audit = self.get_object()
        data = ConcludeSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        item = get_object_or_404(AuditItem, audit=audit, pk=values.pop("item"))
        services.item_conclude(user=request.user, item=item, **values)
        return self._done(audit)

    @extend_schema(request=EvidenceAddSerializer, responses=AuditSerializer)
    @action(detail=True, methods=["post"], required_permissions=["audits.view_audit"])
    def evidence(self, request, pk=None):
        audit = self.get_object()
        data = EvidenceAddSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        item = get_object_or_404(AuditItem, audit=audit, pk=values["item"])
        services.evidence_add(
            user=request.user, item=item, title=values["title"], url=values["url"],
            upload=values["file"],
        )  # fmt: skip
        return self._done(audit)

    @extend_schema(request=CompleteSerializer, responses=AuditSerializer)
    @action(detail=True, methods=["post"], required_permissions=["audits.view_audit"])
    def complete(self, request, pk=None):
        audit = self.get_object()
        data = CompleteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return self._done(
            services.audit_complete(
                user=request.user, audit_obj=audit, summary=data.validated_data["summary"]
            )
        )

    @extend_schema(request=ReportCreateSerializer, responses=AuditReportSerializer)
    @action(detail=True, methods=["post"], required_permissions=["audits.view_audit"])
    def report(self, request, pk=None):
        audit = self.get_object()
        data = ReportCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        report = services.report_create(
            user=request.user, audit_obj=audit, conclusion=data.validated_data["conclusion"]
        )
        return Response(AuditReportSerializer(report).data, status=201)
