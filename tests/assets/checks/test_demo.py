"""The demo estate (`make demo`: the fake AWS seeded by assets/aws/demo/estate.py, tagged
to the demo assets) gives a believable posture after its first sync, and carries every
misconfiguration the catalogue detects, each marked (estate.MISCONFIGURATIONS)."""

from io import StringIO

import pytest
from django.urls import reverse

from assets.aws.checks import CATALOGUE
from assets.aws.demo import account as aws_demo
from assets.aws.demo import estate
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
    # Every misconfiguration the estate is seeded with, each marked in estate.py, is
    # found on the resource that has it; nothing unmarked fails (no false positive);
    # every check of the catalogue fires, but for those the fake AWS cannot serve.
    found = set(
        Finding.objects.filter(account=account, status="open").values_list(
            "check_id", "resource__name"
        )
    )
    expected = estate.expected_findings(account.account_id)
    assert found - expected == set(), "unmarked findings (false positives)"
    assert expected - found == set(), "marked misconfigurations not found"
    assert set(CATALOGUE.keys()) == set(estate.MISCONFIGURATIONS) | set(estate.NOT_SEEDABLE)
    worst = posture.worst[0]
    assert worst.severity == "critical" and worst.value_at_stake_usd > 0
    response = client_as(auditor).get(reverse("assets:account_posture", args=[account.pk]))
    assert response.status_code == 200
