"""The continuity demo over the demo estate synced from the fake AWS: the customer
database inherits the payments RPO and its replica without backups is flagged."""

import io

import pytest

from assets.continuity import demo, selectors
from assets.continuity.models import ContinuityPlan, RecoveryObjective
from tests.assets.aws.conftest import (  # noqa: F401 - the connector's fake AWS fixtures
    _fake_aws_server,
    fake_aws,
    run_sync,
)
from tests.risks.test_demo import _demo_estate

pytestmark = pytest.mark.django_db


def test_demo_flags_the_database_replica_against_the_fake_aws(fake_aws, run_sync):  # noqa: F811
    out = io.StringIO()
    account = _demo_estate(fake_aws)
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
