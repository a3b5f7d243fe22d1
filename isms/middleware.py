"""Request middleware: security headers, session timeouts, audit context, login wall."""

import re
import time

from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.middleware import LoginRequiredMiddleware as DjangoLoginRequired
from django.contrib.auth.views import redirect_to_login
from django.utils import translation

from isms import audit

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
REQUEST_ID_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{7,63}", re.ASCII)
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"


class SecurityHeadersMiddleware:
    """A strict Content-Security-Policy (no inline script or style) and related headers;
    `Cache-Control: no-store` on every response to a signed-in user, since every page of
    the ISMS is sensitive."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        response.setdefault("Cross-Origin-Resource-Policy", "same-origin")
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            response["Cache-Control"] = "no-store"
        request_id = getattr(request, "request_id", "")
        if request_id:
            response["X-Request-ID"] = request_id
        return response


class SessionTimeoutMiddleware:
    """End a session SESSION_ABSOLUTE_TIMEOUT seconds after login, however active.

    The idle timeout is Django's own: SESSION_COOKIE_AGE with SESSION_SAVE_EVERY_REQUEST.
    """

    KEY = "_isms_login_at"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            started = request.session.setdefault(self.KEY, int(time.time()))
            if time.time() - started > settings.SESSION_ABSOLUTE_TIMEOUT:
                logout(request)
                if not request.path.startswith("/api/"):
                    return redirect_to_login(request.get_full_path())
        return self.get_response(request)


class AuditContextMiddleware:
    """Attribute every audit record made during a request to its user, IP and request id.

    A client's `X-Request-ID` is kept only when it is 8 to 64 ASCII letters, digits,
    dashes or underscores (a UUID, a hex string); anything else is replaced by a new id,
    so what reaches the logs, the audit trail and the response header is always plain."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.headers.get("X-Request-ID", "")
        request.request_id = (
            incoming if REQUEST_ID_RE.fullmatch(incoming) else audit.new_request_id()
        )
        if request.path.startswith("/api/"):
            source = "api"
        elif request.path.startswith("/admin/"):
            source = "admin"
        else:
            source = "web"
        with audit.acting_as(
            None,
            source=source,
            request=request,
            request_id=request.request_id,
            ip_address=request.META.get("REMOTE_ADDR") or None,
        ):
            return self.get_response(request)


class LoginRequiredMiddleware(DjangoLoginRequired):
    """Every page needs a signed-in user unless its view is marked `@login_not_required`.

    API views are left to Django REST framework, whose default permission refuses
    anonymous calls with a 401 JSON body instead of a redirect to the login page.
    """

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.path_info.startswith("/api/"):
            return None
        return super().process_view(request, view_func, view_args, view_kwargs)


class UserLanguageMiddleware:
    """Signed-in users see the interface in the language they chose (User.language);
    others get LocaleMiddleware's choice (cookie, then the browser's Accept-Language)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        language = getattr(user, "language", "") if user is not None else ""
        if language and user.is_authenticated:
            translation.activate(language)
            request.LANGUAGE_CODE = translation.get_language()
        return self.get_response(request)
