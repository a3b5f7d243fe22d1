"""The API: /api/risks/ (+ heatmap), /api/threats/, /api/vulnerabilities/,
/api/risk-methodologies/, with role access, 400s naming fields and 409 on stale saves."""

import pytest

from risks.models import Risk
from tests.assets.factories import AssetFactory
from tests.risks.factories import make_risk

pytestmark = pytest.mark.django_db


@pytest.fixture
def asset():
    return AssetFactory(ref="A-950", value_usd=100_000)


def test_create_with_levels_and_dollars_read_only(methodology, security_manager, client_as, asset):
    response = client_as(security_manager).post(
        "/api/risks/",
        {
            "title": "Credential theft",
            "assets": [asset.pk],
            "inherent_likelihood": 4,
            "inherent_impact": 4,
            "ale_usd": "1",
            "inherent_level": 1,
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["ref"] == "R-001"
    assert body["inherent_level"] == 4 and body["inherent_level_name"] == "Critical"
    assert body["ale_usd"] == "50000.00"  # 100k x 0.5 x 1
    assert body["version"] == 1


def test_bad_input_gets_400_naming_the_field(methodology, security_manager, client_as, asset):
    client = client_as(security_manager)
    response = client.post(
        "/api/risks/", {"title": "x", "assets": []}, content_type="application/json"
    )
    assert response.status_code == 400 and "assets" in response.json()["errors"]
    response = client.post(
        "/api/risks/",
        {"title": "x", "assets": [asset.pk], "inherent_likelihood": 9},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "between 1 and 5" in response.json()["errors"]["inherent_likelihood"][0]
    assert Risk.objects.count() == 0


def test_stale_version_gets_409_and_changes_nothing(methodology, security_manager, client_as):
    risk = make_risk(security_manager, inherent_likelihood=2, inherent_impact=2)
    client = client_as(security_manager)
    url = f"/api/risks/{risk.pk}/"
    first = client.patch(
        url, {"inherent_likelihood": 3, "version": 1}, content_type="application/json"
    )
    assert first.status_code == 200 and first.json()["version"] == 2
    stale = client.patch(url, {"inherent_impact": 5, "version": 1}, content_type="application/json")
    assert stale.status_code == 409 and stale.json()["code"] == "stale"
    assert stale.json()["current_version"] == 2
    assert stale.json()["changes"][0]["fields"]["inherent_likelihood"] == [2, 3]
    risk.refresh_from_db()
    assert risk.inherent_impact == 2
    missing = client.patch(url, {"inherent_impact": 5}, content_type="application/json")
    assert missing.status_code == 400 and "version" in missing.json()["errors"]


def test_role_access(methodology, security_manager, manager, auditor, owner, outsider, client_as):
    risk = make_risk(security_manager, owner=owner, inherent_likelihood=3, inherent_impact=3)
    url = f"/api/risks/{risk.pk}/"
    for reader in (manager, auditor):
        assert client_as(reader).get("/api/risks/").json()["count"] == 1
        response = client_as(reader).patch(
            url, {"status": "closed", "version": 1}, content_type="application/json"
        )
        assert response.status_code == 403
    assert client_as(outsider).get("/api/risks/").json()["count"] == 0
    assert client_as(outsider).get(url).status_code == 404
    owner_client = client_as(owner)
    assert owner_client.get("/api/risks/").json()["count"] == 1
    response = owner_client.patch(
        url,
        {"treatment": "transfer", "status": "treatment_planned", "version": 1},
        content_type="application/json",
    )
    assert response.status_code == 200, response.json()
    response = owner_client.patch(
        url, {"inherent_impact": 1, "version": 2}, content_type="application/json"
    )
    assert response.status_code == 403
    assert owner_client.post("/api/risks/", {}, content_type="application/json").status_code == 403
    assert client_as(auditor).delete(url).status_code == 403
    assert client_as(security_manager).delete(url).status_code == 204


def test_list_sorted_by_ale_with_constant_queries(
    methodology, security_manager, auditor, client_as, django_assert_max_num_queries
):
    for value in (10_000, 500_000, 50_000):
        make_risk(
            security_manager,
            assets=[AssetFactory(value_usd=value)],
            inherent_likelihood=3,
            inherent_impact=3,
        )
    client = client_as(auditor)
    client.get("/api/risks/")
    for _ in range(20):
        make_risk(
            security_manager,
            assets=[AssetFactory(), AssetFactory()],
            inherent_likelihood=1,
            inherent_impact=1,
        )
    with django_assert_max_num_queries(12):
        response = client.get("/api/risks/", {"sort": "-ale_usd", "limit": 50})
    results = response.json()["results"]
    assert len(results) == 23
    assert results[0]["ale_usd"] == "50000.00"
    filtered = client.get("/api/risks/", {"inherent_level": 1}).json()
    assert filtered["count"] == 20


def test_heatmap_endpoint(methodology, security_manager, auditor, client_as):
    make_risk(
        security_manager,
        inherent_likelihood=5,
        inherent_impact=5,
        residual_likelihood=2,
        residual_impact=2,
    )
    make_risk(security_manager, inherent_likelihood=5, inherent_impact=5)
    body = client_as(auditor).get("/api/risks/heatmap/").json()
    assert body["methodology_version"] == methodology.number
    cell = next(c for c in body["inherent"] if (c["likelihood"], c["impact"]) == (5, 5))
    assert cell == {"likelihood": 5, "impact": 5, "level": "Critical", "count": 2}
    assert len(body["inherent"]) == 25
    assert sum(c["count"] for c in body["residual"]) == 1


def test_catalogue_api(security_manager, auditor, client_as):
    assert client_as(auditor).get("/api/threats/", {"source": "seed"}).json()["count"] == 4
    response = client_as(security_manager).post(
        "/api/vulnerabilities/",
        {"name": "Weak TLS", "category": "Network"},
        content_type="application/json",
    )
    assert response.status_code == 201
    assert (
        client_as(auditor)
        .post("/api/threats/", {"name": "x"}, content_type="application/json")
        .status_code
        == 403
    )
    duplicate = client_as(security_manager).post(
        "/api/threats/", {"name": "Ransomware"}, content_type="application/json"
    )
    assert duplicate.status_code == 400 and "name" in duplicate.json()["errors"]


def test_methodology_api(security_manager, manager, client_as):
    client = client_as(security_manager)
    response = client.post(
        "/api/risk-methodologies/", {"preset": "4x4"}, content_type="application/json"
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["approval_state"] == "draft" and len(body["content"]["likelihood"]) == 4
    content = body["content"]
    del content["matrix"]["4x4"]
    response = client.patch(
        f"/api/risk-methodologies/{body['id']}/",
        {"content": content},
        content_type="application/json",
    )
    assert response.status_code == 400 and "matrix" in response.json()["errors"]
    # A body that is not an object is refused clearly, and nothing is submitted.
    submit = f"/api/risk-methodologies/{body['id']}/submit/"
    response = client.post(submit, '"just a string"', content_type="application/json")
    assert response.status_code == 400, response.content
    assert client.get(f"/api/risk-methodologies/{body['id']}/").json()["approval_state"] == "draft"
    response = client.post(submit, {"comment": "ready"}, content_type="application/json")
    assert response.status_code == 200 and response.json()["approval_state"] == "in_review"
    # No longer a draft: a conflict, as for scope and policy versions; nothing changes.
    response = client.patch(
        f"/api/risk-methodologies/{body['id']}/",
        {"change_note": "late edit"},
        content_type="application/json",
    )
    assert response.status_code == 409, response.json()
    assert client.post(f"/api/risk-methodologies/{body['id']}/submit/").status_code == 409
    assert client.get(f"/api/risk-methodologies/{body['id']}/").json()["change_note"] != "late edit"
    assert (
        client_as(manager)
        .post("/api/risk-methodologies/", {"preset": "3x3"}, content_type="application/json")
        .status_code
        == 403
    )
