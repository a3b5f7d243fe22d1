"""Pages of the AWS connector: who may see and do what, and what they show."""

import pytest
from django.urls import reverse

from assets.aws import links, services
from assets.models import AwsAccount, AwsResource, AwsService, SyncRun
from tests.assets.aws.factories import AwsAccountFactory
from tests.assets.factories import AssetFactory

pytestmark = pytest.mark.django_db


def _resource(account, name="orders", service="sqs", **fields):
    from django.utils import timezone

    now = timezone.now()
    return AwsResource.objects.create(
        account=account,
        arn=f"arn:aws:{service}:eu-west-1:{account.account_id}:{name}",
        service=AwsService.objects.get(code=service),
        resource_type="queue",
        region="eu-west-1",
        partition_region="eu-west-1",
        name=name,
        first_seen=now,
        last_seen=now,
        **fields,
    )


def test_only_the_security_manager_and_admin_connect_and_sync(
    manager, auditor, security_manager, client_as, django_capture_on_commit_callbacks
):
    account = AwsAccountFactory()
    for user in (manager, auditor):
        client = client_as(user)
        assert client.get(reverse("assets:aws_account_create")).status_code == 403
        assert client.post(reverse("assets:aws_account_sync", args=[account.pk])).status_code == 403
        assert client.post(reverse("assets:aws_account_test", args=[account.pk])).status_code == 403
    assert not SyncRun.objects.exists()
    client = client_as(security_manager)
    with django_capture_on_commit_callbacks(execute=False):
        response = client.post(reverse("assets:aws_account_sync", args=[account.pk]))
    run = SyncRun.objects.get()
    assert response.status_code == 302 and response["Location"] == run.get_absolute_url()
    assert run.requested_by == security_manager
    # Asking again joins the run under way.
    again = client.post(reverse("assets:aws_account_sync", args=[account.pk]), follow=True)
    assert SyncRun.objects.count() == 1
    assert "already under way" in again.content.decode()


def test_connecting_an_account_validates_and_generates_the_external_id(security_manager, client_as):
    client = client_as(security_manager)
    bad = client.post(
        reverse("assets:aws_account_create"),
        {
            "name": "Prod",
            "account_id": "12345",
            "role_arn": "arn:aws:iam::123456789012:user/bob",
            "regions": ["mars-north-1"],
            "environment": "production",
            "strategy": "single",
            "sync_interval_minutes": 60,
        },
    )
    html = bad.content.decode()
    assert bad.status_code == 200 and not AwsAccount.objects.exists()
    assert "exactly 12 digits" in html and "ARN of an IAM role" in html
    assert "Select a valid choice" in html
    good = client.post(
        reverse("assets:aws_account_create"),
        {
            "name": "Prod",
            "account_id": "123456789012",
            "role_arn": "arn:aws:iam::123456789012:role/isms-reader",
            "regions": ["eu-west-1", "us-east-1"],
            "environment": "production",
            "strategy": "single",
            "enabled": "on",
            "sync_interval_minutes": 60,
            "external_id": "guessable",  # ignored: not a field
        },
    )
    account = AwsAccount.objects.get()
    assert good.status_code == 302
    assert account.external_id.startswith("isms-") and len(account.external_id) == 45
    assert account.regions == ["eu-west-1", "us-east-1"]


def test_the_role_must_belong_to_the_account(security_manager, client_as):
    response = client_as(security_manager).post(
        reverse("assets:aws_account_create"),
        {
            "name": "Prod",
            "account_id": "123456789012",
            "role_arn": "arn:aws:iam::999999999999:role/isms-reader",
            "environment": "production",
            "strategy": "single",
            "sync_interval_minutes": 60,
        },
    )
    assert "must belong to this account id" in response.content.decode()
    assert not AwsAccount.objects.exists()


