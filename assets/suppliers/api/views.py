"""API of the supplier register and supplier assessments (thin: validate, call a
service, answer)."""

from django.shortcuts import get_object_or_404
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from assets.suppliers import selectors, services
from assets.suppliers.filters import AssessmentFilterSet, SupplierFilterSet
from assets.suppliers.models import Assessment, Certification, Contract, Questionnaire

from . import serializers

WRITE_METHODS = ["get", "post", "put", "patch", "head", "options"]


def _require(request, perm):
    if not request.user.has_perm(perm):
        raise PermissionDenied


class SupplierViewSet(viewsets.ModelViewSet):
    """The supplier register (`?criticality=&data_classification=&q=`)."""

    queryset = selectors.suppliers().prefetch_related("contracts", "certifications")
    serializer_class = serializers.SupplierSerializer
    filter_backends = [DjangoFilterBackend]
    filterset_class = SupplierFilterSet
    http_method_names = WRITE_METHODS

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        asset = data.pop("asset", None)
        name = data.pop("name", "")
        serializer.instance = services.supplier_create(
            user=self.request.user, data=data, asset=asset, name=name, owner=self.request.user
        )

    def perform_update(self, serializer):
        data = dict(serializer.validated_data)
        data.pop("asset", None)
        data.pop("name", None)
        serializer.instance = services.supplier_update(
            supplier=serializer.instance, user=self.request.user, data=data
        )


class SupplierRecordSaves:
    """Create, update and delete of a record that belongs to a supplier (contract,
    certification) through its services `save(supplier=, <record>=, user=, data=)` and
    `remove(<record>=, user=)`; the supplier of an existing record does not change."""

    record: str
    save = None
    remove = None  # not `delete`: DRF binds the HTTP method handler to that name
    http_method_names = [*WRITE_METHODS, "delete"]

    def perform_destroy(self, instance):
        self.remove(user=self.request.user, **{self.record: instance})

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        supplier = data.pop("supplier")
        serializer.instance = self.save(supplier=supplier, user=self.request.user, data=data)

    def perform_update(self, serializer):
        data = dict(serializer.validated_data)
        data.pop("supplier", None)
        serializer.instance = self.save(
            supplier=serializer.instance.supplier,
            user=self.request.user,
            data=data,
            **{self.record: serializer.instance},
        )


class ContractViewSet(SupplierRecordSaves, viewsets.ModelViewSet):
    """Supplier contracts (`?supplier=`); DELETE removes one (audited)."""

    queryset = Contract.objects.all()
    serializer_class = serializers.ContractSerializer
    filter_backends = [DjangoFilterBackend]
    filterset_fields = ["supplier"]

    record = "contract"
    save = staticmethod(services.contract_save)
    remove = staticmethod(services.contract_delete)


class CertificationViewSet(SupplierRecordSaves, viewsets.ModelViewSet):
    """Supplier certifications (`?supplier=`); an expiry before the issue date is a 400;
    DELETE removes one (audited)."""

    queryset = Certification.objects.all()
    serializer_class = serializers.CertificationSerializer
    filter_backends = [DjangoFilterBackend]
    filterset_fields = ["supplier", "kind"]

    record = "certification"
    save = staticmethod(services.certification_save)
    remove = staticmethod(services.certification_delete)


