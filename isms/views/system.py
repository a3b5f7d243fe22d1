"""System status for administrators: worker heartbeat, with a background ping."""

import uuid
from functools import wraps

from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.views.decorators.http import require_POST

from isms import services
from isms.models import Heartbeat


def _superuser_only(view):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_superuser:
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


@_superuser_only
def status(request):
    beat = Heartbeat.objects.filter(token="beat").first()
    return render(request, "isms/system_status.html", {"beat": beat})


@_superuser_only
@require_POST
def ping(request):
    """Enqueue a heartbeat and return a fragment that polls until a worker answers."""
    token = uuid.uuid4().hex
    services.heartbeat_request(token=token)
    return render(request, "isms/partials/ping_status.html", {"token": token, "beat": None})


@_superuser_only
def ping_status(request, token: str):
    beat = Heartbeat.objects.filter(token=token).first()
    return render(request, "isms/partials/ping_status.html", {"token": token, "beat": beat})
