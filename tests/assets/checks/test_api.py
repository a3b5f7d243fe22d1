"""/api/checks/ (the catalogue) and /api/findings/ (filters, mute and unmute), by role."""

import datetime

import pytest
from django.test import Client
from django.utils import timezone

from assets.aws.checks import CATALOGUE
from assets.findings import services
from assets.models import Finding
from tests.assets.aws.factories import AwsAccountFactory
from tests.assets.checks.factories import sample_estate
from tests.assets.factories import AssetFactory

pytestmark = pytest.mark.django_db
FIELDS = {
    "check_id",
    "resource",
    "resource_arn",
    "account",
    "region",
    "service",
    "severity",
    "status",
    "detail",
    "first_seen",
    "last_seen",
    "resolved_at",
    "value_at_stake_usd",
}


@pytest.fixture
def evaluated(db):
    account = AwsAccountFactory(name="Production")
    asset = AssetFactory(value_usd=120_000)
    sample_estate(account, asset)
    services.findings_evaluate(account=account)
    return account, asset


def test_the_catalogue(client_as, auditor, outsider):
    response = client_as(auditor).get("/api/checks/")
    assert response.status_code == 200
    checks = {c["id"]: c for c in response.json()}
    assert set(checks) == set(CATALOGUE.keys())
    entry = checks["s3-bucket-versioning-off"]
    assert entry["severity"] == "medium" and entry["threat"] == "accidental_deletion"
    assert entry["controls"] == {"iso27001-2022": ["8.13"], "nist-csf-2.0": ["PR.DS-11"]}
    assert "put-bucket-versioning" in entry["remediation"]["cli"]
    assert client_as(auditor).get("/api/checks/rds-single-az/").json()["service"] == "rds"
    assert client_as(auditor).get("/api/checks/nope/").status_code == 404
    assert client_as(outsider).get("/api/checks/").status_code == 403
    assert Client().get("/api/checks/").status_code == 401


def test_findings_fields_and_filters(evaluated, client_as, auditor, django_assert_max_num_queries):
    account, asset = evaluated
    client = client_as(auditor)
    with django_assert_max_num_queries(10):
        body = client.get("/api/findings/").json()
    assert body["count"] == 6
    first = body["results"][0]
    assert set(first) >= FIELDS
    assert first["severity"] == "high"  # worst first
    assert first["value_at_stake_usd"] == "120000.00"
    assert first["resource_arn"].startswith("arn:aws:")

    def count(**params):
        return client.get("/api/findings/", params).json()["count"]

    assert count(severity="medium") == 2
    assert count(status="open") == 6 and count(status="muted") == 0
    assert count(check="rds-backups-off") == 1
    assert count(service="rds") == 4
    assert count(account=account.pk) == 6
    assert count(region="eu-west-1") == 6 and count(region="us-east-1") == 0
    assert count(asset=asset.pk) == 6
    bad = client.get("/api/findings/", {"severity": "dreadful"})
    assert bad.status_code == 400 and "severity" in bad.json()["errors"]


def test_mute_and_unmute(evaluated, client_as, security_manager):
    finding = Finding.objects.get(check_id="rds-backups-off")
    client = client_as(security_manager)
    until = (timezone.localdate() + datetime.timedelta(days=14)).isoformat()

    response = client.post(
        f"/api/findings/{finding.pk}/mute/",
        {"reason": "Snapshots taken by the DBA team", "until": until},
        content_type="application/json",
    )

    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "muted" and response.json()["muted_until"] == until
    response = client.post(f"/api/findings/{finding.pk}/unmute/")
    assert response.status_code == 200 and response.json()["status"] == "open"
    again = client.post(f"/api/findings/{finding.pk}/unmute/")
    assert again.status_code == 400 and "not muted" in again.json()["errors"]["non_field_errors"][0]


def test_bad_mute_input_gets_field_messages(evaluated, client_as, security_manager):
    finding = Finding.objects.get(check_id="rds-backups-off")
    client = client_as(security_manager)
    missing = client.post(f"/api/findings/{finding.pk}/mute/", {}, content_type="application/json")
    assert missing.status_code == 400 and set(missing.json()["errors"]) == {"reason", "until"}
    past = client.post(
        f"/api/findings/{finding.pk}/mute/",
        {"reason": "x", "until": "2020-01-01"},
        content_type="application/json",
    )
    assert past.status_code == 400
    assert past.json()["errors"] == {"until": ["The mute must end in the future."]}
    finding.refresh_from_db()
    assert finding.status == "open"


def test_only_security_managers_mute(evaluated, client_as, manager, auditor, outsider):
    finding = Finding.objects.get(check_id="rds-backups-off")
    until = (timezone.localdate() + datetime.timedelta(days=14)).isoformat()
    for user in (manager, auditor, outsider):
        response = client_as(user).post(
            f"/api/findings/{finding.pk}/mute/",
            {"reason": "x", "until": until},
            content_type="application/json",
        )
        assert response.status_code == 403, user
    assert client_as(outsider).get("/api/findings/").status_code == 403
    assert Client().get("/api/findings/").status_code == 401
    finding.refresh_from_db()
    assert finding.status == "open"
