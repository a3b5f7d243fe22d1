"""The demo: the fake estate seeded by `fake_aws`, synced into the demo account, links
to the demo assets and carries the misconfigurations the checks will find."""

import io

import pytest

from assets.aws import services
from assets.aws.demo import account as demo
from assets.aws.demo.estate import DEMO_ORGANIZATION, seed_demo_estate, seed_demo_organization
from assets.models import AwsAccount, AwsLinkRule, AwsResource, Finding

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_data(db):
    from assets.demo import inventory
    from isms.demo import users

    out = io.StringIO()
    users.load(out)
    inventory.load(out)
    demo.load(out)
    demo.load(out)  # idempotent
    return demo.demo_account()


def test_the_demo_estate_syncs_and_links_to_the_demo_assets(fake_aws, demo_data, run_sync):
    assert AwsAccount.objects.count() == 1 and AwsLinkRule.objects.count() == 1
    assert demo.demo_organization().management_account == demo_data
    seed_demo_estate(
        fake_aws,
        account_id=demo.DEMO_ACCOUNT_ID,
        regions=demo.DEMO_REGIONS,
        assets=demo.ESTATE_ASSETS,
    )

    run = run_sync(demo_data)

    assert run.status == "succeeded"
    assert set(run.regions) == set(demo.DEMO_REGIONS)
    linked = set(
        AwsResource.objects.filter(links__isnull=False).values_list("links__asset__ref", flat=True)
    )
    assert linked == {*demo.ESTATE_ASSETS.values(), demo.BACKUP_ASSET}
    assert AwsResource.objects.filter(resource_type="vault", links__source="rule").count() == 2
    # Some resources belong to nobody, as in real estates.
    assert AwsResource.objects.filter(links__isnull=True, resource_type="environment").exists()
    # A realistic share of misconfigurations for the checks to find.
    ssh_open = [
        g
        for g in AwsResource.objects.filter(resource_type="security-group")
        if any(
            p.get("FromPort") == 22
            and any(r.get("CidrIp") == "0.0.0.0/0" for r in p.get("IpRanges", []))
            for p in g.configuration.get("IpPermissions", [])
        )
    ]
    assert len(ssh_open) == 2
    snapshots = {
        s.name: s.configuration["Public"]
        for s in AwsResource.objects.filter(resource_type="snapshot")
    }
    # The public export, the disks of the two AMIs made from the bastion and of the
    # reporting image (private).
    assert snapshots == {
        "customer-export": True,
        "bastion-golden-root": False,
        "shop-web-base-root": False,
        "reporting-2023-root": False,
    }
    public = AwsResource.objects.get(name__startswith="shop-assets-public")
    assert public.configuration["Policy"]["Statement"][0]["Principal"] == "*"
    users = {u.name: u.configuration for u in AwsResource.objects.filter(resource_type="user")}
    assert users["bob"]["ConsoleAccess"] and not users["bob"]["MFADevices"]
    assert users["alice"]["MFADevices"]
    encryption = {
        r.region: r.configuration["EbsEncryptionByDefault"]
        for r in AwsResource.objects.filter(resource_type="ebs-default-encryption")
    }
    assert encryption == {demo.DEMO_REGIONS[0]: True, demo.DEMO_REGIONS[1]: False}


def test_demo_serve_runs_the_fake_aws_then_the_risk_linker_only_in_debug(settings):
    from isms.demo import processes

    settings.DEBUG = False
    assert processes.discover() == []
    settings.DEBUG = True
    fake, linker = processes.discover()
    assert fake.argv[:2] == ["manage.py", "fake_aws"]
    assert fake.env["AWS_ENDPOINT_URL"] == "http://127.0.0.1:5005"
    assert fake.ready_url.endswith("/isms-fake-aws-ready")
    assert linker.argv[:2] == ["manage.py", "risks_demo_findings"]


def test_the_demo_organisation_syncs_its_members_in_scope(
    fake_aws, demo_data, django_capture_on_commit_callbacks
):
    members = seed_demo_organization(fake_aws, management_account_id=demo.DEMO_ACCOUNT_ID)
    assert seed_demo_organization(fake_aws, management_account_id=demo.DEMO_ACCOUNT_ID) == members
    organization = demo.demo_organization()

    with django_capture_on_commit_callbacks(execute=True):
        result = services.aws_organization_sync(organization=organization)

    accounts = {a.name: a for a in AwsAccount.objects.filter(organization=organization)}
    expected_paths = {
        name: f"Root / {path}" for path, names in DEMO_ORGANIZATION.items() for name in names
    }
    assert {name: accounts[name].ou_path for name in expected_paths} == expected_paths
    # The sandbox OU is out of the demo's scope: shown, never synced.
    assert not accounts["sandbox-experiments"].in_scope
    synced = {run.account.name for run in result["runs"]}
    assert synced == {demo.DEMO_ACCOUNT_NAME, "shop-staging", "shop-dev", "security-tooling"}
    for run in result["runs"]:
        run.refresh_from_db()
        assert run.status == "succeeded", (run.account, run.status)
    staging = accounts["shop-staging"]
    assert Finding.objects.filter(
        account=staging, check_id="s3-bucket-policy-public", status="open"
    ).exists()
