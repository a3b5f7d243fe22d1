"""API of the context app: /api/context-issues/, /api/climate-determinations/,
/api/interested-parties/ (with their `requirements`), /api/requirements/,
/api/party-feedback/,
/api/objectives/, /api/measures/ and /api/measurements/. Model permissions of the
role decide who reads and who writes; the services validate and write."""

from rest_framework import mixins, viewsets

from isms.context import filters, services
from isms.context.api import serializers
from isms.context.models import (
    ClimateDetermination,
    ContextIssue,
    InterestedParty,
    Measure,
    Measurement,
    Objective,
    PartyFeedback,
    Requirement,
)


class RecordViewSet(viewsets.ModelViewSet):
    """Create, change and delete through `services.record_save` / `record_delete`."""

    http_method_names = ["get", "post", "put", "patch", "delete", "head", "options"]

    def perform_create(self, serializer):
        serializer.instance = services.record_save(
            user=self.request.user, model=self.queryset.model, data=serializer.validated_data
        )

    def perform_update(self, serializer):
        serializer.instance = services.record_save(
            user=self.request.user,
            model=self.queryset.model,
            data=serializer.validated_data,
            instance=serializer.instance,
        )

    def perform_destroy(self, instance):
        services.record_delete(user=self.request.user, instance=instance)


class ContextIssueViewSet(RecordViewSet):
    """Issues of the organisation's context (4.1), internal and external."""

    queryset = ContextIssue.objects.order_by("number")
    serializer_class = serializers.ContextIssueSerializer
    filterset_class = filters.ContextIssueFilterSet


class InterestedPartyViewSet(RecordViewSet):
    """Interested parties (4.2), each with its requirements."""

    queryset = InterestedParty.objects.prefetch_related(
        "requirements__controls", "requirements__policies", "requirements__objectives",
        "scope_versions",
    ).order_by("name")  # fmt: skip
    serializer_class = serializers.InterestedPartySerializer
    filterset_class = filters.InterestedPartyFilterSet


class RequirementViewSet(RecordViewSet):
    """Requirements of interested parties and how the ISMS addresses them."""

    queryset = Requirement.objects.select_related("party").prefetch_related(
        "controls", "policies", "objectives"
    )
    serializer_class = serializers.RequirementSerializer
    filterset_fields = ["party", "kind", "addressed"]

    def perform_create(self, serializer):
        serializer.instance = services.requirement_save(
            user=self.request.user, data=serializer.validated_data
        )

    def perform_update(self, serializer):
        serializer.instance = services.requirement_save(
            user=self.request.user, data=serializer.validated_data, instance=serializer.instance
        )


class PartyFeedbackViewSet(RecordViewSet):
    """Feedback from interested parties (9.3.2 e): complaints, compliments, requests,
    audit or assessment remarks, with the response and whether it is closed."""

    queryset = PartyFeedback.objects.select_related("party").order_by("-received_on", "-pk")
    serializer_class = serializers.PartyFeedbackSerializer
    filterset_class = filters.PartyFeedbackFilterSet


class ClimateDeterminationViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Climate-change determinations (4.1, Amendment 1): recorded, never changed."""

    queryset = ClimateDetermination.objects.select_related("scope_version", "decided_by")
    serializer_class = serializers.ClimateDeterminationSerializer

    def perform_create(self, serializer):
        serializer.instance = services.climate_determine(
            user=self.request.user, data=serializer.validated_data
        )


class ObjectiveViewSet(RecordViewSet):
    """Information security objectives (6.2)."""

    queryset = Objective.objects.select_related("owner").order_by("number")
    serializer_class = serializers.ObjectiveSerializer
    filterset_class = filters.ObjectiveFilterSet


class MeasureViewSet(RecordViewSet):
    """The catalogue of measures (9.1)."""

    queryset = Measure.objects.select_related("measured_by", "analysed_by").order_by("number")
    serializer_class = serializers.MeasureSerializer
    filterset_class = filters.MeasureFilterSet


class MeasurementViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """Values of measures, one per measure and period; POST records (or replaces) the
    value of the period containing `day`."""

    queryset = Measurement.objects.select_related("measure", "recorded_by").order_by(
        "measure", "period_end"
    )
    serializer_class = serializers.MeasurementSerializer
    filterset_class = filters.MeasurementFilterSet

    def perform_create(self, serializer):
        data = serializer.validated_data
        serializer.instance = services.measurement_record(
            user=self.request.user,
            measure=data["measure"],
            value=data["value"],
            day=data.get("day"),
            note=data.get("note", ""),
        )

    def perform_destroy(self, instance):
        services.record_delete(user=self.request.user, instance=instance)
