"""API of control assurance: /api/control-tests/ (plan tests), /api/control-test-results/
(record results; POST concludes the test's open instance) and /api/evidence/ (read, with
validity and state; ?state=current|expiring|expired). Serializers validate; services decide.

A tester without a role sees the tests assigned to them and their results, and records
results of those tests (POST /api/control-test-results/), nothing else.
"""

from rest_framework import mixins, permissions, viewsets
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser

from isms.api.permissions import RolePermissions
from isms.assurance import selectors
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
from isms.models import Evidence


class TesterOrRole(RolePermissions):
    """Reads: any signed-in user, the queryset showing a tester without a role only the
    tests assigned to them (others' are 404s). Writes: the role's model permissions,
    except that the tester of an active test records results (`testers_record`)."""

    def has_permission(self, request, view):
        if not request.user or not request.user.is_authenticated:
            return False
        if request.method in permissions.SAFE_METHODS:
            return True
        if (
            getattr(view, "testers_record", False)
            and request.method == "POST"
            and selectors.is_tester(request.user)
        ):
            return True
        return super().has_permission(request, view)


class ControlTestViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Tests planned per control implementation (method, sample, frequency, tester)."""

    permission_classes = [TesterOrRole]
    serializer_class = ControlTestSerializer
    filterset_class = ControlTestFilterSet
    search_fields = ["title", "implementation__control__identifier"]

    def get_queryset(self):
        return (
            selectors.visible_tests(self.request.user)
            .select_related("implementation__control", "tester")
            .order_by("next_due", "pk")
        )


class ControlTestResultViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Results of control tests: open instances (due) and concluded ones, with history.
    POST (JSON, or multipart to attach a new evidence file) records a result."""

    permission_classes = [TesterOrRole]
    testers_record = True
    parser_classes = [JSONParser, MultiPartParser, FormParser]
    serializer_class = ControlTestResultSerializer
    filterset_class = ControlTestResultFilterSet
    search_fields = ["test__title", "test__implementation__control__identifier"]

    def get_queryset(self):
        return (
            selectors.visible_results(self.request.user)
            .select_related("test__implementation__control", "tester")
            .prefetch_related("evidence")
            .order_by("-due_date", "-pk")
        )


class EvidenceViewSet(viewsets.ReadOnlyModelViewSet):
    """Evidence of every control with its validity and state (current, expiring, expired)."""

    queryset = Evidence.objects.select_related("implementation__control", "added_by").order_by(
        "-added_at", "-pk"
    )
    serializer_class = EvidenceSerializer
    filterset_class = EvidenceFilterSet
    search_fields = ["title", "implementation__control__identifier"]
