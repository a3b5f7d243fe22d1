"""Every registered computed measure runs a fixed number of queries whatever the number
of records (the benchmark, benchmarks/measures_bench.py, times them on 100,000 risks):
computed on one batch of records, then on four, each asks the database the same number
of times, and the values do change with the records."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from assets.findings.services import findings_evaluate
from assets.models import Finding
from isms.audits.services import nonconformities as nc_services
from isms.context.measures import providers
from isms.models import (
    Control,
    ControlImplementation,
    Framework,
    Policy,
    PolicyAcknowledgement,
    PolicyVersion,
)
from tests.assets.aws.factories import AwsAccountFactory
from tests.assets.checks.factories import sample_estate
from tests.factories import UserFactory
from tests.isms.context.factories import make_issue
from tests.risks.factories import approved_methodology, make_risk

pytestmark = pytest.mark.django_db

TODAY = datetime.date.today()
LONG_AGO = datetime.date(2020, 1, 1)


def _more_records(n, security_manager, frameworks):
    """One more of everything the computed measures read: controls (one implemented),
    a published policy acknowledged by a new user, an overdue context issue, risks,
    an AWS account with findings (critical ones open and resolved), nonconformities
    falling due (one closed on time)."""
    iso, clauses = frameworks
    for i, status in enumerate(("implemented", "partial")):
        control = Control.objects.create(framework=iso, identifier=f"{n}.{i}", title="c")
        ControlImplementation.objects.create(control=control, applicable=True, status=status)
    policy = Policy.objects.create(reference=f"POL-{n}", title=f"Policy {n}")
    version = PolicyVersion.objects.create(policy=policy, number=1, body="b")
    Policy.objects.filter(pk=policy.pk).update(published_version=version)
    PolicyAcknowledgement.objects.create(version=version, user=UserFactory())
    make_issue(next_review_due=LONG_AGO)
    for i in range(3):
        make_risk(security_manager, title=f"Risk {n}.{i}", owner=security_manager)
    account = AwsAccountFactory(name=f"Account {n}", account_id=f"{n:012d}")
    sample_estate(account)
    findings_evaluate(account=account)
    now = timezone.now()
    opened = list(Finding.objects.filter(account=account, status="open").order_by("pk")[:2])
    Finding.objects.filter(pk=opened[0].pk).update(
        severity="critical", first_seen=now - datetime.timedelta(days=n)
    )
    Finding.objects.filter(pk=opened[1].pk).update(
        severity="critical",
        status="resolved",
        first_seen=now - datetime.timedelta(days=n + 2),
        resolved_at=now - datetime.timedelta(days=1),
    )
    for title in ("On time", "Late"):
        nc = nc_services.nonconformity_create(
            user=security_manager,
            data={"title": f"{title} {n}", "severity": "minor", "requirement": clauses,
                  "due_on": TODAY, "detected_on": TODAY - datetime.timedelta(days=30)},
        )  # fmt: skip
        if title == "On time":
            from isms.audits.models import Nonconformity

            Nonconformity.objects.filter(pk=nc.pk).update(closed_at=timezone.now())


def _computed():
    """{measure key: (queries, value)} of computing each registered measure today."""
    results = {}
    for key, entry in sorted(providers.items()):
        entry.compute(TODAY)  # warm the caches (content types...)
        with CaptureQueriesContext(connection) as captured:
            value = entry.compute(TODAY)
        results[key] = (len(captured), value)
    return results


@pytest.fixture
def frameworks(db):
    iso = Framework.objects.create(code="iso27001-2022", name="ISO")
    clauses = Framework.objects.create(code="iso27001-2022-clauses", name="Clauses")
    return iso, Control.objects.create(framework=clauses, identifier="10.2", title="NC")


def test_each_computed_measure_query_count_does_not_grow_with_the_records(
    security_manager, manager, frameworks
):
    approved_methodology(author=security_manager, approver=manager)
    _more_records(1, security_manager, frameworks)
    few = _computed()
    for n in range(2, 5):
        _more_records(n, security_manager, frameworks)
    many = _computed()
    assert set(few) == set(providers.keys()) and len(few) >= 8
    grown = {key: (few[key][0], many[key][0]) for key in few if few[key][0] != many[key][0]}
    assert not grown, f"queries with 1 batch of records vs 4: {grown}"
    # A handful of queries each (aggregates in the database, never one per record).
    assert all(queries <= 5 for queries, _ in many.values()), many
    # The records were really read: the counts grew with them.
    assert many["open_critical_findings"][1] == few["open_critical_findings"][1] + 3
    assert many["overdue_reviews"][1] == few["overdue_reviews"][1] + 3
    assert many["annex_a_implemented"][1] == few["annex_a_implemented"][1] == 50
    assert many["nc_closure_on_time"][1] == 50
