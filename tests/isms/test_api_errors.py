"""The API's one error mapping (isms.api.exceptions): every domain exception a service
raises maps to one status and one body, {"detail", "code", "errors"}, and the OpenAPI
schema documents that body for every error of every operation.

400 = the request is invalid (fix it); 409 = the record's state does not allow it now
(frozen, no longer a draft, changed since read); 403 = not allowed."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from rest_framework import exceptions

from isms import approvals
from isms.api.exceptions import exception_handler
from isms.errors import StaleVersion
from isms.models.approvals import ApprovedVersionFrozen
from isms.models.soa import SoAFrozen
from tests.factories import PASSWORD
from tests.isms.governance.factories import force_state, make_version
from tests.openapi import openapi_document

SHAPE = {"detail", "code", "errors"}


@pytest.mark.parametrize(
    ("exc", "status", "body"),
    [
        (
            ValidationError({"title": ["Too long."], "__all__": ["Pick one."]}),
            400,
            {
                "detail": "Pick one.",
                "code": "invalid",
                "errors": {"title": ["Too long."], "non_field_errors": ["Pick one."]},
            },
        ),
        (
            ValidationError("The asset is still in use."),
            400,
            {
                "detail": "The asset is still in use.",
                "code": "invalid",
                "errors": {"non_field_errors": ["The asset is still in use."]},
            },
        ),
        (
            approvals.ReauthenticationFailed("Incorrect password."),
            400,
            {
                "detail": "Invalid input: password.",
                "code": "invalid",
                "errors": {"password": ["Incorrect password."]},
            },
        ),
        (
            approvals.ApprovalInvalid("Say why.", field="comment"),
            400,
            {
                "detail": "Invalid input: comment.",
                "code": "invalid",
                "errors": {"comment": ["Say why."]},
            },
        ),
        (
            PermissionDenied("You may not freeze the SoA."),
            403,
            {"detail": "You may not freeze the SoA.", "code": "permission_denied", "errors": {}},
        ),
        (
            approvals.SelfApprovalRefused("Someone else must decide."),
            403,
            {"detail": "Someone else must decide.", "code": "permission_denied", "errors": {}},
        ),
        (
            ApprovedVersionFrozen("v1 is approved and cannot be changed."),
            409,
            {"detail": "v1 is approved and cannot be changed.", "code": "frozen", "errors": {}},
        ),
        (
            SoAFrozen("SoA #1 is frozen."),
            409,
            {"detail": "SoA #1 is frozen.", "code": "frozen", "errors": {}},
        ),
        (
            approvals.ApprovalConflict("This request is already approved."),
            409,
            {"detail": "This request is already approved.", "code": "conflict", "errors": {}},
        ),
        (
            StaleVersion("Changed by someone else.", current_version=3, changes=[{"actor": "a"}]),
            409,
            {
                "detail": "Changed by someone else.",
                "code": "stale",
                "errors": {},
                "current_version": 3,
                "changes": [{"actor": "a"}],
            },
        ),
        (
            exceptions.NotFound(),
            404,
            {"detail": "Not found.", "code": "not_found", "errors": {}},
        ),
    ],
    ids=lambda value: type(value).__name__ if isinstance(value, Exception) else None,
)
def test_each_domain_exception_has_one_status_and_body(exc, status, body):
    response = exception_handler(exc, {})
    assert response.status_code == status
    assert response.data == body


def test_an_unexpected_exception_is_left_to_the_server_error_handler():
    assert exception_handler(RuntimeError("boom"), {}) is None


# --- Through real endpoints ------------------------------------------------------------


def _patch_version(client, version, body="Changed."):
    return client.patch(
        f"/api/policy-versions/{version.pk}/", {"body": body}, content_type="application/json"
    )


@pytest.mark.django_db
def test_invalid_fields_are_400_with_their_messages(client_as, security_manager):
    response = client_as(security_manager).post(
        "/api/policies/",
        {"reference": "POL-77", "title": "Backup", "kind": "backup", "review_interval_months": 99},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json() == {
        "detail": "Invalid input: review_interval_months.",
        "code": "invalid",
        "errors": {"review_interval_months": ["Between 1 and 60 months."]},
    }


@pytest.mark.django_db
def test_a_business_rule_refusal_is_400_in_the_same_shape(client_as, security_manager):
    response = client_as(security_manager).post("/api/soas/")  # no SoA framework chosen
    assert response.status_code == 400
    body = response.json()
    assert set(body) == SHAPE and body["code"] == "invalid"
    assert body["errors"]["non_field_errors"] == [body["detail"]]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("state", "code"),
    [("in_review", "conflict"), ("approved", "frozen")],
)
def test_a_version_no_longer_a_draft_is_409(client_as, security_manager, state, code):
    version = make_version(security_manager)
    force_state(version, state)
    version.refresh_from_db()
    response = _patch_version(client_as(security_manager), version)
    assert response.status_code == 409
    assert response.json()["code"] == code and response.json()["errors"] == {}


@pytest.mark.django_db
def test_refusals_and_missing_objects_take_the_shape_too(client_as, client, auditor, manager):
    assert client.get("/api/me/").json() == {
        "detail": "Authentication credentials were not provided.",
        "code": "not_authenticated",
        "errors": {},
    }
    forbidden = client_as(auditor).post(
        "/api/policies/", {"title": "x"}, content_type="application/json"
    )
    assert forbidden.status_code == 403 and forbidden.json()["code"] == "permission_denied"
    missing = client_as(manager).get("/api/policies/999999/")
    assert missing.status_code == 404 and set(missing.json()) == SHAPE


@pytest.mark.django_db
def test_answers_outside_drf_views_take_the_shape_too(client_as, auditor):
    """A URL no API route matches (an id that is not a number) is Django's 404, answered
    by the project's handler in the same shape."""
    response = client_as(auditor).post("/api/approval-requests/1.5e-3/approve/")
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found.", "code": "not_found", "errors": {}}


