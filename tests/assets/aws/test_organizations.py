"""AWS Organizations: discovery of member accounts and OUs, errors, and syncing all
members, against the fake AWS (moto) through the real boto3 paths."""

import pytest
from django.core.exceptions import ValidationError

from assets.aws import services
from assets.models import AwsAccount
from isms.models.audit import AuditEvent
from tests.assets.aws.conftest import ACCOUNT_ID

pytestmark = pytest.mark.django_db


class Org:
    """The organisation in the fake AWS, built by its management account."""

    def __init__(self, fake_aws):
        self.client = fake_aws.client(fake_aws.account_session(ACCOUNT_ID), "organizations")
        self.client.create_organization(FeatureSet="ALL")
        self.root = self.client.list_roots()["Roots"][0]["Id"]

    def ou(self, name, parent=None):
        return self.client.create_organizational_unit(ParentId=parent or self.root, Name=name)[
            "OrganizationalUnit"
        ]["Id"]

    def account(self, name, ou=None):
        status = self.client.create_account(AccountName=name, Email=f"{name}@example.com")
        account_id = status["CreateAccountStatus"]["AccountId"]
        if ou:
            self.move(account_id, ou)
        return account_id

    def parent(self, account_id):
        return self.client.list_parents(ChildId=account_id)["Parents"][0]["Id"]

    def move(self, account_id, ou):
        self.client.move_account(
            AccountId=account_id, SourceParentId=self.parent(account_id), DestinationParentId=ou
        )


@pytest.fixture
def org(fake_aws):
    return Org(fake_aws)


@pytest.fixture
def organization(aws_account):
    return services.aws_organization_create(
        user=None,
        data={"name": "Acme", "management_account": aws_account, "member_role_name": "isms-reader"},
    )


def _members(organization):
    return {a.account_id: a for a in AwsAccount.objects.filter(organization=organization)}


def test_discovery_creates_one_connection_per_active_member(org, organization, aws_account):
    workloads = org.ou("Workloads")
    prod = org.ou("Prod", parent=workloads)
    shop = org.account("shop-prod", ou=prod)
    sandbox = org.account("sandbox")

    outcome = services.aws_organization_discover(organization=organization)

    assert sorted(outcome["created"]) == sorted([shop, sandbox])
    members = _members(organization)
    assert members[shop].role_arn == f"arn:aws:iam::{shop}:role/isms-reader"
    assert members[shop].external_id == organization.external_id
    assert members[shop].ou_path == "Root / Workloads / Prod"
    assert members[shop].ou_id == prod
    assert members[sandbox].ou_path == "Root"
    assert members[shop].name == "shop-prod" and members[shop].enabled
    # The management account keeps its own connection and joins the organisation.
    aws_account.refresh_from_db()
    assert aws_account.organization == organization
    assert aws_account.external_id != organization.external_id
    assert aws_account.role_arn.endswith(":role/isms-reader")
    organization.refresh_from_db()
    assert organization.organization_id.startswith("o-")
    assert AuditEvent.objects.filter(object_id=str(members[shop].pk)).exists()


def test_rediscovery_follows_moves_closures_and_departures(org, organization):
    dev, prod = org.ou("Dev"), org.ou("Prod")
    moved = org.account("moved", ou=dev)
    closed = org.account("closed", ou=prod)
    left = org.account("left", ou=prod)
    stays = org.account("stays", ou=prod)
    services.aws_organization_discover(organization=organization)
    first_pk = _members(organization)[left].pk

    org.move(moved, prod)
    org.client.close_account(AccountId=closed)
    org.client.remove_account_from_organization(AccountId=left)
    added = org.account("added", ou=dev)
    outcome = services.aws_organization_discover(organization=organization)

    assert outcome["created"] == [added]
    assert outcome["moved"] == [moved]
    assert sorted(outcome["disabled"]) == sorted([closed, left])
    members = _members(organization)
    assert members[moved].ou_path == "Root / Prod" and members[moved].enabled
    assert not members[closed].enabled and members[closed].membership_status == "suspended"
    # Never deleted: a departed member's history is evidence.
    assert members[left].pk == first_pk
    assert not members[left].enabled and members[left].membership_status == "removed"
    assert members[stays].enabled and members[added].ou_path == "Root / Dev"

    # Running it again changes nothing.
    again = services.aws_organization_discover(organization=organization)
    assert again == {
        "created": [],
        "moved": [],
        "disabled": [],
        "enabled": [],
        "left scope": [],
        "joined scope": [],
    }


