"""The organisation's scope: which OUs' accounts are synced (include / exclude by OU
path, sub-OUs included, the exclusion winning), against an organisation built in the
fake AWS."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from assets.aws import services
from assets.models import AwsAccount
from assets.models.aws import ou_path_within
from isms.models.audit import AuditEvent
from tests.assets.aws.conftest import ACCOUNT_ID
from tests.assets.aws.test_organizations import Org
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture
def org(fake_aws):
    organisation = Org(fake_aws)
    workloads = organisation.ou("Workloads")
    organisation.ids = {
        "prod": organisation.account("shop-prod", ou=organisation.ou("Prod", parent=workloads)),
        "sandbox": organisation.account("sandbox", ou=organisation.ou("Sandbox", parent=workloads)),
        "security": organisation.account("security", ou=organisation.ou("Security")),
        "root": organisation.account("billing"),
    }
    return organisation


@pytest.fixture
def organization(aws_account):
    return services.aws_organization_create(
        user=None,
        data={
            "name": "Acme",
            "management_account": aws_account,
            "member_role_name": "isms-reader",
            "regions": ["eu-west-1"],
            "include_ous": ["Root / Workloads"],
            "exclude_ous": ["Root/Workloads/Sandbox"],  # spacing is normalised
        },
    )


def _scope(organization):
    return dict(
        AwsAccount.objects.filter(organization=organization).values_list("name", "in_scope")
    )


def test_paths_match_the_ou_and_every_sub_ou():
    assert ou_path_within("Root / Workloads / Prod", "Root / Workloads")
    assert ou_path_within("Root / Workloads", "Root/Workloads")
    assert not ou_path_within("Root / WorkloadsOld", "Root / Workloads")
    assert ou_path_within("Root", "Root")


def test_discovery_syncs_only_the_accounts_in_scope(
    fake_aws, org, organization, aws_account, django_capture_on_commit_callbacks, client_as, auditor
):
    organization.refresh_from_db()
    assert organization.exclude_ous == ["Root / Workloads / Sandbox"]

    with django_capture_on_commit_callbacks(execute=True):
        result = services.aws_organization_sync(organization=organization)

    assert _scope(organization) == {
        "Production": True,  # the management account, connected by hand, always in
        "shop-prod": True,
        "sandbox": False,  # inside the included OU, but excluded
        "security": False,  # outside the included OU
        "billing": False,  # at the root
    }
    assert {run.account.account_id for run in result["runs"]} == {ACCOUNT_ID, org.ids["prod"]}
    assert not AwsAccount.objects.get(account_id=org.ids["sandbox"]).sync_runs.exists()
    # Out of scope: never synced, by hand or by the schedule.
    sandbox = AwsAccount.objects.get(account_id=org.ids["sandbox"])
    page = client_as(auditor).get(sandbox.get_absolute_url()).content.decode()
    assert "Out of scope: not synced" in page
    with pytest.raises(ValidationError, match="outside the scope of its organisation"):
        services.aws_account_sync(account=sandbox)
    later = timezone.now() + timedelta(days=8)
    with django_capture_on_commit_callbacks(execute=True):
        queued = services.aws_accounts_sync_due(now=later)
    assert {AwsAccount.objects.get(sync_runs__pk=pk).account_id for pk in queued} == {
        ACCOUNT_ID,
        org.ids["prod"],
    }


def test_changing_the_scope_takes_effect_at_once_and_is_audited(org, organization):
    services.aws_organization_discover(organization=organization)

    services.aws_organization_update(
        user=None,
        organization=organization,
        data={"include_ous": [], "exclude_ous": ["Root / Security"]},
    )

    assert _scope(organization) == {
        "Production": True,
        "shop-prod": True,
        "sandbox": True,
        "security": False,
        "billing": True,
    }
    sandbox = AwsAccount.objects.get(account_id=org.ids["sandbox"])
    assert AuditEvent.objects.filter(
        object_id=str(sandbox.pk), message__contains="joined scope"
    ).exists()
    # An account moved out of an excluded OU comes back at the next discovery.
    org.move(org.ids["security"], org.client.list_roots()["Roots"][0]["Id"])
    outcome = services.aws_organization_discover(organization=organization)
    assert outcome["joined scope"] == [org.ids["security"]]
    assert _scope(organization)["security"] is True


@pytest.mark.parametrize(
    "data, field, message",
    [
        ({"include_ous": ["Workloads"]}, "include_ous", "Not an OU path: Workloads"),
        (
            {"include_ous": ["Root / Prod"], "exclude_ous": ["Root / Prod"]},
            "exclude_ous",
            "cannot be both included and excluded",
        ),
    ],
)
def test_bad_scopes_are_refused_and_nothing_changes(organization, data, field, message):
    with pytest.raises(ValidationError) as refused:
        services.aws_organization_update(user=None, organization=organization, data=data)
    assert message in " ".join(refused.value.message_dict[field])
    organization.refresh_from_db()
    assert organization.include_ous == ["Root / Workloads"]


def test_the_api_and_pages_set_the_scope(organization, security_manager, client_as):
    from django.urls import reverse

    client = client_as(security_manager)
    bad = client.patch(
        f"/api/aws/organizations/{organization.pk}/",
        {"exclude_ous": ["Sandbox"], "password": PASSWORD},
        content_type="application/json",
    )
    assert bad.status_code == 400 and "exclude_ous" in bad.json()["errors"]
    good = client.patch(
        f"/api/aws/organizations/{organization.pk}/",
        {"include_ous": ["Root / Workloads / Prod"], "exclude_ous": [], "password": PASSWORD},
        content_type="application/json",
    )
    assert good.status_code == 200, good.json()
    assert good.json()["include_ous"] == ["Root / Workloads / Prod"]
    form = client.get(reverse("assets:aws_organization_edit", args=[organization.pk]))
    assert "Root / Workloads / Prod" in form.content.decode()
    detail = client.get(organization.get_absolute_url()).content.decode()
    assert "Only Root / Workloads / Prod" in detail
