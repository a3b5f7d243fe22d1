"""API of governance: /api/scopes/ (scope versions), /api/policies/, /api/policy-versions/
and /api/approval-requests/ with the workflow actions submit, approve, reject and
request-changes. Serializers validate; the services in isms.governance and
isms.approvals decide. Their refusals map to HTTP in `isms.api.exceptions`: forbidden
403, wrong password 400 (field `password`), wrong, expired or used confirmation code
(single sign-on users) 400 (field `confirmation_code`), wrong state or approved
version 409.
"""

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from isms import approvals
from isms.api.schema import CONFLICT
from isms.governance import services
from isms.governance.api.serializers import (
    ApprovalRequestSerializer,
    DecisionSerializer,
    PolicySerializer,
    PolicyVersionSerializer,
    ScopeVersionSerializer,
    SubmitSerializer,
)
from isms.governance.filters import (
    ApprovalRequestFilterSet,
    PolicyFilterSet,
    PolicyVersionFilterSet,
    ScopeVersionFilterSet,
)
from isms.models import ApprovalRequest, Policy, PolicyVersion, ScopeVersion

# --- Scope versions ---------------------------------------------------------------------------


class ScopeVersionViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Versions of the ISMS scope. POST starts a new draft (a copy of the latest version
    with your changes); PUT/PATCH change a draft; an approved version answers 409."""

    queryset = ScopeVersion.objects.select_related("created_by").order_by("-number")
    serializer_class = ScopeVersionSerializer
    filterset_class = ScopeVersionFilterSet
    write_error_responses = {"409": CONFLICT}

    def perform_create(self, serializer):
        serializer.instance = services.scope_version_create(
            user=self.request.user, data=serializer.validated_data
        )

    def perform_update(self, serializer):
        serializer.instance = services.scope_version_update(
            version=serializer.instance,
            user=self.request.user,
            data=serializer.validated_data,
        )


# --- Policies -----------------------------------------------------------------------------------


class PolicyViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Policies. POST creates a policy and its first draft version."""

    queryset = Policy.objects.select_related("owner").order_by("reference")
    serializer_class = PolicySerializer
    filterset_class = PolicyFilterSet
    search_fields = ["reference", "title"]

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        body = data.pop("body", None)
        serializer.instance = services.policy_create(user=self.request.user, data=data, body=body)

    def perform_update(self, serializer):
        data = dict(serializer.validated_data)
        data.pop("body", None)
        serializer.instance = services.policy_update(
            policy=serializer.instance, user=self.request.user, data=data
        )


class PolicyVersionViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Policy versions. POST {"policy": id} starts the next draft (a copy of the latest
    text, then your `body`); PUT/PATCH change a draft; an approved version answers 409."""

    queryset = PolicyVersion.objects.select_related("created_by").order_by("policy", "-number")
    serializer_class = PolicyVersionSerializer
    filterset_class = PolicyVersionFilterSet
    write_error_responses = {"409": CONFLICT}

    def perform_create(self, serializer):
        data = serializer.validated_data
        version = services.policy_version_create(policy=data["policy"], user=self.request.user)
        edits = {k: v for k, v in data.items() if k in ("body", "change_summary")}
        if edits:
            version = services.policy_version_update(
                version=version, user=self.request.user, data=edits
            )
        serializer.instance = version

    def perform_update(self, serializer):
        serializer.instance = services.policy_version_update(
            version=serializer.instance,
            user=self.request.user,
            data=serializer.validated_data,
        )


# --- Approval requests ------------------------------------------------------------------------


class ApprovalRequestViewSet(viewsets.ReadOnlyModelViewSet):
    """Approval requests of every approvable type, with the workflow actions.

    Deciding needs the type's decision permission (Management) and the approver's
    password, or for single sign-on users a one-time `confirmation_code`; nobody
    decides what they submitted or edited (403, logged).
    """

    queryset = (
        ApprovalRequest.objects.select_related("content_type", "submitted_by")
        .prefetch_related("decisions__decided_by")
        .order_by("-submitted_at", "-id")
    )
    serializer_class = ApprovalRequestSerializer
    filterset_class = ApprovalRequestFilterSet
    write_error_responses = {"409": CONFLICT}

    @extend_schema(request=SubmitSerializer, responses={201: ApprovalRequestSerializer})
    @action(detail=False, methods=["post"], permission_classes=[permissions.IsAuthenticated])
    def submit(self, request):
        """Submit a draft version for approval."""
        data = SubmitSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        approval = approvals.approval_request_submit(
            obj=data.validated_data["obj"],
            user=request.user,
            comment=data.validated_data["comment"],
        )
        return Response(self._fresh(approval), status=status.HTTP_201_CREATED)

    def _decide(self, request, pk, service):
        approval = self.get_object()
        data = DecisionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        approval = service(
            request=approval,
            user=request.user,
            password=data.validated_data["password"],
            confirmation_code=data.validated_data["confirmation_code"],
            comment=data.validated_data["comment"],
        )
        return Response(self._fresh(approval))

    def _fresh(self, approval):
        return self.get_serializer(self.get_queryset().get(pk=approval.pk)).data

    @extend_schema(request=DecisionSerializer, responses=ApprovalRequestSerializer)
    @action(detail=True, methods=["post"], permission_classes=[permissions.IsAuthenticated])
    def approve(self, request, pk=None):
        """Approve (Management; password or confirmation code required)."""
        return self._decide(request, pk, approvals.approval_request_approve)

    @extend_schema(request=DecisionSerializer, responses=ApprovalRequestSerializer)
    @action(detail=True, methods=["post"], permission_classes=[permissions.IsAuthenticated])
    def reject(self, request, pk=None):
        """Reject (Management; password or confirmation code, and comment required)."""
        return self._decide(request, pk, approvals.approval_request_reject)

    @extend_schema(request=DecisionSerializer, responses=ApprovalRequestSerializer)
    @action(
        detail=True,
        methods=["post"],
        url_path="request-changes",
        permission_classes=[permissions.IsAuthenticated],
    )
    def request_changes(self, request, pk=None):
        """Send back to the authors (Management; password or confirmation code, and comment
        required)."""
        return self._decide(request, pk, approvals.approval_request_request_changes)