def test_a_member_disabled_by_hand_stays_disabled(org, organization):
    member = org.account("quiet")
    services.aws_organization_discover(organization=organization)
    account = _members(organization)[member]
    services.aws_account_update(user=None, account=account, data={"enabled": False})

    services.aws_organization_discover(organization=organization)

    account.refresh_from_db()
    assert not account.enabled


def test_organizations_api_denied_names_the_missing_permission(
    fake_aws, org, organization, aws_account, as_worker
):
    org.account("member")
    fake_aws.create_reader_role(
        ACCOUNT_ID,
        external_id=aws_account.external_id,
        deny_actions=["organizations:ListAccounts"],
    )
    as_worker()

    with pytest.raises(ValidationError) as caught:
        services.aws_organization_discover(organization=organization)

    message = caught.value.messages[0]
    assert "organizations:ListAccounts refused" in message
    assert "delegated administrator" in message  # the fix
    assert not _members(organization).keys() - {ACCOUNT_ID}  # nothing created
    organization.refresh_from_db()
    assert "organizations:ListAccounts" in organization.discovery_message


def test_sync_all_syncs_members_and_reports_one_without_the_role(
    fake_aws, org, organization, aws_account, monkeypatch, django_capture_on_commit_callbacks
):
    good = org.account("good")
    broken = org.account("broken")
    fake_aws.create_reader_role(ACCOUNT_ID, external_id=aws_account.external_id)
    fake_aws.create_reader_role(good, external_id=organization.external_id)
    worker = fake_aws.create_worker_identity(
        missing_roles=[f"arn:aws:iam::{broken}:role/isms-reader"]
    )
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", worker["aws_access_key_id"])
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", worker["aws_secret_access_key"])
    organization = services.aws_organization_update(
        user=None, organization=organization, data={"regions": ["eu-west-1"]}
    )
    fake_aws.enforce_iam()

    with django_capture_on_commit_callbacks(execute=True):
        result = services.aws_organization_sync(organization=organization)

    synced = {run.account.account_id for run in result["runs"]}
    assert synced == {ACCOUNT_ID, good}
    assert [a.account_id for a in result["failed"]] == [broken]
    failed = AwsAccount.objects.get(account_id=broken)
    assert failed.connection_status == "failed"
    assert failed.connection_message.startswith("AccessDenied")
    assert "StackSet" in failed.connection_message and "ExternalId" in failed.connection_message
    good_run = AwsAccount.objects.get(account_id=good).sync_runs.get()
    assert good_run.status in ("succeeded", "partial")  # moto's Glacier under IAM: partial
    assert good_run.partitions.filter(status="succeeded").exists()
    assert not failed.sync_runs.exists()


def test_command_discovers_and_syncs_inline(
    fake_aws, org, organization, aws_account, django_capture_on_commit_callbacks
):
    from io import StringIO

    from django.core.management import call_command

    member = org.account("member")
    services.aws_organization_update(
        user=None, organization=organization, data={"regions": ["eu-west-1"]}
    )
    out = StringIO()

    with django_capture_on_commit_callbacks(execute=True):
        call_command("aws_org_sync", "Acme", "--inline", stdout=out)

    text = out.getvalue()
    assert "1 created" in text
    assert f"of member ({member})" in text and f"of Production ({ACCOUNT_ID})" in text
    assert AwsAccount.objects.get(account_id=member).sync_runs.get().status == "succeeded"


def test_command_reports_a_refused_organizations_api(fake_aws, organization):
    from django.core.management import CommandError, call_command

    # The management account is in no organisation at all.
    with pytest.raises(CommandError, match="not in an organisation"):
        call_command("aws_org_sync", "Acme", "--discover-only")