@pytest.mark.django_db
def test_wrong_password_on_a_decision_is_400_on_password(client_as, security_manager, manager):
    version = make_version(security_manager)
    request = approvals.approval_request_submit(obj=version, user=security_manager)
    response = client_as(manager).post(
        f"/api/approval-requests/{request.pk}/approve/",
        {"password": PASSWORD + "x"},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["password"]


@pytest.mark.django_db
def test_a_refused_confirmation_code_is_400_on_confirmation_code(
    client_as, security_manager, manager
):
    """Single sign-on users confirm with a one-time code instead of a password; a wrong
    one takes the same shape, on its own field."""
    version = make_version(security_manager)
    request = approvals.approval_request_submit(obj=version, user=security_manager)
    response = client_as(manager).post(
        f"/api/approval-requests/{request.pk}/approve/",
        {"confirmation_code": "ABCDE-FGHJK-LMNPQ-RSTUV"},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json() == {
        "detail": "Invalid input: confirmation_code.",
        "code": "invalid",
        "errors": {"confirmation_code": ["This confirmation code is not valid."]},
    }


# --- The schema -------------------------------------------------------------------------


def _resolve(document, schema):
    ref = schema.get("$ref", "")
    return document["components"]["schemas"][ref.rsplit("/", 1)[-1]] if ref else schema


def test_the_schema_documents_the_one_error_shape_for_every_error():
    document = openapi_document()
    error = document["components"]["schemas"]["Error"]
    assert set(error["required"]) == SHAPE
    documented = 0
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            for code, response in operation["responses"].items():
                if int(code) < 400:
                    continue
                schema = response["content"]["application/json"]["schema"]
                assert schema["$ref"] in (
                    "#/components/schemas/Error",
                    "#/components/schemas/StaleError",
                ), (method, path, code)
                assert set(_resolve(document, schema)["properties"]) >= SHAPE, (method, path)
                documented += 1
    assert documented > 100  # every operation has at least 401/403


def test_stale_saves_and_conflicts_are_documented_where_they_happen():
    document = openapi_document()
    risk_patch = document["paths"]["/api/risks/{id}/"]["patch"]["responses"]["409"]
    assert risk_patch["content"]["application/json"]["schema"]["$ref"].endswith("/StaleError")
    assert "409" not in document["paths"]["/api/risks/"]["post"]["responses"]
    for path in ("/api/policy-versions/{id}/", "/api/scopes/{id}/"):
        assert "409" in document["paths"][path]["patch"]["responses"], path
    assert "409" in document["paths"]["/api/soas/{id}/approve/"]["post"]["responses"]


def test_the_schema_documents_the_confirmation_code_where_a_password_confirms():
    document = openapi_document()
    schemas = document["components"]["schemas"]
    for path in (
        "/api/approval-requests/{id}/approve/",
        "/api/approval-requests/{id}/request-changes/",
        "/api/soas/{id}/approve/",
        "/api/aws/accounts/",
        "/api/aws/organizations/",
    ):
        body = document["paths"][path]["post"]["requestBody"]["content"]["application/json"]
        properties = _resolve(document, body["schema"])["properties"]
        assert {"password", "confirmation_code"} <= set(properties), path
        assert "password" not in _resolve(document, body["schema"]).get("required", []), path
    assert "confirmation_code" not in schemas["ApprovalRequest"]["properties"]
