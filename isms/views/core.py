"""Dashboard, health checks and error pages."""

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.views.decorators.cache import cache_control, never_cache
from django.views.decorators.http import require_GET

from isms import dashboard
from isms.api.exceptions import error_response


def home(request):
    """The nine-step dashboard: each ISMS step with its state and key figures."""
    context = {"steps": dashboard.steps(request.user), "figures": dashboard.figures(request.user)}
    return render(request, "isms/dashboard.html", context)


@login_not_required
@never_cache
@require_GET
def healthz(request):
    """Liveness: the process answers. No details."""
    return HttpResponse("ok", content_type="text/plain")


@login_not_required
@require_GET
@cache_control(max_age=86400)
def favicon(request):
    """Browsers ask for /favicon.ico whatever the page says (error pages, downloads,
    feeds): send them to the vendored icon rather than logging a 404 each time."""
    return redirect(static("isms/favicon.svg"))


def _broker_reachable() -> bool:
    from isms.celery import app

    try:
        with app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
    except Exception:  # noqa: BLE001 - any failure means "not ready"
        return False
    return True


@login_not_required
@never_cache
@require_GET
def readyz(request):
    """Readiness: database and broker reachable. Says which failed, never why."""
    checks = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        checks["database"] = "ok"
    except Exception:  # noqa: BLE001
        checks["database"] = "unavailable"
    checks["broker"] = "ok" if _broker_reachable() else "unavailable"
    ready = all(v == "ok" for v in checks.values())
    return JsonResponse(
        {"status": "ok" if ready else "unavailable", **checks}, status=200 if ready else 503
    )


def _wants_json(request) -> bool:
    return request.path.startswith("/api/")


@login_not_required
def error_404(request, exception=None):
    if _wants_json(request):
        return error_response(404, "Not found.", "not_found")
    return render(request, "404.html", status=404)


@login_not_required
def error_403(request, exception=None):
    if _wants_json(request):
        return error_response(
            403, "You do not have permission to perform this action.", "permission_denied"
        )
    return render(request, "403.html", status=403)


@login_not_required
def error_500(request):
    if _wants_json(request):
        return error_response(500, "Server error.", "server_error")
    # No template context: rendering must not fail while handling an error.
    return render(request, "500.html", {"SITE_NAME": settings.SITE_NAME}, status=500)


@login_not_required
def csrf_failure(request, reason=""):
    if _wants_json(request):
        return error_response(403, "CSRF check failed.", "permission_denied")
    return render(request, "403.html", {"csrf_failure": True}, status=403)
