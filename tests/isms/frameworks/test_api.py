"""The API: frameworks, controls (filtered), implementations (with the exclusion rule),
SoAs (create = freeze, approval actions, downloads), with role permissions."""

import io

import pytest
from openpyxl import load_workbook

from isms.models import ControlImplementation, SoA
from isms.models.approvals import ApprovalState
from tests.counts import CSF_SUBCATEGORIES, ISO_CONTROLS
from tests.factories import PASSWORD, soa_decide_all


def test_frameworks_and_controls_filtered_by_framework_and_theme(
    iso, csf, mapping, auditor, client_as, django_assert_max_num_queries
):
    client = client_as(auditor)
    codes = {f["code"] for f in client.get("/api/frameworks/").json()["results"]}
    assert codes == {"iso27001-2022", "nist-csf-2.0"}
    with django_assert_max_num_queries(12):
        body = client.get("/api/controls/", {"framework": "iso27001-2022", "limit": 200}).json()
    assert body["count"] == ISO_CONTROLS
    first = body["results"][0]
    assert (first["identifier"], first["theme"]) == ("5.1", "organizational")
    assert first["mapped_to"] == ["nist-csf-2.0:GV.PO-01", "nist-csf-2.0:GV.PO-02"]
    people = client.get("/api/controls/", {"framework": "iso27001-2022", "theme": "people"})
    assert people.json()["count"] == 8
    csf_active = client.get("/api/controls/", {"framework": "nist-csf-2.0", "withdrawn": "false"})
    assert csf_active.json()["count"] == CSF_SUBCATEGORIES


def test_implementation_update_and_the_exclusion_rule(iso, security_manager, auditor, client_as):
    implementation = ControlImplementation.objects.get(control__identifier="7.1")
    url = f"/api/control-implementations/{implementation.pk}/"
    client = client_as(security_manager)
    response = client.patch(url, {"applicable": False}, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["errors"] == {
        "justification": ["Explain why this control is excluded (not applicable)."]
    }
    response = client.patch(url, {"reasons": ["nonsense"]}, content_type="application/json")
    assert response.status_code == 400
    assert "reasons" in response.json()["errors"]
    response = client.patch(
        url,
        {"applicable": False, "justification": "No premises."},
        content_type="application/json",
    )
    assert response.status_code == 200, response.json()
    assert response.json()["applicable"] is False
    assert (
        client_as(auditor)
        .patch(url, {"status": "planned"}, content_type="application/json")
        .status_code
        == 403
    )
    listing = client_as(auditor).get(
        "/api/control-implementations/", {"framework": "iso27001-2022", "applicability": "no"}
    )
    assert [r["control"] for r in listing.json()["results"]] == ["7.1"]


def test_soa_freeze_approve_and_download(iso, security_manager, manager, auditor, client_as):
    client = client_as(security_manager)
    soa_decide_all(iso)
    response = client.post("/api/soas/")
    assert response.status_code == 201
    soa_id = response.json()["id"]
    assert response.json()["summary"]["controls"] == ISO_CONTROLS
    assert (
        client.post(f"/api/soas/{soa_id}/submit/", {}, content_type="application/json").status_code
        == 200
    )

    own = client.post(
        f"/api/soas/{soa_id}/approve/", {"password": PASSWORD}, content_type="application/json"
    )
    assert own.status_code == 403  # the security manager has no approve permission
    client = client_as(manager)
    missing = client.post(f"/api/soas/{soa_id}/approve/", {}, content_type="application/json")
    assert missing.status_code == 400
    # Optional in the body (single sign-on users send `confirmation_code` instead), the
    # password is still what a user who has one must confirm with.
    assert list(missing.json()["errors"]) == ["password"]
    assert "with your password" in missing.json()["errors"]["password"][0]
    wrong = client.post(
        f"/api/soas/{soa_id}/approve/", {"password": "nope"}, content_type="application/json"
    )
    assert wrong.status_code == 400 and "password" in wrong.json()["errors"]
    ok = client.post(
        f"/api/soas/{soa_id}/approve/",
        {"password": PASSWORD, "comment": "Yes"},
        content_type="application/json",
    )
    assert ok.status_code == 200, ok.json()
    assert ok.json()["approval_state"] == ApprovalState.APPROVED
    assert ok.json()["current"] is True
    again = client.post(
        f"/api/soas/{soa_id}/approve/", {"password": PASSWORD}, content_type="application/json"
    )
    assert again.status_code == 409, again.json()  # decided already: a conflict, as elsewhere

    client = client_as(auditor)
    xlsx = client.get(f"/api/soas/{soa_id}/download/", {"format": "xlsx"})
    assert xlsx.status_code == 200
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet.max_row == 94
    for fmt, kind in [
        ("pdf", "application/pdf"),
        ("csv", "text/csv"),
        ("json", "application/json"),
    ]:
        response = client.get(f"/api/soas/{soa_id}/download/", {"format": fmt})
        assert response.status_code == 200
        assert response["Content-Type"].startswith(kind)
    bad = client.get(f"/api/soas/{soa_id}/download/", {"format": "docx"})
    assert bad.status_code == 400
    assert bad.json()["errors"] == {
        "format": ["Unknown format 'docx': choose one of xlsx, pdf, csv, json."]
    }
    assert client.get(f"/api/soas/{soa_id}/download/").status_code == 400


@pytest.mark.parametrize("name", ["auditor", "manager"])
def test_only_the_security_manager_freezes(iso, persona, client_as, name):
    assert client_as(persona(name)).post("/api/soas/").status_code == 403
    assert not SoA.objects.exists()


def test_outsider_gets_nothing(iso, outsider, client_as):
    client = client_as(outsider)
    for url in [
        "/api/frameworks/",
        "/api/controls/",
        "/api/control-implementations/",
        "/api/soas/",
    ]:
        assert client.get(url).status_code == 403, url


def test_freeze_without_soa_framework_is_a_400(db, security_manager, client_as):
    response = client_as(security_manager).post("/api/soas/")
    assert response.status_code == 400
    assert "Choose the framework the SoA is built on first" in response.json()["detail"]
