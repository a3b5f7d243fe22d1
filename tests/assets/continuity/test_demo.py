"""The continuity demo over the demo estate synced from the fake AWS: the customer
database inherits the payments RPO and its replica without backups is flagged."""

import io

import pytest

from assets.continuity import demo, selectors
from assets.continuity.models import ContinuityPlan, RecoveryObjective
from assets.demo import inventory as assets_demo
from isms.demo import users as isms_demo
from tests.assets.aws.conftest import (  # noqa: F401 - the connector's fake AWS fixtures
    _fake_aws_server,
    fake_aws,
    run_sync,
)

pytestmark = pytest.mark.django_db


def test_demo_flags_the_database_replica_against_the_fake_aws(fake_aws, run_sync):  # noqa: F811
    from assets.aws.demo import account as aws_demo
    from assets.aws.demo.estate import seed_demo_estate

    out = io.StringIO()
    isms_demo.load(out)
    assets_demo.load(out)
    aws_demo.load(out)
    account = aws_demo.demo_account()
    seed_demo_estate(
        fake_aws,
        account_id=account.account_id,
        regions=aws_demo.DEMO_REGIONS,
        assets=aws_demo.ESTATE_ASSETS,
    )
    run_sync(account)
    demo.load(out)
    database = RecoveryObjective.objects.get(asset__ref="A-013")
    assert (database.required_rto_minutes, database.required_rpo_minutes) == (60, 15)
    gaps = {(gap.asset.ref, gap.kind) for gap in selectors.gaps()}
    assert ("A-013", "rds_backups_off") in gaps
    assert ("A-013", "rds_single_az") in gaps  # the replica is single-AZ too
    before = (RecoveryObjective.objects.count(), ContinuityPlan.objects.count(), len(gaps))
    demo.load(out)  # idempotent
    assert before == (
        RecoveryObjective.objects.count(),
        ContinuityPlan.objects.count(),
        len(selectors.gaps()),
    )
    plan = ContinuityPlan.objects.get()
    assert plan.exercises.count() == 1
    assert plan.versions.get().approval_state == "approved"
