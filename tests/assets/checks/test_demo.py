"""The demo estate (`make demo`: the fake AWS seeded by assets/aws/demo/estate.py, tagged
to the demo assets) gives a believable posture after its first sync."""

from io import StringIO

import pytest
from django.urls import reverse

from assets.aws.demo import account as aws_demo
from assets.aws.demo.estate import seed_demo_estate
from assets.demo import inventory as assets_demo
from assets.findings import selectors
from assets.models import Finding

pytestmark = pytest.mark.django_db


def test_the_demo_posture(fake_aws, run_sync, client_as, auditor):
    assets_demo.load(StringIO())
    aws_demo.load(StringIO())
    account = aws_demo.demo_account()
    seed_demo_estate(
        fake_aws,
        account_id=account.account_id,
        regions=aws_demo.DEMO_REGIONS,
        assets=aws_demo.ESTATE_ASSETS,
    )

    run = run_sync(account)

    assert run.status in ("succeeded", "partial")
    posture = selectors.posture(account=account)
    counts = {value: n for value, _, n in posture.by_severity}
    assert counts["critical"] >= 3 and counts["high"] >= 5 and counts["medium"] >= 5
    assert posture.value_at_stake_usd > 0
    # The demo's deliberate mistakes are each found, on the resource that has them.
    expected = {
        ("ec2-sg-open-admin-ports", "shop-web"),
        ("ec2-sg-open-all-ports", "legacy-admin"),
        ("ebs-snapshot-public", "customer-export"),
        ("s3-bucket-public-acl", f"shop-assets-public-{account.account_id}"),
        ("iam-user-console-no-mfa", "bob"),
        ("iam-role-cross-account-no-condition", "partner-support"),
        ("ses-identity-policy-public", "shop.example.com"),
        ("rds-publicly-accessible", "customer-db-eu-central-1"),
        ("vpc-single-az", "shop-eu-central-1"),
    }
    found = set(
        Finding.objects.filter(account=account, status="open").values_list(
            "check_id", "resource__name"
        )
    )
    assert expected <= found, expected - found
    worst = posture.worst[0]
    assert worst.severity == "critical" and worst.value_at_stake_usd > 0
    response = client_as(auditor).get(reverse("assets:account_posture", args=[account.pk]))
    assert response.status_code == 200
