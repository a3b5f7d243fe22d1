"""The demo: the fake estate seeded by `fake_aws`, synced into the demo account, links
to the demo assets and carries the misconfigurations the checks will find."""

import io

import pytest

from assets.aws.demo import account as demo
from assets.aws.demo.estate import seed_demo_estate
from assets.models import AwsAccount, AwsLinkRule, AwsResource

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
    assert AwsResource.objects.get(resource_type="snapshot").configuration["Public"] is True
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
