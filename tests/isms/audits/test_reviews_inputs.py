"""The input snapshot runs a fixed number of queries whatever the number of records
(each registered input aggregates in the database), and each input reads what it says."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from assets.findings.services import findings_evaluate
from isms.audits.services import reviews as services
from risks.models import TreatmentAction
from tests.assets.aws.factories import AwsAccountFactory
from tests.assets.checks.factories import sample_estate
from tests.isms.audits.reviews_helpers import approve, decide, prepare
from tests.risks.factories import approved_methodology, make_risk

pytestmark = pytest.mark.django_db


def _more_records(n, security_manager, manager):
    """One more of everything the inputs read: an AWS account with findings and a
    posture, risks (one overdue for review) with treatment actions, an approved review
    with decisions."""
    account = AwsAccountFactory(name=f"Account {n}", account_id=f"{n:012d}")
    sample_estate(account)
    findings_evaluate(account=account)
    for i in range(3):
        risk = make_risk(security_manager, title=f"Risk {n}.{i}", owner=security_manager,
                         review_date=datetime.date(2020, 1, 1))  # fmt: skip
        TreatmentAction.objects.create(risk=risk, title="Fix", owner=security_manager,
                                       due_date=datetime.date(2020, 1, 1))  # fmt: skip
    review = prepare(security_manager, attendees=[manager], held_on=datetime.date(2025, 1, n))
    decide(review, security_manager, manager, due=datetime.date(2099, 1, 1))
    decide(review, security_manager, manager, due=datetime.date(2020, 1, 1))
    approve(review, security_manager, manager)


def _queries() -> int:
    services._collect_inputs()  # warm the caches (content types, site...)
    with CaptureQueriesContext(connection) as captured:
        services._collect_inputs()
    return len(captured)


def test_the_snapshot_query_count_does_not_grow_with_the_records(security_manager, manager):
    approved_methodology(author=security_manager, approver=manager)
    _more_records(1, security_manager, manager)
    few = _queries()
    for n in range(2, 5):
        _more_records(n, security_manager, manager)
    many = _queries()
    assert many == few, f"{few} queries with 1 batch of records, {many} with 4"
    # A few queries per registered input (aggregates in the database, never per record;
    # the overdue-reviews input asks each of the reviews-due providers once).
    from isms.audits import review_inputs

    assert few <= 5 * len(review_inputs.inputs), (few, len(review_inputs.inputs))


def test_posture_and_risk_inputs_read_the_data(security_manager, manager):
    approved_methodology(author=security_manager, approver=manager)
    _more_records(1, security_manager, manager)
    inputs = {item["key"]: item["data"] for item in services._collect_inputs()}
    posture = {f["label"]: f["value"] for f in inputs["security_posture"]["figures"]}
    assert posture["Open now"] > 0 and posture["Opened since the last review"] > 0
    assert inputs["security_posture"]["rows"][0]["open_now"] == posture["Open now"]
    risks = {f["label"]: f["value"] for f in inputs["risk_results"]["figures"]}
    assert risks["Risks"] == 3 and risks["Treatment actions overdue"] == 3
    assert risks["Overdue for review"] == 3
    actions = {f["label"]: f["value"] for f in inputs["previous_actions"]["figures"]}
    assert actions == {"Actions decided": 2, "Open": 2, "Overdue": 1, "Done": 0, "Cancelled": 0}
    overdue = {f["label"]: f["value"] for f in inputs["overdue_reviews"]["figures"]}
    assert overdue["Risk"] == 3 and overdue["Management review action"] == 1
