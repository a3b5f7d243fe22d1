"""The AWS connector's API: /api/aws/accounts/ (+ sync), /api/aws/sync-runs/,
/api/aws/resources/."""

import pytest
from django.utils import timezone

from assets.models import AwsAccount, AwsResource, AwsService, SyncRun
from tests.assets.aws.factories import AwsAccountFactory
from tests.assets.factories import AssetFactory
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def test_accounts_are_created_with_field_errors_for_bad_input(security_manager, client_as):
    client = client_as(security_manager)
    bad = client.post(
        "/api/aws/accounts/",
        {"name": "Prod", "account_id": "abc", "role_arn": "nope", "regions": ["nowhere"]},
        content_type="application/json",
    )
    assert bad.status_code == 400
    assert set(bad.json()["errors"]) >= {"account_id", "role_arn", "regions"}
    good = client.post(
        "/api/aws/accounts/",
        {
            "name": "Prod",
            "account_id": "123456789012",
            "role_arn": "arn:aws:iam::123456789012:role/isms-reader",
            "regions": ["eu-west-1"],
            "external_id": "guessable",
            "password": PASSWORD,
        },
        content_type="application/json",
    )
    assert good.status_code == 201, good.json()
    assert good.json()["external_id"].startswith("isms-")
    assert AwsAccount.objects.get().external_id != "guessable"


def test_readers_cannot_write_and_outsiders_cannot_read(auditor, outsider, client_as):
    account = AwsAccountFactory()
    client = client_as(auditor)
    assert client.get("/api/aws/accounts/").status_code == 200
    assert client.post(f"/api/aws/accounts/{account.pk}/sync/").status_code == 403
    assert (
        client.patch(
            f"/api/aws/accounts/{account.pk}/", {"name": "x"}, content_type="application/json"
        ).status_code
        == 403
    )
    client = client_as(outsider)
    for url in ("/api/aws/accounts/", "/api/aws/sync-runs/", "/api/aws/resources/"):
        assert client.get(url).status_code == 403


def test_sync_starts_a_run_or_returns_the_one_under_way(
    security_manager, client_as, django_capture_on_commit_callbacks
):
    account = AwsAccountFactory()
    client = client_as(security_manager)
    with django_capture_on_commit_callbacks(execute=False):
        first = client.post(f"/api/aws/accounts/{account.pk}/sync/")
        second = client.post(f"/api/aws/accounts/{account.pk}/sync/")
    assert first.status_code == 201 and second.status_code == 200
    assert first.json()["id"] == second.json()["id"] == SyncRun.objects.get().pk
    assert first.json()["status"] == "queued"
    disabled = AwsAccountFactory(enabled=False)
    refused = client.post(f"/api/aws/accounts/{disabled.pk}/sync/")
    assert refused.status_code == 400 and "disabled" in str(refused.json())


def test_resources_have_the_documented_fields_and_filters(
    auditor, client_as, django_assert_max_num_queries
):
    account = AwsAccountFactory()
    asset = AssetFactory()
    now = timezone.now()
    for i, code in enumerate(["s3", "ec2", "ec2"]):
        resource = AwsResource.objects.create(
            account=account,
            arn=f"arn:aws:{code}:::r{i}",
            service=AwsService.objects.get(code=code),
            resource_type="bucket" if code == "s3" else "instance",
            region="eu-west-1",
            partition_region="global" if code == "s3" else "eu-west-1",
            name=f"r{i}",
            tags={"env": "prod"},
            configuration={"k": i},
            first_seen=now,
            last_seen=now,
        )
        resource.links.create(asset=asset, source="manual")
    client = client_as(auditor)
    with django_assert_max_num_queries(10):  # constant: not per resource
        body = client.get("/api/aws/resources/").json()
    assert body["count"] == 3
    item = body["results"][0]
    assert set(item) >= {
        "arn",
        "account",
        "region",
        "service",
        "resource_type",
        "name",
        "tags",
        "configuration",
        "first_seen",
        "last_seen",
        "gone_since",
        "layer",
        "assets",
    }
    assert item["assets"] == [asset.pk]
    ec2 = client.get("/api/aws/resources/", {"service": "ec2"}).json()
    assert ec2["count"] == 2 and {r["layer"] for r in ec2["results"]} == {"infrastructure"}
    assert client.get("/api/aws/resources/", {"layer": "abstracted"}).json()["count"] == 1
    assert client.get("/api/aws/resources/", {"linked": "false"}).json()["count"] == 0
    assert client.get("/api/aws/resources/", {"gone": "true"}).json()["count"] == 0
    assert client.get("/api/aws/resources/", {"service": "nope"}).status_code == 400
