"""API of control assurance: /api/control-tests/ (plan tests), /api/control-test-results/
(record results; POST concludes the test's open instance) and /api/evidence/ (read, with
validity and state; ?state=current|expiring|expired). Serializers validate; services decide.
"""

from rest_framework import mixins, viewsets

from isms.assurance.api.serializers import (
    ControlTestResultSerializer,
    ControlTestSerializer,
    EvidenceSerializer,
)
from isms.assurance.filters import (
    ControlTestFilterSet,
    ControlTestResultFilterSet,
    EvidenceFilterSet,
)
from isms.assurance.models import ControlTest, ControlTestResult
from isms.models import Evidence


class ControlTestViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Tests planned per control implementation (method, sample, frequency, tester)."""

    queryset = ControlTest.objects.select_related("implementation__control", "tester").order_by(
        "next_due", "pk"
    )
    serializer_class = ControlTestSerializer
    filterset_class = ControlTestFilterSet
    search_fields = ["title", "implementation__control__identifier"]


class ControlTestResultViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Results of control tests: open instances (due) and concluded ones, with history."""

    queryset = (
        ControlTestResult.objects.select_related("test__implementation__control", "tester")
        .prefetch_related("evidence")
        .order_by("-due_date", "-pk")
    )
    serializer_class = ControlTestResultSerializer
    filterset_class = ControlTestResultFilterSet
    search_fields = ["test__title", "test__implementation__control__identifier"]


class EvidenceViewSet(viewsets.ReadOnlyModelViewSet):
    """Evidence of every control with its validity and state (current, expiring, expired)."""

    queryset = Evidence.objects.select_related("implementation__control", "added_by").order_by(
        "-added_at", "-pk"
    )
    serializer_class = EvidenceSerializer
    filterset_class = EvidenceFilterSet
    search_fields = ["title", "implementation__control__identifier"]
