"""API views of the governance core."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.decorators import api_view
from rest_framework.response import Response
from rest_framework.reverse import reverse
from rest_framework.views import APIView

from isms import roles


@extend_schema(exclude=True)
@api_view(["GET"])
def api_root(request, format=None):
    """Entry point: links to the resources of the API."""
    return Response(
        {
            "me": reverse("api-me", request=request),
            "schema": reverse("api-schema", request=request),
        }
    )


class MeSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    username = serializers.CharField()
    full_name = serializers.CharField()
    roles = serializers.ListField(child=serializers.CharField())


class MeView(APIView):
    """The authenticated user and their roles."""

    @extend_schema(responses=MeSerializer)
    def get(self, request):
        user = request.user
        return Response(
            MeSerializer(
                {
                    "id": user.pk,
                    "username": user.get_username(),
                    "full_name": user.get_full_name(),
                    "roles": roles.roles_of(user),
                }
            ).data
        )
