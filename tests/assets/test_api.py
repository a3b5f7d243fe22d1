"""/api/assets/ and /api/aws-services/: fields, filters, validation errors, roles."""

import pytest

from assets.models import Asset, AwsService
from tests.assets.factories import AssetFactory, chain

pytestmark = pytest.mark.django_db

URL = "/api/assets/"


def payload(**extra):
    return {
        "name": "Billing",
        "asset_class": "essential",
        "category": "process",
        "value_usd": "1000.00",
        **extra,
    }


def test_create_with_dependencies_and_services(security_manager, client_as):
    db = AssetFactory(value_usd=10)
    response = client_as(security_manager).post(
        URL,
        payload(depends_on=[db.pk], aws_services=["s3", "rds"], tags=["PCI"]),
        content_type="application/json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["ref"] == "A-002"
    assert body["depends_on"] == [db.pk]
    assert sorted(body["aws_services"]) == ["rds", "s3"]
    assert body["tags"] == ["pci"]
    assert body["value_at_stake_usd"] == "1000.00"
    assert body["overdue"] is False
    assert Asset.objects.get(pk=db.pk).value_at_stake_usd == 1010


def test_validation_errors_are_400_with_field_messages(security_manager, client_as):
    a, b = chain(1, 2)
    client = client_as(security_manager)
    bad = client.post(
        URL,
        payload(category="hardware", value_usd="-3", aws_services=["nope"]),
        content_type="application/json",
    )
    assert bad.status_code == 400
    assert set(bad.json()["errors"]) >= {"value_usd", "aws_services"}
    mismatch = client.post(URL, payload(category="hardware"), content_type="application/json")
    assert mismatch.status_code == 400
    assert "support assets" in mismatch.json()["errors"]["category"][0]
    loop = client.patch(f"{URL}{b.pk}/", {"depends_on": [a.pk]}, content_type="application/json")
    assert loop.status_code == 400
    assert "would create a loop" in loop.json()["errors"]["depends_on"][0]
    assert Asset.objects.count() == 2


def test_read_only_fields_cannot_be_written(security_manager, client_as):
    asset = AssetFactory(value_usd=5)
    response = client_as(security_manager).patch(
        f"{URL}{asset.pk}/", {"value_at_stake_usd": "999999"}, content_type="application/json"
    )
    assert response.status_code == 200
    assert Asset.objects.get(pk=asset.pk).value_at_stake_usd == 5


def test_list_filters_and_sorts_by_value_at_stake(
    auditor, client_as, django_assert_max_num_queries
):
    top, bottom = chain(1000, 10)
    other = AssetFactory(value_usd=50, business_unit="Ops")
    other.aws_services.add(AwsService.objects.get(code="s3"))
    for _ in range(30):
        AssetFactory(value_usd=1)
    client = client_as(auditor)
    with django_assert_max_num_queries(12):
        body = client.get(URL, {"ordering": "-value_at_stake_usd", "limit": 50}).json()
    assert len(body["results"]) == 33 and body["next"] is None and body["previous"] is None
    assert [r["id"] for r in body["results"][:3]] == [bottom.pk, top.pk, other.pk]
    assert body["results"][0]["value_at_stake_usd"] == "1010.00"
    assert body["results"][1]["depends_on"] == [bottom.pk]
    only = client.get(URL, {"aws_service": "s3", "business_unit": "ops"}).json()
    assert [r["id"] for r in only["results"]] == [other.pk]


def test_delete_in_use_needs_force(security_manager, client_as):
    top, bottom = chain(100, 10)
    client = client_as(security_manager)
    refused = client.delete(f"{URL}{bottom.pk}/")
    assert refused.status_code == 400
    assert "still in use" in refused.json()["errors"]["non_field_errors"][0]
    assert client.delete(f"{URL}{bottom.pk}/?force=true").status_code == 204
    assert Asset.objects.get(pk=top.pk).value_at_stake_usd == 100


@pytest.mark.parametrize(
    "name, read, write",
    [
        ("security_manager", 200, True),
        ("manager", 200, False),
        ("auditor", 200, False),
        ("outsider", 403, False),
    ],
)
def test_roles(persona, client_as, name, read, write):
    asset = AssetFactory()
    client = client_as(persona(name))
    assert client.get(URL).status_code == read
    assert client.get("/api/aws-services/").status_code == read
    created = client.post(URL, payload(), content_type="application/json").status_code
    assert created == (201 if write else 403)
    patched = client.patch(f"{URL}{asset.pk}/", {"name": "X"}, content_type="application/json")
    assert patched.status_code == (200 if write else 404 if name == "outsider" else 403)
    assert client.delete(f"{URL}{asset.pk}/").status_code in ((204,) if write else (403, 404))


def test_owner_reads_and_updates_own_assets_only(owner, security_manager, client_as):
    mine = AssetFactory(owner=owner)
    theirs = AssetFactory()
    client = client_as(owner)
    listed = client.get(URL).json()
    assert [r["id"] for r in listed["results"]] == [mine.pk]
    ok = client.patch(f"{URL}{mine.pk}/", {"value_usd": "77"}, content_type="application/json")
    assert ok.status_code == 200
    assert client.get(f"{URL}{theirs.pk}/").status_code == 404
    handover = client.patch(
        f"{URL}{mine.pk}/", {"owner": security_manager.pk}, content_type="application/json"
    )
    assert handover.status_code == 400
    assert "owner" in handover.json()["errors"]
    assert client.delete(f"{URL}{mine.pk}/").status_code == 403


def test_aws_services_catalogue(auditor, client_as):
    body = client_as(auditor).get("/api/aws-services/", {"limit": 100}).json()
    services = {s["code"]: s for s in body["results"]}
    required = {
        "ec2",
        "ebs",
        "autoscaling",
        "vpc",
        "rds",
        "emr",
        "elasticbeanstalk",
        "s3",
        "glacier",
        "dynamodb",
        "sqs",
        "ses",
        "iam",
    }
    assert required <= services.keys()
    assert {services[c]["layer"] for c in ("ec2", "ebs", "autoscaling", "vpc")} == {
        "infrastructure"
    }
    assert {services[c]["layer"] for c in ("rds", "emr", "elasticbeanstalk")} == {"container"}
    assert {services[c]["layer"] for c in ("s3", "glacier", "dynamodb", "sqs", "ses", "iam")} == {
        "abstracted"
    }
    assert (
        "Operating system: patching and hardening" in services["ec2"]["customer_responsibilities"]
    )
    assert "Backup and disaster-recovery settings" in services["rds"]["customer_responsibilities"]
    infra = client_as(auditor).get("/api/aws-services/", {"layer": "infrastructure"}).json()
    assert {s["layer"] for s in infra["results"]} == {"infrastructure"}
