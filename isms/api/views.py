"""API views of the governance core."""

from functools import cache

from django.urls import NoReverseMatch, get_resolver
from django.urls import reverse as url_reverse
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
    """Entry point: links to every collection of the API, the schema and its docs."""
    links = {
        "me": reverse("api-me", request=request),
        "schema": reverse("api-schema", request=request),
        "docs": reverse("api-docs", request=request),
    }
    links.update((key, request.build_absolute_uri(path)) for key, path in _collections().items())
    return Response(links)


@cache
def _collections() -> dict[str, str]:
    """{"assets": "/api/assets/", ...}: every router list route under /api/, found in the
    URLconf so that each app's endpoints are listed without isms importing the app."""
    found = {}
    for name in get_resolver().reverse_dict:
        if not (isinstance(name, str) and name.endswith("-list")):
            continue
        try:
            path = url_reverse(name)
        except NoReverseMatch:  # a list route nested under an object
            continue
        if path.startswith("/api/"):
            found[path.removeprefix("/api/").rstrip("/")] = path
    return dict(sorted(found.items()))


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