def test_the_role_template_trusts_only_with_the_external_id(auditor, client_as):
    import json

    account = AwsAccountFactory()
    response = client_as(auditor).get(reverse("assets:aws_account_template", args=[account.pk]))
    template = json.loads(response.content)
    assert response["Content-Disposition"].startswith("attachment")
    role = template["Resources"]["IsmsReaderRole"]["Properties"]
    statement = role["AssumeRolePolicyDocument"]["Statement"][0]
    assert statement["Condition"]["StringEquals"]["sts:ExternalId"] == {"Ref": "ExternalId"}
    assert template["Parameters"]["ExternalId"]["Default"] == account.external_id
    assert set(role["ManagedPolicyArns"]) == {
        "arn:aws:iam::aws:policy/SecurityAudit",
        "arn:aws:iam::aws:policy/job-function/ViewOnlyAccess",
    }


def test_the_run_page_polls_while_active_and_stops_when_done(auditor, client_as):
    account = AwsAccountFactory()
    run = SyncRun.objects.create(account=account, trigger="manual", status="running")
    client = client_as(auditor)
    page = client.get(run.get_absolute_url()).content.decode()
    assert 'hx-trigger="every 1s"' in page and "<progress" in page and "style=" not in page
    run.status = "partial"
    run.save()
    fragment = client.get(reverse("assets:aws_sync_run_progress", args=[run.pk])).content.decode()
    assert "hx-trigger" not in fragment and "Partial" in fragment


def test_resource_list_filters_and_stays_within_its_query_budget(
    auditor, client_as, django_assert_max_num_queries
):
    account = AwsAccountFactory()
    asset = AssetFactory()
    for i in range(30):
        resource = _resource(account, name=f"queue-{i}")
        if i % 2:
            links.aws_resource_link(resource=resource, asset=asset)
    gone = _resource(account, name="old")
    AwsResource.objects.filter(pk=gone.pk).update(gone_since=gone.last_seen)
    client = client_as(auditor)
    url = reverse("assets:aws_resource_list")
    with django_assert_max_num_queries(12):
        html = client.get(url).content.decode()
    assert ">queue-3<" in html and asset.ref in html
    assert ">queue-2<" not in client.get(url, {"linked": "true"}).content.decode()
    assert ">queue-3<" not in client.get(url, {"linked": "false"}).content.decode()
    only_gone = client.get(url, {"gone": "true"}).content.decode()
    assert ">old<" in only_gone and ">queue-1<" not in only_gone
    assert ">queue-1<" not in client.get(url, {"service": "s3"}).content.decode()


def test_resource_detail_shows_configuration_duties_and_read_errors(auditor, client_as):
    account = AwsAccountFactory()
    resource = _resource(
        account,
        configuration={"KmsMasterKeyId": "<alias/aws/sqs>", "_errors": {"tags": "AccessDenied"}},
        tags={"isms:asset": "A-001"},
    )
    html = client_as(auditor).get(resource.get_absolute_url()).content.decode()
    assert "&lt;alias/aws/sqs&gt;" in html  # escaped
    assert "Queue policies" in html  # a customer duty of SQS
    assert "could not be read" in html and "AccessDenied" in html
    assert "isms:asset" in html


