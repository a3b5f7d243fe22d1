"""API of frameworks, controls, control implementations and SoAs.

/api/frameworks/, /api/controls/ (?framework=&theme=), /api/control-implementations/,
/api/soas/ (POST = freeze; submit and approve/reject actions) and
/api/soas/{id}/download/?format=xlsx|pdf|csv|json. Serializers validate; services decide.
"""

from django.conf import settings
from django.http import Http404, HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, mixins, viewsets
from rest_framework.decorators import action
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.response import Response

from isms import security_log, uploads
from isms.api.docs import JsonErrorsMixin
from isms.api.schema import CONFLICT, THROTTLED
from isms.frameworks import downloads, services
from isms.frameworks.api.serializers import (
    ControlImplementationSerializer,
    ControlSerializer,
    FrameworkSerializer,
    SoADecisionSerializer,
    SoASerializer,
)
from isms.frameworks.filters import (
    ControlFilterSet,
    ControlImplementationFilterSet,
    FrameworkFilterSet,
    SoAFilterSet,
)
from isms.governance.api.serializers import SubmitForApprovalSerializer
from isms.models import Control, ControlImplementation, Framework, SoA


class FrameworkViewSet(viewsets.ReadOnlyModelViewSet):
    """Frameworks available to the ISMS (import them with `manage.py load_framework` or
    the Frameworks page; choose them on the Frameworks page)."""

    queryset = Framework.objects.order_by("name")
    serializer_class = FrameworkSerializer
    filterset_class = FrameworkFilterSet
    search_fields = ["name", "code"]


class ControlViewSet(viewsets.ReadOnlyModelViewSet):
    """Controls of every framework; filter with ?framework=<code>&theme=<theme>."""

    queryset = (
        Control.objects.select_related("framework", "group")
        .prefetch_related("mappings_out__target__framework")
        .order_by("framework__code", "sort_order")
    )
    serializer_class = ControlSerializer
    filterset_class = ControlFilterSet
    search_fields = ["identifier", "title"]


class ControlImplementationViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """The organisation's decision and implementation per control (read, update)."""

    queryset = ControlImplementation.objects.select_related("control__framework", "owner").order_by(
        "control__framework__code", "control__sort_order"
    )
    serializer_class = ControlImplementationSerializer
    filterset_class = ControlImplementationFilterSet


class PassthroughRenderer(BaseRenderer):
    """Lets ?format=xlsx|pdf|csv reach the download action, which returns the bytes."""

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return data


def _passthrough(fmt: str, media: str) -> type[BaseRenderer]:
    return type(
        f"{fmt.capitalize()}Renderer",
        (PassthroughRenderer,),
        {"format": fmt, "media_type": media.split(";")[0]},
    )


DOWNLOAD_RENDERERS = [JSONRenderer] + [
    _passthrough(fmt, media) for fmt, media in downloads.FORMATS.items() if fmt != "json"
]


class SoAViewSet(
    JsonErrorsMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Frozen Statements of Applicability. POST freezes a new one (no body); nothing
    changes or deletes one. `submit` sends it to management; `approve`/`reject` decide
    it (Management, not the submitter, with their password or, for SSO users, a
    confirmation code); `download` renders it.
    Errors are JSON whatever ?format= asks for (a file renderer would pass them through
    as the file's bytes)."""

    queryset = SoA.objects.select_related("framework", "frozen_by")
    serializer_class = SoASerializer
    filterset_class = SoAFilterSet
    required_permissions = None  # set per action below; None = the model permissions
    write_error_responses = {"409": CONFLICT}  # a decision on an SoA no longer in review

    def create(self, request, *args, **kwargs):
        soa = services.soa_freeze(user=request.user)
        return Response(self.get_serializer(soa).data, status=201)

    def _workflow(self, call):
        call()
        soa = self.get_queryset().get(pk=self.get_object().pk)
        return Response(self.get_serializer(soa).data)

    @extend_schema(request=SubmitForApprovalSerializer, responses=SoASerializer)
    @action(detail=True, methods=["post"], required_permissions=["isms.change_soa"])
    def submit(self, request, pk=None):
        data = SubmitForApprovalSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        soa = self.get_object()
        return self._workflow(
            lambda: services.soa_submit(
                soa=soa, user=request.user, comment=data.validated_data["comment"]
            )
        )

    def _decide(self, request, approve: bool):
        data = SoADecisionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        soa = self.get_object()
        return self._workflow(
            lambda: services.soa_decide(
                soa=soa,
                user=request.user,
                approve=approve,
                password=data.validated_data["password"],
                confirmation_code=data.validated_data["confirmation_code"],
                comment=data.validated_data["comment"],
            )
        )

    @extend_schema(request=SoADecisionSerializer, responses=SoASerializer)
    @action(detail=True, methods=["post"], required_permissions=["isms.approve_soa"])
    def approve(self, request, pk=None):
        return self._decide(request, approve=True)

    @extend_schema(request=SoADecisionSerializer, responses=SoASerializer)
    @action(detail=True, methods=["post"], required_permissions=["isms.approve_soa"])
    def reject(self, request, pk=None):
        return self._decide(request, approve=False)

    def perform_content_negotiation(self, request, force=False):
        # An unknown ?format= must reach the action, which answers 400 naming the
        # formats, rather than DRF's 404.
        try:
            return super().perform_content_negotiation(request, force)
        except Http404:
            return JSONRenderer(), JSONRenderer.media_type

    @extend_schema(
        parameters=[
            OpenApiParameter("format", OpenApiTypes.STR, enum=list(downloads.FORMATS)),
        ],
        responses={
            **{
                (200, media.split(";")[0]): OpenApiTypes.OBJECT
                if fmt == "json"
                else OpenApiTypes.BINARY
                for fmt, media in downloads.FORMATS.items()
            },
            429: THROTTLED,
        },
    )
    @action(
        detail=True,
        methods=["get"],
        renderer_classes=DOWNLOAD_RENDERERS,
        required_permissions=["isms.download_soa"],
    )
    def download(self, request, pk=None):
        soa = self.get_object()
        # The same per-user budget as the page's download (scope "soa").
        if not uploads.download_allowed(request, scope="soa"):
            raise exceptions.Throttled(
                wait=settings.DOWNLOAD_RATE_WINDOW, detail=uploads.TOO_MANY_DOWNLOADS
            )
        fmt = request.query_params.get("format", "")
        content, content_type, filename = services.soa_download(soa=soa, user=request.user, fmt=fmt)
        security_log.log_download(request, what="soa", fmt=fmt, obj=soa)
        return uploads.download_headers(HttpResponse(content, content_type=content_type), filename)
