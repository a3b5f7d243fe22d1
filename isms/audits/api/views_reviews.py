"""/api/management-reviews/ (with `inputs/` to re-take the snapshot, `submit/` into the
approval workflow, `decisions/`) and /api/management-review-decisions/ (edit a draft's
decision, or follow up the action of an approved one). Management decides through
/api/approval-requests/."""

from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from isms.api.schema import CONFLICT
from isms.audits.api.serializers_reviews import (
    DecisionTrackSerializer,
    ManagementReviewSerializer,
    ReviewDecisionSerializer,
    ReviewSubmitSerializer,
    SubmittedSerializer,
)
from isms.audits.filters_reviews import ManagementReviewFilterSet, ReviewDecisionFilterSet
from isms.audits.models.reviews import ManagementReview, ReviewDecision
from isms.audits.services import reviews as services
from isms.models.approvals import ApprovalState, ApprovedVersionFrozen


def _data(validated: dict) -> dict:
    data = dict(validated)
    data.pop("version", None)
    return data


class ManagementReviewViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Management reviews (9.3). POST prepares one and takes its inputs; PATCH edits a
    draft (send `version`); an approved review answers 409."""

    queryset = ManagementReview.objects.select_related("prepared_by").prefetch_related(
        "attendees", Prefetch("decisions", queryset=ReviewDecision.objects.select_related("review"))
    )
    serializer_class = ManagementReviewSerializer
    filterset_class = ManagementReviewFilterSet
    lookup_value_regex = r"\d+"
    # Frozen (approved), in review, or a stale `version`.
    write_error_responses = {"409": CONFLICT}

    def perform_create(self, serializer):
        serializer.instance = services.review_create(
            user=self.request.user, data=_data(serializer.validated_data)
        )

    def perform_update(self, serializer):
        serializer.instance = services.review_update(
            review=serializer.instance,
            user=self.request.user,
            data=_data(serializer.validated_data),
            expected_version=serializer.validated_data.get("version"),
        )

    def _review(self, pk) -> ManagementReview:
        return get_object_or_404(ManagementReview, pk=pk)

    @extend_schema(request=None, responses=ManagementReviewSerializer)
    @action(detail=True, methods=["post"], filterset_class=None)
    def inputs(self, request, pk=None):
        """Take the inputs again (a draft only; audited)."""
        review = services.review_inputs_take(review=self._review(pk), user=request.user)
        return Response(ManagementReviewSerializer(review).data)

    @extend_schema(request=ReviewSubmitSerializer, responses={201: SubmittedSerializer})
    @action(detail=True, methods=["post"], filterset_class=None)
    def submit(self, request, pk=None):
        """Submit the review to Management (the approval workflow); its preparer and
        the authors of its decisions cannot approve it."""
        data = ReviewSubmitSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        approval = services.review_submit(
            review=self._review(pk),
            user=request.user,
            comment=data.validated_data.get("comment", ""),
        )
        return Response(
            {"approval_request": approval.pk, "content_sha256": approval.content_sha256},
            status=status.HTTP_201_CREATED,
        )

    @extend_schema(methods=["get"], request=None, responses=ReviewDecisionSerializer(many=True))
    @extend_schema(
        methods=["post"],
        request=ReviewDecisionSerializer,
        responses={201: ReviewDecisionSerializer},
    )
    @action(detail=True, methods=["get", "post"], pagination_class=None, filterset_class=None)
    def decisions(self, request, pk=None):
        review = self._review(pk)
        if request.method == "GET":
            queryset = review.decisions.select_related("review")
            return Response(ReviewDecisionSerializer(queryset, many=True).data)
        if not request.user.has_perm("audits.add_reviewdecision"):
            self.permission_denied(request)
        data = ReviewDecisionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        decision = services.decision_add(review=review, user=request.user, data=data.validated_data)
        return Response(ReviewDecisionSerializer(decision).data, status=status.HTTP_201_CREATED)


class ReviewDecisionViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """Decisions of management reviews. PATCH changes a draft review's decision, or
    follows up (status, done_on, status_note) the action of an approved review; DELETE
    removes a draft's decision. A frozen review answers 409."""

    queryset = ReviewDecision.objects.select_related("review").order_by("due_date", "pk")
    filterset_class = ReviewDecisionFilterSet
    lookup_value_regex = r"\d+"
    write_error_responses = {"409": CONFLICT}  # the review is approved or in review

    def _tracking(self) -> bool:
        instance = getattr(self, "_instance", None)
        return instance is not None and instance.review.approval_state == ApprovalState.APPROVED

    def get_object(self):
        self._instance = super().get_object()
        return self._instance

    def get_serializer_class(self):
        if self.action in ("update", "partial_update") and self._tracking():
            return DecisionTrackSerializer
        return ReviewDecisionSerializer

    def get_serializer(self, *args, **kwargs):
        if self.action in ("update", "partial_update") and args:
            self._instance = args[0]
        return super().get_serializer(*args, **kwargs)

    def perform_update(self, serializer):
        if self._tracking():
            frozen = sorted(set(self.request.data) & set(services.DECISION_FIELDS))
            if frozen:
                raise ApprovedVersionFrozen(
                    f"{serializer.instance.review} is approved: {', '.join(frozen)} of its "
                    "decisions are frozen; only the follow-up (status, done_on, status_note) "
                    "moves."
                )
        service = services.decision_track if self._tracking() else services.decision_update
        serializer.instance = service(
            decision=serializer.instance, user=self.request.user, data=serializer.validated_data
        )

    def perform_destroy(self, instance):
        services.decision_delete(decision=instance, user=self.request.user)