def test_linking_by_hand_from_both_sides(security_manager, owner, outsider, client_as):
    account = AwsAccountFactory()
    resource = _resource(account)
    mine = AssetFactory(owner=owner)
    mine.aws_services.add(AwsService.objects.get(code="sqs"))
    theirs = AssetFactory()

    # The security manager links a resource to the owner's asset, from the asset page...
    client = client_as(security_manager)
    panel = client.get(reverse("assets:aws_asset_panel", args=[mine.pk])).content.decode()
    assert "orders" in panel  # offered: an unlinked resource of a service the asset uses
    client.post(reverse("assets:aws_asset_link", args=[mine.pk]), {"resource": resource.pk})
    assert list(resource.assets.all()) == [mine]
    # ...and from the resource page, and unlinks.
    client.post(reverse("assets:aws_resource_link", args=[resource.pk]), {"asset": theirs.pk})
    assert set(resource.assets.all()) == {mine, theirs}
    client.post(reverse("assets:aws_resource_unlink", args=[resource.pk, theirs.pk]))
    assert list(resource.assets.all()) == [mine]
    # The owner may not link their resource to someone else's asset.
    client = client_as(owner)
    assert (
        client.post(
            reverse("assets:aws_asset_link", args=[theirs.pk]), {"resource": resource.pk}
        ).status_code
        == 404
    )
    # An outsider may do neither.
    client = client_as(outsider)
    assert (
        client.post(
            reverse("assets:aws_resource_link", args=[resource.pk]), {"asset": theirs.pk}
        ).status_code
        == 403
    )
    assert set(resource.assets.all()) == {mine}


def test_the_asset_page_lists_live_and_gone_resources(security_manager, client_as):
    account = AwsAccountFactory()
    asset = AssetFactory()
    live, gone = _resource(account, name="live-queue"), _resource(account, name="gone-queue")
    for resource in (live, gone):
        links.aws_resource_link(resource=resource, asset=asset)
    AwsResource.objects.filter(pk=gone.pk).update(gone_since=gone.last_seen)
    html = client_as(security_manager).get(asset.get_absolute_url()).content.decode()
    assert "live-queue" in html and "gone-queue" in html and "Gone since" in html


def test_tag_and_rule_links_cannot_be_undone_by_hand(security_manager, client_as):
    account = AwsAccountFactory()
    asset = AssetFactory()
    resource = _resource(account, tags={"isms:asset": asset.ref})
    links.apply_links(AwsResource.objects.all())
    assert list(resource.assets.all()) == [asset]
    response = client_as(security_manager).post(
        reverse("assets:aws_resource_unlink", args=[resource.pk, asset.pk]), follow=True
    )
    assert "remove or change the tag" in response.content.decode()
    assert list(resource.assets.all()) == [asset]


def test_link_rules_link_by_tag_and_arn_pattern_and_follow_changes(security_manager, client_as):
    account = AwsAccountFactory()
    billing, archive = AssetFactory(), AssetFactory()
    tagged = _resource(account, name="invoices", tags={"app": "billing"})
    vault = _resource(account, name="archive-1", service="glacier")
    other = _resource(account, name="other")
    client = client_as(security_manager)
    client.post(
        reverse("assets:aws_rule_create"),
        {
            "name": "Billing",
            "kind": "tag",
            "tag_key": "app",
            "tag_value": "billing",
            "asset": billing.pk,
            "enabled": "on",
        },
    )
    client.post(
        reverse("assets:aws_rule_create"),
        {
            "name": "Vaults",
            "kind": "arn",
            "arn_pattern": "arn:aws:glacier:*:archive-*",
            "asset": archive.pk,
            "enabled": "on",
        },
    )
    assert list(tagged.assets.all()) == [billing]
    assert list(vault.assets.all()) == [archive]
    assert not other.assets.exists()
    # A rule that no longer matches takes its links away.
    rule = archive.aws_link_rules.get()
    client.post(
        reverse("assets:aws_rule_edit", args=[rule.pk]),
        {
            "name": "Vaults",
            "kind": "arn",
            "arn_pattern": "arn:aws:glacier:*:nothing-*",
            "asset": archive.pk,
            "enabled": "on",
        },
    )
    assert not vault.assets.exists()
    bad = client.post(
        reverse("assets:aws_rule_create"),
        {"name": "Bad", "kind": "tag", "tag_key": "", "asset": archive.pk},
    )
    assert "needs a tag key and a tag value" in bad.content.decode()


def test_deleting_an_account_is_for_services_not_pages(security_manager):
    account = AwsAccountFactory()
    _resource(account)
    services.aws_account_delete(account=account)
    assert not AwsResource.objects.exists()
