"""/api/nonconformities/: the nonconformity register (10.1, 10.2).

GET lists and reads (every role); POST records one, PATCH (with the `version` it is
based on: a stale one is a 409 `stale`) changes it (security manager).
`actions/` lists and plans corrective actions, `actions/{action_id}/` records progress
(the security manager, or the action's owner), `verify-effectiveness/` records the
effectiveness check, `close/` closes (a major nonconformity: Management). The services
decide and refuse; the shared exception handler turns refusals into 400/403/409."""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from isms.api.permissions import RolePermissions
from isms.api.schema import STALE
from isms.audits.filters_nonconformities import NonconformityFilterSet
from isms.audits.models.nonconformities import (
    MAX_WHYS,
    CorrectiveAction,
    EffectivenessCheck,
    NcSeverity,
    Nonconformity,
    NonconformityKind,
    Origin,
)
from isms.audits.services import nonconformities as services
from isms.models import Control, User

VIEW = "audits.view_nonconformity"


class CorrectiveActionSerializer(serializers.ModelSerializer):
    """A corrective action: what, who, by when, its status and when it was done."""

    owner = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.filter(is_active=True), allow_null=True, required=False
    )
    overdue = serializers.BooleanField(read_only=True)
    version = serializers.IntegerField(
        required=False, write_only=True, help_text="The nonconformity's version (optional)."
    )

    class Meta:
        model = CorrectiveAction
        fields = [
            "id", "title", "description", "owner", "due_on", "status", "done_on", "overdue",
            "version",
        ]  # fmt: skip
        read_only_fields = ["id", "overdue"]


class CorrectiveActionUpdateSerializer(CorrectiveActionSerializer):
    """Progress on an action: every field optional."""

    title = serializers.CharField(max_length=200, required=False)
    due_on = serializers.DateField(required=False)


class EffectivenessCheckSerializer(serializers.ModelSerializer):
    """An effectiveness check: who, when, the result and what was checked."""

    checked_by = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True)
    version = serializers.IntegerField(
        required=False, write_only=True, help_text="The nonconformity's version (optional)."
    )

    class Meta:
        model = EffectivenessCheck
        fields = ["id", "checked_by", "checked_on", "result", "notes", "version"]
        read_only_fields = ["id", "checked_by"]
        extra_kwargs = {"checked_on": {"required": False}}


class NonconformityCloseSerializer(serializers.Serializer):
    comment = serializers.CharField(required=False, allow_blank=True, default="")
    version = serializers.IntegerField(required=False)


class NonconformitySerializer(serializers.ModelSerializer):
    """A nonconformity or opportunity for improvement, its actions and checks."""

    source = serializers.SerializerMethodField()
    requirement = serializers.PrimaryKeyRelatedField(
        queryset=Control.objects.all(), allow_null=True, required=False
    )
    requirement_label = serializers.CharField(read_only=True)
    owner = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.filter(is_active=True), allow_null=True, required=False
    )
    similar = serializers.PrimaryKeyRelatedField(
        queryset=Nonconformity.objects.all(), many=True, required=False
    )
    root_cause_whys = serializers.ListField(
        child=serializers.CharField(max_length=500, allow_blank=True),
        max_length=MAX_WHYS,
        required=False,
    )
    kind = serializers.ChoiceField(
        choices=NonconformityKind.choices, default=NonconformityKind.NONCONFORMITY
    )
    origin = serializers.ChoiceField(choices=Origin.choices, default=Origin.MANUAL)
    severity = serializers.ChoiceField(
        choices=[("", "—"), *NcSeverity.choices], required=False, allow_blank=True
    )
    actions = CorrectiveActionSerializer(many=True, read_only=True)
    effectiveness_checks = EffectivenessCheckSerializer(many=True, read_only=True)
    raised_by = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True)
    closed_by = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True)
    version = serializers.IntegerField(
        required=False, help_text="The version your change is based on (PATCH: required)."
    )

    class Meta:
        model = Nonconformity
        fields = [
            "id", "ref", "kind", "title", "description", "origin", "source", "requirement",
            "requirement_label", "requirement_ref", "severity", "status", "owner",
            "detected_on", "due_on", "containment", "root_cause_whys", "root_cause", "similar",
            "raised_by", "raised_at", "closed_at", "closed_by", "closure_comment", "version",
            "actions", "effectiveness_checks",
        ]  # fmt: skip
        read_only_fields = [
            "id", "ref", "status", "raised_by", "raised_at", "closed_at", "closed_by",
            "closure_comment",
        ]  # fmt: skip

    def get_source(self, nc) -> dict | None:
        if nc.source_type_id is None:
            return None
        return {
            "type": f"{nc.source_type.app_label}.{nc.source_type.model}",
            "id": nc.source_id,
            "label": nc.source_repr,
        }

    def validate(self, attrs):
        if self.instance is not None and "version" not in attrs:
            raise serializers.ValidationError(
                {"version": "Send the version your change is based on."}
            )
        if self.instance is not None and "kind" in attrs and attrs["kind"] != self.instance.kind:
            raise serializers.ValidationError({"kind": "The kind of a record does not change."})
        return attrs


