"""API of people: /api/people/ (with the `import` action), /api/isms-roles/,
/api/competences/, /api/competence-records/ (with `import`) and
/api/awareness-campaigns/. Model permissions of the role decide; the shared
`record_save` validates (field errors, nothing half-saved) and audits."""

from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response

from isms.context.api.views import RecordViewSet
from isms.importing import UnreadableFile
from isms.people import services
from isms.people.api import serializers
from isms.people.models import AwarenessCampaign, Competence, CompetenceRecord, IsmsRole, Person


class ImportMixin:
    """POST <list>/import/ with a CSV/XLSX `file`: all rows or none."""

    import_service = None

    @extend_schema(request=serializers.ImportSerializer, responses={201: dict})
    @action(detail=False, methods=["post"], url_path="import", parser_classes=[MultiPartParser])
    def import_file(self, request):
        upload = serializers.ImportSerializer(data=request.data)
        upload.is_valid(raise_exception=True)
        file = upload.validated_data["file"]
        try:
            count = type(self).import_service(
                user=request.user, content=file.read(), filename=file.name
            )
        except UnreadableFile as exc:
            raise ValidationError({"file": [str(exc)]}) from exc
        except services.ImportRejected as exc:
            raise ValidationError({"file": exc.errors}) from exc
        return Response({"imported": count}, status=status.HTTP_201_CREATED)


class PersonViewSet(ImportMixin, RecordViewSet):
    """People under the organisation's control."""

    queryset = Person.objects.select_related("user").prefetch_related("roles").order_by("name")
    serializer_class = serializers.PersonSerializer
    filterset_fields = ["active", "roles"]
    import_service = staticmethod(services.people_import)


class IsmsRoleViewSet(RecordViewSet):
    """ISMS roles and the competences they require."""

    queryset = IsmsRole.objects.prefetch_related("required_competences").order_by("name")
    serializer_class = serializers.IsmsRoleSerializer


class CompetenceViewSet(RecordViewSet):
    """Competences the ISMS needs."""

    queryset = Competence.objects.order_by("name")
    serializer_class = serializers.CompetenceSerializer


class CompetenceRecordViewSet(ImportMixin, RecordViewSet):
    """Evidence of competence: training, certifications, experience, with expiry."""

    queryset = CompetenceRecord.objects.select_related("person", "competence").order_by("pk")
    serializer_class = serializers.CompetenceRecordSerializer
    filterset_fields = ["person", "competence", "kind"]
    import_service = staticmethod(services.competence_records_import)


class AwarenessCampaignViewSet(RecordViewSet):
    """Awareness campaigns and their completion from policy acknowledgements."""

    queryset = AwarenessCampaign.objects.select_related("policy").order_by("-due_date")
    serializer_class = serializers.AwarenessCampaignSerializer
