"""/api/bia/ (recovery objectives per asset, inherited values read-only, `gaps/`) and
/api/continuity-plans/ (with `exercises/`)."""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from assets.continuity import selectors, services
from assets.continuity.api.serializers import (
    ContinuityExerciseSerializer,
    ContinuityPlanSerializer,
    GapSerializer,
    PlanSubmittedSerializer,
    RecoveryObjectiveSerializer,
    RecoveryObjectiveUpdateSerializer,
)
from assets.continuity.filters import ContinuityPlanFilterSet, RecoveryObjectiveFilterSet
from assets.continuity.models import ContinuityPlan, RecoveryObjective
from assets.permissions import visible_assets
from isms.governance.api.serializers import SubmitForApprovalSerializer


class BiaViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Recovery objectives per asset, addressed by the asset's id. POST sets the BIA of
    an asset, PUT/PATCH changes it; `required_*` are inherited down the dependency graph
    and read-only. `gaps/` lists the supporting assets that cannot meet them."""

    queryset = RecoveryObjective.objects.all()
    filterset_class = RecoveryObjectiveFilterSet
    lookup_field = "asset"
    lookup_value_regex = r"\d+"

    def get_queryset(self):
        return RecoveryObjective.objects.filter(
            asset__in=visible_assets(self.request.user)
        ).select_related("asset")

    def get_serializer_class(self):
        if self.action in ("update", "partial_update"):
            return RecoveryObjectiveUpdateSerializer
        return RecoveryObjectiveSerializer

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        asset = data.pop("asset")
        serializer.instance = services.objective_save(
            asset=asset, user=self.request.user, data=data
        )

    def perform_update(self, serializer):
        serializer.instance = services.objective_save(
            asset=serializer.instance.asset, user=self.request.user, data=serializer.validated_data
        )

    @extend_schema(responses=GapSerializer(many=True))
    @action(detail=False, methods=["get"], pagination_class=None, filterset_class=None)
    def gaps(self, request):
        found = selectors.gaps(visible_assets(request.user))
        return Response(GapSerializer(found, many=True).data)


class ContinuityPlanViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Continuity plans. GET/POST `exercises/` lists or records the plan's exercises."""

    queryset = ContinuityPlan.objects.prefetch_related("processes")
    serializer_class = ContinuityPlanSerializer
    lookup_value_regex = r"\d+"
    filterset_class = ContinuityPlanFilterSet

    def perform_create(self, serializer):
        serializer.instance = services.plan_create(
            user=self.request.user, data=serializer.validated_data
        )

    def perform_update(self, serializer):
        serializer.instance = services.plan_update(
            plan=serializer.instance, user=self.request.user, data=serializer.validated_data
        )

    @extend_schema(request=SubmitForApprovalSerializer, responses={201: PlanSubmittedSerializer})
    @action(detail=True, methods=["post"], filterset_class=None)
    def submit(self, request, pk=None):
        """Submit the plan as it stands for management approval (a new version)."""
        plan = get_object_or_404(self.get_queryset(), pk=pk)
        if not request.user.has_perm("continuity.change_continuityplanversion"):
            self.permission_denied(request)
        data = SubmitForApprovalSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        approval = services.plan_submit(
            plan=plan, user=request.user, comment=data.validated_data["comment"]
        )
        return Response(
            {"approval_request": approval.pk, "version": approval.target.number},
            status=status.HTTP_201_CREATED,
        )

    @extend_schema(methods=["get"], request=None, responses=ContinuityExerciseSerializer(many=True))
    @extend_schema(
        methods=["post"],
        request=ContinuityExerciseSerializer,
        responses={201: ContinuityExerciseSerializer},
    )
    @action(detail=True, methods=["get", "post"], pagination_class=None, filterset_class=None)
    def exercises(self, request, pk=None):
        plan = get_object_or_404(self.get_queryset(), pk=pk)
        if request.method == "GET":
            return Response(ContinuityExerciseSerializer(plan.exercises.all(), many=True).data)
        if not request.user.has_perm("continuity.add_continuityexercise"):
            self.permission_denied(request)
        data = ContinuityExerciseSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        exercise = services.exercise_record(plan=plan, user=request.user, data=data.validated_data)
        return Response(ContinuityExerciseSerializer(exercise).data, status=status.HTTP_201_CREATED)