class NonconformityPermission(RolePermissions):
    """Reading needs the view permission. Recording, editing, planning and verifying:
    the model permissions. Progress on an action and closing: any role that reads the
    register reaches the service, which decides (the action's owner; Management for a
    major nonconformity) and answers 403 otherwise."""

    def has_permission(self, request, view):
        if not request.user or not request.user.is_authenticated:
            return False
        if request.method in ("GET", "HEAD", "OPTIONS") or view.action in (
            "action_item",
            "close",
        ):
            return request.user.has_perm(VIEW)
        if view.action == "actions" or view.action == "verify_effectiveness":
            return request.user.has_perm("audits.change_nonconformity")
        return super().has_permission(request, view)


class NonconformityViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Nonconformities and opportunities for improvement, newest first. Filters: `q`,
    `kind`, `status`, `open`, `origin`, `severity`, `overdue`."""

    permission_classes = [NonconformityPermission]
    serializer_class = NonconformitySerializer
    filterset_class = NonconformityFilterSet
    queryset = Nonconformity.objects.all()
    lookup_value_regex = r"\d+"
    http_method_names = ["get", "post", "patch", "head", "options"]
    # Writes carry the version they are based on: a stale one is a 409.
    write_error_responses = {"409": STALE}

    def get_queryset(self):
        return Nonconformity.objects.select_related(
            "requirement", "source_type", "raised_by", "closed_by"
        ).prefetch_related("actions", "effectiveness_checks__checked_by", "similar")

    def _fresh(self, nc):
        return self.get_queryset().get(pk=nc.pk)

    def create(self, request, *args, **kwargs):
        data = self.get_serializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        values.pop("version", None)
        nc = services.nonconformity_create(user=request.user, data=values)
        return Response(self.get_serializer(self._fresh(nc)).data, status=status.HTTP_201_CREATED)

    def update(self, request, *args, **kwargs):
        kwargs["partial"] = True
        nc = self.get_object()
        data = self.get_serializer(nc, data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        expected = values.pop("version")
        nc = services.nonconformity_update(
            nc=nc, user=request.user, data=values, expected_version=expected
        )
        return Response(self.get_serializer(self._fresh(nc)).data)

    @extend_schema(methods=["get"], request=None, responses=CorrectiveActionSerializer(many=True))
    @extend_schema(
        methods=["post"],
        request=CorrectiveActionSerializer,
        responses={201: CorrectiveActionSerializer},
    )
    @action(detail=True, methods=["get", "post"], pagination_class=None, filterset_class=None)
    def actions(self, request, pk=None):
        """The corrective actions; POST plans one (title, owner, due_on)."""
        nc = get_object_or_404(Nonconformity, pk=pk)
        if request.method == "GET":
            return Response(CorrectiveActionSerializer(nc.actions.all(), many=True).data)
        data = CorrectiveActionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        created = services.action_add(nc=nc, user=request.user, data=data.validated_data)
        return Response(CorrectiveActionSerializer(created).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=CorrectiveActionUpdateSerializer, responses=CorrectiveActionSerializer)
    @action(
        detail=True,
        methods=["patch"],
        url_path=r"actions/(?P<action_id>\d+)",
        url_name="action",
        pagination_class=None,
        filterset_class=None,
    )
    def action_item(self, request, pk=None, action_id=None):
        """Record progress on an action (the security manager, or its owner: status and
        done date only)."""
        nc = get_object_or_404(Nonconformity, pk=pk)
        item = get_object_or_404(nc.actions, pk=action_id)
        data = CorrectiveActionUpdateSerializer(item, data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        item = services.action_update(action=item, user=request.user, data=data.validated_data)
        return Response(CorrectiveActionSerializer(item).data)

    @extend_schema(
        request=EffectivenessCheckSerializer, responses={201: EffectivenessCheckSerializer}
    )
    @action(
        detail=True,
        methods=["post"],
        url_path="verify-effectiveness",
        url_name="verify-effectiveness",
        pagination_class=None,
        filterset_class=None,
    )
    def verify_effectiveness(self, request, pk=None):
        """Record the effectiveness check once every action is done or cancelled:
        `result` (effective / not_effective), `notes`, `checked_on`."""
        nc = get_object_or_404(Nonconformity, pk=pk)
        data = EffectivenessCheckSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        expected = values.pop("version", None)
        check = services.effectiveness_check(
            nc=nc, user=request.user, data=values, expected_version=expected
        )
        return Response(EffectivenessCheckSerializer(check).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=NonconformityCloseSerializer, responses=NonconformitySerializer)
    @action(detail=True, methods=["post"], pagination_class=None, filterset_class=None)
    def close(self, request, pk=None):
        """Close: every action finished; for a nonconformity the root cause and an
        effective effectiveness check; a major one is closed by Management."""
        nc = get_object_or_404(Nonconformity, pk=pk)
        data = NonconformityCloseSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        nc = services.nonconformity_close(
            nc=nc,
            user=request.user,
            comment=data.validated_data["comment"],
            expected_version=data.validated_data.get("version"),
        )
        return Response(self.get_serializer(self._fresh(nc)).data)


__all__ = [
    "NonconformitySerializer",
    "NonconformityViewSet",
]