def test_pages_connect_an_organisation_and_sync_it(
    fake_aws,
    org,
    aws_account,
    security_manager,
    auditor,
    client_as,
    django_capture_on_commit_callbacks,
):
    from django.urls import reverse

    from assets.models import AwsOrganization

    prod = org.ou("Prod")
    member = org.account("shop", ou=prod)
    client = client_as(security_manager)
    response = client.post(
        reverse("assets:aws_organization_create"),
        {
            "name": "Acme",
            "management_account": aws_account.pk,
            "member_role_name": "isms-reader",
            "regions": ["eu-west-1"],
            "sync_interval_minutes": 360,
            "enabled": "on",
        },
    )
    organization = AwsOrganization.objects.get()
    assert response.status_code == 302 and response["Location"] == organization.get_absolute_url()

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("assets:aws_organization_sync", args=[organization.pk]))

    shop = AwsAccount.objects.get(account_id=member)
    assert shop.sync_runs.get().requested_by == security_manager
    auditor_client = client_as(auditor)
    detail = auditor_client.get(organization.get_absolute_url()).content.decode()
    assert "Root / Prod" in detail and member in detail
    strategy = auditor_client.get(reverse("assets:aws_account_strategy")).content.decode()
    assert "Acme &middot; Root / Prod" in strategy and "shop" in strategy
    assert (
        auditor_client.post(
            reverse("assets:aws_organization_sync", args=[organization.pk])
        ).status_code
        == 403
    )


def test_the_stackset_template_names_the_member_role_and_external_id(
    organization, auditor, client_as
):
    import json

    from django.urls import reverse

    response = client_as(auditor).get(
        reverse("assets:aws_organization_template", args=[organization.pk])
    )
    template = json.loads(response.content)
    assert response["Content-Disposition"].startswith("attachment")
    role = template["Resources"]["IsmsReaderRole"]["Properties"]
    assert role["RoleName"] == "isms-reader"
    statement = role["AssumeRolePolicyDocument"]["Statement"][0]
    assert statement["Condition"]["StringEquals"]["sts:ExternalId"] == {"Ref": "ExternalId"}
    assert template["Parameters"]["ExternalId"]["Default"] == organization.external_id


def test_api_sync_queues_the_organisation(
    fake_aws, org, organization, security_manager, django_capture_on_commit_callbacks
):
    from rest_framework.test import APIClient

    member = org.account("api-member")
    services.aws_organization_update(
        user=None, organization=organization, data={"regions": ["eu-west-1"]}
    )
    client = APIClient()
    client.force_authenticate(security_manager)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/api/aws/organizations/{organization.pk}/sync/")

    assert response.status_code == 202
    assert AwsAccount.objects.get(account_id=member).sync_runs.exists()
    listed = client.get(f"/api/aws/organizations/{organization.pk}/").json()
    assert listed["external_id"] == organization.external_id
    assert len(listed["accounts"]) == 2  # the management account and the member


def test_the_beat_syncs_an_organisation_when_it_is_due(
    fake_aws, org, organization, django_capture_on_commit_callbacks
):
    from datetime import timedelta

    from django.utils import timezone

    member = org.account("scheduled")
    services.aws_organization_update(
        user=None, organization=organization, data={"regions": ["eu-west-1"]}
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert services.aws_organizations_sync_due() == [organization.pk]
    assert AwsAccount.objects.get(account_id=member).sync_runs.get().trigger == "scheduled"
    # Not due again until its interval has passed.
    assert services.aws_organizations_sync_due() == []
    later = timezone.now() + timedelta(minutes=organization.sync_interval_minutes + 1)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.aws_organizations_sync_due(now=later) == [organization.pk]


def test_a_per_account_limit_sends_partitions_in_chains(
    fake_aws, aws_account, settings, django_capture_on_commit_callbacks
):
    from assets.models import SyncRun

    settings.AWS_SYNC_ACCOUNT_CONCURRENCY = 2
    run = SyncRun.objects.create(account=aws_account, trigger="manual")

    with django_capture_on_commit_callbacks(execute=False) as sent:
        queued = services.sync_run_start(run_id=run.pk)

    run.refresh_from_db()
    assert run.partitions_total > 2
    assert len(queued) == 2 and len(sent) == 2  # two at once, not every partition
    with django_capture_on_commit_callbacks(execute=True):
        for callback in sent:
            callback()  # each finished partition sends the next of its chain
    run.refresh_from_db()
    assert run.status == "succeeded"
    assert run.partitions_done == run.partitions_total
