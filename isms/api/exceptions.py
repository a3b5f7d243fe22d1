"""The API's one error mapping: every refusal of /api/ answers with one JSON shape.

    {"detail": "One sentence for people.",
     "code": "invalid",
     "errors": {"field": ["message", ...], "non_field_errors": ["message", ...]}}

`detail` says what went wrong, `code` is a stable machine-readable word, `errors` maps
fields to their messages (empty unless the input was invalid). A stale save (409
`stale`) adds `current_version` and `changes`. docs/api.md documents the shape and the
codes; `isms.api.schema.ErrorSerializer` describes it in the OpenAPI schema.

`exception_handler` (REST_FRAMEWORK["EXCEPTION_HANDLER"]) maps the domain exceptions
the services raise, so views and serializers call services without try/except:

| raised by a service                                 | status | code                 |
| --------------------------------------------------- | ------ | -------------------- |
| django ValidationError (invalid input, a rule)      | 400    | invalid              |
| approvals.ApprovalInvalid (password, comment, gaps)| 400    | invalid (its field)  |
| django PermissionDenied, approvals.ApprovalForbidden| 403    | permission_denied    |
| ApprovedVersionFrozen (an approved or frozen record)| 409    | frozen               |
| approvals.ApprovalConflict (not a draft any more)   | 409    | conflict             |
| isms.errors.StaleVersion (changed since read)       | 409    | stale                |

So 400 means "the request itself is wrong: fix it", 409 means "the record's state
does not allow this now (reload)". DRF's own errors (401, 404, 405, 429...) take the
same shape, and so do the answers given outside DRF (`error_response`).
"""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, JsonResponse
from rest_framework import exceptions, status
from rest_framework import views as drf_views

from isms import approvals
from isms.errors import StaleVersion
from isms.models.approvals import ApprovedVersionFrozen

NON_FIELD = "non_field_errors"


class Conflict(exceptions.APIException):
    """409: the record is not in a state that allows the change (an approved or
    in-review version, a decision already taken, a save based on an older version)."""

    status_code = status.HTTP_409_CONFLICT
    default_detail = "The record is not in a state that allows this."
    default_code = "conflict"

    def __init__(self, detail=None, code=None, **extra):
        super().__init__(detail, code)
        self.extra = extra


def _django_messages(exc: DjangoValidationError) -> dict:
    if hasattr(exc, "error_dict"):
        return {
            (NON_FIELD if name == "__all__" else name): messages
            for name, messages in exc.message_dict.items()
        }
    return {NON_FIELD: exc.messages}


def _changes(changes: list[dict]) -> list[dict]:
    """The changes of a StaleVersion with their times as ISO 8601 text."""
    return [
        {key: v.isoformat() if hasattr(v, "isoformat") else v for key, v in change.items()}
        for change in changes
    ]


def to_api_exception(exc: Exception) -> Exception:
    """The DRF exception for a domain exception (see the module's table); others as is."""
    if isinstance(exc, DjangoValidationError):
        return exceptions.ValidationError(_django_messages(exc))
    if isinstance(exc, approvals.ApprovalInvalid):  # a wrong password, a missing comment
        return exceptions.ValidationError({exc.field: [str(exc)]})
    if isinstance(exc, approvals.ApprovalForbidden | DjangoPermissionDenied):
        return exceptions.PermissionDenied(str(exc) or None)
    if isinstance(exc, ApprovedVersionFrozen):
        return Conflict(str(exc) or None, code="frozen")
    if isinstance(exc, approvals.ApprovalConflict):
        return Conflict(str(exc) or None, code="conflict")
    if isinstance(exc, StaleVersion):
        return Conflict(
            str(exc),
            code="stale",
            current_version=exc.current_version,
            changes=_changes(exc.changes),
        )
    if isinstance(exc, approvals.ApprovalError):  # any other refusal of the workflow
        return exceptions.ValidationError({NON_FIELD: [str(exc)]})
    if isinstance(exc, Http404):
        return exceptions.NotFound(*exc.args)
    return exc


def _field_errors(detail) -> dict:
    """DRF's validation detail (a dict, a list or a message) as {field: [messages]}."""
    if isinstance(detail, dict):
        return {
            name: messages if isinstance(messages, list) else [messages]
            for name, messages in detail.items()
        }
    return {NON_FIELD: detail if isinstance(detail, list) else [detail]}


def error_body(exc: exceptions.APIException) -> dict:
    """The one error shape for a DRF exception."""
    if isinstance(exc, exceptions.ValidationError) or not isinstance(exc.detail, str):
        errors = _field_errors(exc.detail)
        general = [m for m in errors.get(NON_FIELD, []) if isinstance(m, str)]
        if general:
            detail = " ".join(general)
        else:
            detail = f"Invalid input: {', '.join(errors)}." if errors else "Invalid input."
        code = "invalid" if isinstance(exc, exceptions.ValidationError) else exc.default_code
        body = {"detail": detail, "code": code, "errors": errors}
    else:
        code = getattr(exc.detail, "code", None) or exc.default_code
        body = {"detail": str(exc.detail), "code": code, "errors": {}}
    body.update(getattr(exc, "extra", {}))
    return body


def error_response(status_code: int, detail: str, code: str, **extra) -> JsonResponse:
    """The one shape for an error answered outside DRF's views: URLs no API route
    matches (404), middleware refusals (two-factor, failed-token throttle), CSRF
    failures and server errors under /api/."""
    return JsonResponse({"detail": detail, "code": code, "errors": {}, **extra}, status=status_code)


def exception_handler(exc, context):
    """REST framework's exception handler: domain exceptions mapped (see the module
    docstring), then DRF's handling (status, headers, rollback), with the one body."""
    exc = to_api_exception(exc)
    response = drf_views.exception_handler(exc, context)
    if response is not None:
        response.data = error_body(exc)
    return response
