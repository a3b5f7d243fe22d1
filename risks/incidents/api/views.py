"""/api/incidents/: report (any signed-in user), triage and handle (security manager),
with `entries/`, `evidence/`, `notifications/`, `impact/`, `close/` and `follow-up/`."""

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from risks.incidents import selectors, services
from risks.incidents.api.serializers import (
    CloseSerializer,
    EntrySerializer,
    FollowUpResultSerializer,
    FollowUpSerializer,
    ImpactSerializer,
    IncidentEvidenceSerializer,
    IncidentReportSerializer,
    IncidentSerializer,
    NotificationSerializer,
)
from risks.incidents.filters import IncidentFilterSet
from risks.incidents.models import Incident


class SignedIn(permissions.IsAuthenticated):
    """Any signed-in user reports and reads their own incidents; what else they may do
    is the services' decision (a refusal is a 403) and `visible_incidents`' (a 404)."""


class IncidentViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Incidents, newest first. POST reports an event (title, description, occurred_at,
    detected_at, assets); PATCH triages and handles it (security manager)."""

    permission_classes = [SignedIn]
    queryset = Incident.objects.all()
    lookup_value_regex = r"\d+"
    filterset_class = IncidentFilterSet
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    def get_queryset(self):
        return selectors.visible_incidents(self.request.user).prefetch_related(
            "assets", "findings", "aws_resources", "risks"
        )

    def get_serializer_class(self):
        return IncidentReportSerializer if self.action == "create" else IncidentSerializer

    @extend_schema(request=IncidentReportSerializer, responses={201: IncidentSerializer})
    def create(self, request, *args, **kwargs):
        data = IncidentReportSerializer(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        incident = services.incident_report(user=request.user, data=data.validated_data)
        return Response(
            IncidentSerializer(incident, context={"request": request}).data,
            status=status.HTTP_201_CREATED,
        )

    def update(self, request, *args, **kwargs):
        self._handled(self.get_object())
        return super().update(request, *args, **kwargs)

    def perform_update(self, serializer):
        serializer.instance = services.incident_update(
            incident=serializer.instance, user=self.request.user, data=serializer.validated_data
        )

    def _incident(self, pk):
        return get_object_or_404(selectors.visible_incidents(self.request.user), pk=pk)

    def _handled(self, incident):
        """Who may act is decided before the body is read (a 403, not a 400)."""
        if not selectors.can_manage(self.request.user):
            self.permission_denied(self.request, message=_("Only the incident handlers may."))
        return incident

    @extend_schema(methods=["get"], request=None, responses=EntrySerializer(many=True))
    @extend_schema(methods=["post"], request=EntrySerializer, responses={201: EntrySerializer})
    @action(detail=True, methods=["get", "post"], pagination_class=None, filterset_class=None)
    def entries(self, request, pk=None):
        """The timeline; POST adds a note (anyone who sees the incident) or an action."""
        incident = self._incident(pk)
        if request.method == "GET":
            return Response(EntrySerializer(incident.entries.all(), many=True).data)
        if not selectors.can_write_entries(request.user, incident):
            self.permission_denied(request)
        data = EntrySerializer(data=request.data)
        data.is_valid(raise_exception=True)
        entry = services.entry_add(incident=incident, user=request.user, data=data.validated_data)
        return Response(EntrySerializer(entry).data, status=status.HTTP_201_CREATED)

    @extend_schema(methods=["get"], request=None, responses=IncidentEvidenceSerializer(many=True))
    @extend_schema(
        methods=["post"],
        request={"multipart/form-data": IncidentEvidenceSerializer},
        responses={201: IncidentEvidenceSerializer},
    )
    @action(detail=True, methods=["get", "post"], pagination_class=None, filterset_class=None)
    def evidence(self, request, pk=None):
        """Evidence files with their SHA-256; POST (multipart: file, description) adds one."""
        incident = self._incident(pk)
        if not selectors.can_view_evidence(request.user):
            self.permission_denied(request)
        if request.method == "GET":
            return Response(IncidentEvidenceSerializer(incident.evidence.all(), many=True).data)
        self._handled(incident)
        data = IncidentEvidenceSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        evidence = services.evidence_add(
            incident=incident,
            user=request.user,
            upload=data.validated_data["file"],
            description=data.validated_data.get("description", ""),
        )
        return Response(IncidentEvidenceSerializer(evidence).data, status=status.HTTP_201_CREATED)

    @extend_schema(methods=["get"], request=None, responses=NotificationSerializer(many=True))
    @extend_schema(
        methods=["post"], request=NotificationSerializer, responses={201: NotificationSerializer}
    )
    @action(detail=True, methods=["get", "post"], pagination_class=None, filterset_class=None)
    def notifications(self, request, pk=None):
        """Notification obligations and their deadlines; POST adds one."""
        incident = self._incident(pk)
        if request.method == "GET":
            return Response(NotificationSerializer(incident.notifications.all(), many=True).data)
        self._handled(incident)
        data = NotificationSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        notification = services.notification_save(
            incident=incident, user=request.user, data=data.validated_data
        )
        return Response(NotificationSerializer(notification).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=NotificationSerializer, responses=NotificationSerializer)
    @action(
        detail=True,
        methods=["patch"],
        url_path=r"notifications/(?P<notification_id>\d+)",
        filterset_class=None,
    )
    def notification(self, request, pk=None, notification_id=None):
        """Record that a notification was sent (status "sent", reference) or is not required."""
        incident = self._handled(self._incident(pk))
        notification = get_object_or_404(incident.notifications, pk=notification_id)
        data = NotificationSerializer(notification, data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        notification = services.notification_save(
            incident=incident,
            user=request.user,
            data=data.validated_data,
            notification=notification,
        )
        return Response(NotificationSerializer(notification).data)

    @extend_schema(request=None, responses=ImpactSerializer)
    @action(detail=True, methods=["get"], filterset_class=None)
    def impact(self, request, pk=None):
        """The assets that depend on the affected ones, the business processes among them
        and the $ value they carry (each asset counted once)."""
        return Response(ImpactSerializer(selectors.impact(self._incident(pk))).data)

    @extend_schema(request=CloseSerializer, responses=IncidentSerializer)
    @action(detail=True, methods=["post"], filterset_class=None)
    def close(self, request, pk=None):
        """Close after the post-incident review (required when severe)."""
        incident = self._handled(self._incident(pk))
        data = CloseSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        incident = services.incident_close(
            incident=incident, user=request.user, data=data.validated_data
        )
        return Response(IncidentSerializer(incident, context={"request": request}).data)

    @extend_schema(request=FollowUpSerializer, responses={201: FollowUpResultSerializer})
    @action(detail=True, methods=["post"], url_path="follow-up", filterset_class=None)
    def follow_up(self, request, pk=None):
        """Raise a risk (or another registered follow-up) from the lessons learned."""
        incident = self._handled(self._incident(pk))
        data = FollowUpSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        kind = values.pop("kind")
        record = services.incident_follow_up(
            incident=incident, user=request.user, kind=kind, data=values
        )
        return Response(
            {
                "kind": kind,
                "id": record.pk,
                "label": str(record),
                "url": record.get_absolute_url(),
            },
            status=status.HTTP_201_CREATED,
        )
