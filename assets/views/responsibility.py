"""The shared responsibility page: the whole estate by layer of the AWS model."""

from django.core.exceptions import PermissionDenied
from django.shortcuts import render

from assets import permissions as perms
from assets import responsibility


def shared_responsibility(request):
    """What AWS secures and what the organisation must, layer by layer, for every
    catalogued service, with the assets and the value relying on each."""
    if not request.user.has_perm("assets.view_awsservice"):
        raise PermissionDenied
    return render(
        request,
        "assets/shared_responsibility.html",
        {
            "layers": responsibility.for_estate(),
            "can_view_assets": perms.can_view_assets(request.user),
        },
    )
