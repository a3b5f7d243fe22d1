"""The OpenAPI schema's view inspector: drf-spectacular's, plus the error answers that
every API view can give, so that each operation documents its errors without a
decorator on every view (routes added later are covered too).

- 400 on writes (invalid input, or a business rule refusing the change) and
  on reads with query parameters (filters, ordering, a download format);
- 401 and 403 wherever authentication is required (all of /api/ but the schema
  itself): no or bad credentials, or a role without the permission;
- 404 on routes with a path parameter: no such object, or one outside one's reach;
- 429 wherever a token is accepted: too many failed tokens from the caller's IP
  (`isms.security_log.SecurityEventsMiddleware`).

Every error has one body, `ErrorSerializer` (see `isms.api.exceptions`). A view adds
the errors of its own writes with `write_error_responses` (e.g. `{"409": CONFLICT}`
where the workflow refuses a change in the wrong state), or of some methods only
(`{"PATCH": {"409": STALE}}` where a save carries the version it was based on).

An operation that declares one of these codes itself (`extend_schema(responses=...)`)
keeps its own answer; the JSON error is added beside it when its media type differs.
"""

from drf_spectacular import openapi
from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers


class ErrorSerializer(serializers.Serializer):
    """The one body of every error answer (isms.api.exceptions; docs/api.md)."""

    detail = serializers.CharField(help_text="What went wrong, in one sentence for people.")
    code = serializers.CharField(
        help_text="A stable word for programs: invalid, not_authenticated, "
        "authentication_failed, permission_denied, not_found, method_not_allowed, "
        "unsupported_media_type, throttled, conflict, frozen, stale..."
    )
    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.JSONField()),
        help_text='Messages per field ("non_field_errors" for the whole request); nested '
        "fields nest their messages the same way. Empty unless the input was invalid.",
    )


class StaleErrorSerializer(ErrorSerializer):
    """The error body of a save based on an older version (409, code "stale")."""

    current_version = serializers.IntegerField(help_text="The record's version now.")
    changes = serializers.ListField(
        child=serializers.DictField(),
        help_text="What others changed since your version: actor, timestamp and "
        "{field: [old, new]}, newest first.",
    )


VALIDATION_ERROR = OpenApiResponse(
    ErrorSerializer,
    description='Invalid input (code "invalid"): `errors` maps each field to its messages; '
    '"non_field_errors" holds errors of the whole request or a business rule refusing it.',
)
UNAUTHENTICATED = OpenApiResponse(ErrorSerializer, description="No or invalid credentials.")
FORBIDDEN = OpenApiResponse(ErrorSerializer, description="The role does not allow this.")
NOT_FOUND = OpenApiResponse(ErrorSerializer, description="No such object within your reach.")
TOKEN_THROTTLED = OpenApiResponse(
    ErrorSerializer,
    description="Too many failed token attempts from this IP address: retry after Retry-After.",
)
THROTTLED = OpenApiResponse(
    ErrorSerializer, description="Too many requests in a short time: retry after Retry-After."
)
CONFLICT = OpenApiResponse(
    ErrorSerializer,
    description='The record is not in a state that allows this: "frozen" (approved, '
    'frozen) or "conflict" (no longer a draft, already decided). Reload it.',
)
STALE = OpenApiResponse(
    StaleErrorSerializer,
    description='The record changed since the version you sent (code "stale"); nothing '
    "was saved. `changes` says what changed.",
)


class AutoSchema(openapi.AutoSchema):
    """Adds the documented error responses (see the module docstring)."""

    def get_operation(self, path, path_regex, path_prefix, method, registry):
        operation = super().get_operation(path, path_regex, path_prefix, method, registry)
        if operation is None:
            return None
        parameters = operation.get("parameters", [])
        errors = {}
        writes = method.upper() in ("POST", "PUT", "PATCH", "DELETE")
        # A write can be refused by a business rule (a service's ValidationError: an
        # asset still in use, a finding not muted) even without a body; a read only when
        # it has query parameters to validate.
        if writes or any(p["in"] == "query" for p in parameters):
            errors["400"] = VALIDATION_ERROR
        security = operation.get("security", [])
        if security and {} not in security:
            errors["401"] = UNAUTHENTICATED
            errors["403"] = FORBIDDEN
        if any(p["in"] == "path" for p in parameters):
            errors["404"] = NOT_FOUND
        if any("tokenAuth" in requirement for requirement in security):
            errors["429"] = TOKEN_THROTTLED
        if writes:
            for key, value in getattr(self.view, "write_error_responses", {}).items():
                if isinstance(value, dict):  # {"PATCH": {"409": STALE}}: that method only
                    errors.update(value if key == method.upper() else {})
                else:
                    errors[key] = value
        responses = operation["responses"]
        for code, response in errors.items():
            # Errors are JSON even where the success is a file (downloads).
            error = self._get_response_for_code(response, code, media_types=["application/json"])
            if code not in responses:
                responses[code] = error
            else:  # the view's own answer for this code wins; the JSON error joins it
                content = responses[code].setdefault("content", {})
                for media_type, body in error["content"].items():
                    content.setdefault(media_type, body)
        return operation