class QuestionnaireViewSet(viewsets.ModelViewSet):
    """Questionnaire templates; `GET .../export/` and `POST .../import/` move a template
    as one JSON document."""

    queryset = Questionnaire.objects.all()
    serializer_class = serializers.QuestionnaireSerializer
    http_method_names = WRITE_METHODS

    def perform_create(self, serializer):
        serializer.instance = services.questionnaire_save(
            user=self.request.user, data=dict(serializer.validated_data)
        )

    def perform_update(self, serializer):
        serializer.instance = services.questionnaire_save(
            user=self.request.user,
            questionnaire=serializer.instance,
            data=dict(serializer.validated_data),
        )

    @extend_schema(responses=serializers.QuestionnaireDocumentSerializer)
    @action(detail=True, methods=["get"])
    def export(self, request, pk=None):
        """The template as a JSON document, as `import` takes it."""
        return Response(services.questionnaire_export(self.get_object()))

    @extend_schema(
        request=serializers.QuestionnaireDocumentSerializer,
        responses={201: serializers.QuestionnaireSerializer},
    )
    @action(detail=False, methods=["post"], url_path="import", url_name="import")
    def import_(self, request):
        """Create a template from an exported JSON document (all or nothing)."""
        _require(request, "suppliers.add_questionnaire")
        document = serializers.QuestionnaireDocumentSerializer(data=request.data)
        document.is_valid(raise_exception=True)
        questionnaire = services.questionnaire_import(
            user=request.user, document=dict(document.validated_data)
        )
        return Response(self.get_serializer(questionnaire).data, status=status.HTTP_201_CREATED)


class AssessmentViewSet(viewsets.ModelViewSet):
    """Supplier assessments. POST sends one (its `link` is shown in that answer only);
    `.../conclude/` records the reviewer's conclusion, `.../findings/` adds a finding,
    `.../raise/` turns a finding into a risk or a nonconformity."""

    queryset = Assessment.objects.select_related("supplier__asset").prefetch_related("findings")
    serializer_class = serializers.AssessmentSerializer
    filter_backends = [DjangoFilterBackend]
    filterset_class = AssessmentFilterSet
    http_method_names = ["get", "post", "head", "options"]

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        assessment, token = services.assessment_send(
            supplier=data["supplier"],
            questionnaire=data["questionnaire"],
            contact_email=data["contact_email"],
            user=request.user,
        )
        answer = serializers.AssessmentSerializer(
            assessment, context={"link": services.link_url(token)}
        )
        return Response(answer.data, status=status.HTTP_201_CREATED)

    @extend_schema(request=serializers.ConclusionSerializer)
    @action(detail=True, methods=["post"])
    def conclude(self, request, pk=None):
        """The reviewer's conclusion on an answered assessment."""
        assessment = self.get_object()
        _require(request, "suppliers.change_assessment")
        body = serializers.ConclusionSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        services.assessment_conclude(
            assessment=assessment,
            user=request.user,
            conclusion=body.validated_data["conclusion"],
            notes=body.validated_data.get("notes", ""),
        )
        return Response(self.get_serializer(assessment).data)

    @extend_schema(
        request=serializers.AssessmentFindingSerializer,
        responses={201: serializers.AssessmentFindingSerializer},
    )
    @action(detail=True, methods=["post"])
    def findings(self, request, pk=None):
        """Add a finding to the assessment."""
        assessment = self.get_object()
        _require(request, "suppliers.add_assessmentfinding")
        body = serializers.AssessmentFindingSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        finding = services.assessment_finding_add(
            assessment=assessment, user=request.user, data=dict(body.validated_data)
        )
        return Response(
            serializers.AssessmentFindingSerializer(finding).data,
            status=status.HTTP_201_CREATED,
        )

    @extend_schema(
        request=serializers.RaiseSerializer,
        responses={201: serializers.AssessmentFindingSerializer},
    )
    @action(detail=True, methods=["post"], url_path="raise", url_name="raise")
    def raise_(self, request, pk=None):
        """Raise a finding as a risk (or, once the audits app is installed, a
        nonconformity)."""
        assessment = self.get_object()
        _require(request, "suppliers.change_assessmentfinding")
        body = serializers.RaiseSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        finding = get_object_or_404(assessment.findings, pk=body.validated_data["finding"])
        services.assessment_finding_raise(
            finding=finding, user=request.user, kind=body.validated_data["follow_up"]
        )
        return Response(
            serializers.AssessmentFindingSerializer(finding).data,
            status=status.HTTP_201_CREATED,
        )
