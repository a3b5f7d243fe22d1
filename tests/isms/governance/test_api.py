"""The governance API: scopes, policies, policy versions, approval requests and actions."""

import pytest

from isms.models import ApprovalRequest, AuditEvent, PolicyVersion
from isms.models.approvals import ApprovalState
from tests.factories import PASSWORD
from tests.isms.governance.factories import make_version


def _submit(client, version):
    return client.post(
        "/api/approval-requests/submit/",
        {"type": "isms.policyversion", "object_id": version.pk, "comment": "please"},
        content_type="application/json",
    )


def _decide(client, request_id, action, password=PASSWORD, comment=""):
    return client.post(
        f"/api/approval-requests/{request_id}/{action}/",
        {"password": password, "comment": comment},
        content_type="application/json",
    )


@pytest.mark.django_db
def test_full_workflow_through_the_api(client_as, security_manager, manager):
    client = client_as(security_manager)
    created = client.post(
        "/api/policies/",
        {"reference": "POL-20", "title": "Backup", "kind": "backup", "body": "Back up daily."},
        content_type="application/json",
    )
    assert created.status_code == 201, created.json()
    version = PolicyVersion.objects.get(policy_id=created.json()["id"])
    assert version.body == "Back up daily."
    submitted = _submit(client, version)
    assert submitted.status_code == 201, submitted.json()
    body = submitted.json()
    assert body["state"] == "in_review" and len(body["content_sha256"]) == 64

    client = client_as(manager)
    approved = _decide(client, body["id"], "approve", comment="ok")
    assert approved.status_code == 200, approved.json()
    assert approved.json()["state"] == "approved"
    assert approved.json()["decisions"][0]["decided_by"] == "manager"


@pytest.mark.django_db
def test_self_approval_is_403_and_logged(client_as, security_manager, admin_user):
    version = make_version(admin_user)
    client = client_as(admin_user)
    request_id = _submit(client, version).json()["id"]
    response = _decide(client, request_id, "approve")
    assert response.status_code == 403
    assert "someone else" in response.json()["detail"]
    assert AuditEvent.objects.filter(actor=admin_user, message__startswith="Refused").exists()
    assert ApprovalRequest.objects.get(pk=request_id).state == ApprovalState.IN_REVIEW


@pytest.mark.django_db
def test_wrong_password_is_400_on_the_password_field(client_as, security_manager, manager):
    request_id = _submit(client_as(security_manager), make_version(security_manager)).json()["id"]
    response = _decide(client_as(manager), request_id, "approve", password="nope")
    assert response.status_code == 400
    assert "password" in response.json()["errors"]


@pytest.mark.django_db
def test_reject_and_request_changes_need_a_comment(client_as, security_manager, manager):
    request_id = _submit(client_as(security_manager), make_version(security_manager)).json()["id"]
    client = client_as(manager)
    no_comment = _decide(client, request_id, "reject")
    assert no_comment.status_code == 400 and "comment" in no_comment.json()["errors"]
    response = _decide(client, request_id, "request-changes", comment="More detail")
    assert response.status_code == 200
    assert response.json()["state"] == "changes_requested"
    assert _decide(client, request_id, "approve").status_code == 409  # no longer in review


@pytest.mark.django_db
def test_changing_an_approved_version_is_409_and_changes_nothing(
    client_as, security_manager, manager
):
    version = make_version(security_manager, body="Original")
    request_id = _submit(client_as(security_manager), version).json()["id"]
    _decide(client_as(manager), request_id, "approve")
    client = client_as(security_manager)
    response = client.patch(
        f"/api/policy-versions/{version.pk}/", {"body": "Forged"}, content_type="application/json"
    )
    assert response.status_code == 409
    assert PolicyVersion.objects.get(pk=version.pk).body == "Original"
    # A new version is the way to change it.
    created = client.post(
        "/api/policy-versions/",
        {"policy": version.policy_id, "body": "Revised"},
        content_type="application/json",
    )
    assert created.status_code == 201
    assert created.json()["number"] == 2 and created.json()["approval_state"] == "draft"


@pytest.mark.django_db
def test_scope_versions_through_the_api(client_as, security_manager, auditor):
    client = client_as(security_manager)
    bad = client.post(
        "/api/scopes/",
        {"description": "x", "exclusions": [{"item": "Dev"}]},
        content_type="application/json",
    )
    assert bad.status_code == 400
    assert "justification" in str(bad.json()["errors"]["exclusions"])
    created = client.post(
        "/api/scopes/",
        {"description": "Platform", "exclusions": [{"item": "Dev", "justification": "No data"}]},
        content_type="application/json",
    )
    assert created.status_code == 201, created.json()
    again = client.post("/api/scopes/", {"description": "x"}, content_type="application/json")
    assert again.status_code == 409  # one open version at a time
    assert client_as(auditor).get("/api/scopes/").json()["count"] == 1
    denied = client_as(auditor).post(
        "/api/scopes/", {"description": "x"}, content_type="application/json"
    )
    assert denied.status_code == 403


@pytest.mark.django_db
def test_submit_validates_the_type_and_object(client_as, security_manager):
    client = client_as(security_manager)
    response = client.post(
        "/api/approval-requests/submit/",
        {"type": "isms.nothing", "object_id": 1},
        content_type="application/json",
    )
    assert response.status_code == 400 and "type" in response.json()["errors"]
    response = client.post(
        "/api/approval-requests/submit/",
        {"type": "isms.policyversion", "object_id": 999},
        content_type="application/json",
    )
    assert response.status_code == 400 and "object_id" in response.json()["errors"]


@pytest.mark.django_db
def test_approval_request_list_has_bounded_queries(
    client_as, security_manager, auditor, django_assert_max_num_queries
):
    client = client_as(security_manager)
    for _ in range(10):
        _submit(client, make_version(security_manager))
    client = client_as(auditor)
    with django_assert_max_num_queries(10):
        response = client.get("/api/approval-requests/")
    assert response.json()["count"] == 10
