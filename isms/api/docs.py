"""The API's documentation: the OpenAPI document at /api/schema/, and the pages that
show it, Swagger UI at /api/docs/ and ReDoc at /api/redoc/.

Both are served from the vendored drf-spectacular-sidecar files (no CDN) through our
own templates, which hold no inline script or style, so they work under the strict
Content-Security-Policy; Swagger UI's start-up script comes from a URL of its own
(SpectacularSwaggerSplitView). ReDoc builds its styles at run time in <style>
elements, which `style-src 'self'` blocks; its page alone allows them by a nonce that
changes with every response (never 'unsafe-inline'). Signed-in users only: anonymous
calls get the API's 401 JSON answer, like every other /api/ route.
"""

import secrets
import threading

from django.utils import translation
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.utils import extend_schema
from drf_spectacular.views import (
    SpectacularJSONAPIView,
    SpectacularRedocView,
    SpectacularSwaggerSplitView,
)
from rest_framework.renderers import JSONRenderer

from isms.middleware import CONTENT_SECURITY_POLICY


class JsonErrorsMixin:
    """Answer refusals (401, 403) in JSON, as the rest of the API does, instead of
    rendering them with the page's HTML template."""

    def handle_exception(self, exc):
        response = super().handle_exception(exc)
        self.request.accepted_renderer = JSONRenderer()
        self.request.accepted_media_type = JSONRenderer.media_type
        return response


class OnceGenerator(SchemaGenerator):
    """drf-spectacular's generator, run once per process, language and API version.

    The document depends on the code only: it is public (`SERVE_PUBLIC`: every caller
    allowed to read it gets the same one, tests/isms/security/test_api_docs.py), and its
    texts on the language. Walking every API view costs about a second of CPU, which
    each call of /api/schema/ (and so each opening of the docs pages) used to pay."""

    _documents: dict = {}
    _lock = threading.Lock()

    def get_schema(self, request=None, public=False):
        if not public:  # filtered by the caller's permissions: never shared
            return super().get_schema(request=request, public=public)
        key = (translation.get_language(), self.api_version)
        with self._lock:
            if key not in self._documents:
                self._documents[key] = super().get_schema(request=request, public=public)
            return self._documents[key]


class SchemaView(SpectacularJSONAPIView):
    """/api/schema/: the OpenAPI document, in JSON, for signed-in callers."""

    generator_class = OnceGenerator


class SwaggerView(JsonErrorsMixin, SpectacularSwaggerSplitView):
    template_name = "isms/apidocs/swagger_ui.html"
    url_name = "api-schema"


# The two <style> elements the pinned ReDoc bundle inserts before it can be given the
# nonce (its bundled CSS, and an empty one): allowed by their hashes. A new sidecar
# version with other CSS shows up as a CSP error in tests/browser/test_security.py.
REDOC_STYLE_HASHES = (
    "'sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU='",
    "'sha256-QMIg+bpjm3JdElJ388KYke01izlUW0UoNOeKjpMxdgc='",
)


class RedocView(JsonErrorsMixin, SpectacularRedocView):
    template_name = "isms/apidocs/redoc.html"
    url_name = "api-schema"

    @extend_schema(exclude=True)
    def get(self, request, *args, **kwargs):
        nonce = secrets.token_urlsafe(18)
        response = super().get(request, *args, **kwargs)
        response.data["style_nonce"] = nonce
        response["Content-Security-Policy"] = CONTENT_SECURITY_POLICY.replace(
            "style-src 'self'", f"style-src 'self' 'nonce-{nonce}' {' '.join(REDOC_STYLE_HASHES)}"
        )
        return response
