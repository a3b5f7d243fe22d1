"""The context app's management-review inputs (9.3.2 b, c, d): registered, shaped as
the contract says (JSON-serialisable), looking back to the last approved review when
one is known (else 12 months), in a fixed number of queries."""

import datetime
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from isms.audits.review_inputs import inputs
from isms.context import review_inputs, services
from isms.context.models import ContextIssue, InterestedParty
from tests.isms.context.factories import (
    make_measure,
    make_measurement,
    make_objective,
    make_party,
)

pytestmark = pytest.mark.django_db

KEYS = ("context_issues", "interested_parties", "measurement_results", "objectives_fulfilment")

ISSUE = {
    "title": "Energy prices",
    "origin": "external",
    "category": "economic",
    "effect": "Budget pressure.",
    "treatment": "no_action",
    "no_action_reason": "Accepted.",
}


def _collect(key):
    return inputs[key].collect()


def test_the_inputs_are_registered_with_their_clauses():
    assert {k: inputs[k].clause for k in KEYS} == {
        "context_issues": "9.3.2 b)",
        "interested_parties": "9.3.2 c)",
        "measurement_results": "9.3.2 d) 2)",
        "objectives_fulfilment": "9.3.2 d) 4)",
    }


def test_changes_in_issues_and_parties_come_from_the_audit_trail(security_manager):
    issue = services.record_save(user=security_manager, model=ContextIssue, data=ISSUE)
    services.record_save(user=security_manager, model=ContextIssue,
                         data={"title": "Energy costs"}, instance=issue)  # fmt: skip
    services.record_save(user=security_manager, model=InterestedParty,
                         data={"name": "Regulator", "kind": "regulator"})  # fmt: skip
    issues = _collect("context_issues")
    figures = {f["label"]: f["value"] for f in issues["figures"]}
    assert (figures["Added"], figures["Changed"], figures["Removed"]) == (1, 1, 0)
    assert issues["rows"][0]["action"] == "update" and "title" in issues["rows"][0]["fields"]
    parties = _collect("interested_parties")
    assert {f["label"]: f["value"] for f in parties["figures"]}["Added"] == 1
    json.dumps([issues, parties])


def test_the_period_starts_at_the_last_approved_review_when_known(security_manager, manager):
    from tests.isms.audits.reviews_helpers import approve, prepare

    services.record_save(user=security_manager, model=ContextIssue, data=ISSUE)
    assert review_inputs.since() == datetime.date.today() - datetime.timedelta(days=365)
    tomorrow = datetime.date.today() + datetime.timedelta(days=1)
    approve(
        prepare(security_manager, attendees=[manager], held_on=tomorrow), security_manager, manager
    )
    assert review_inputs.since() == tomorrow
    figures = {f["label"]: f["value"] for f in _collect("context_issues")["figures"]}
    assert figures["Added"] == 0


def test_objectives_fulfilment_and_measures(security_manager):
    measure = make_measure(target=90)
    make_measurement(measure=measure, value=95)
    make_objective(owner=security_manager, measure=measure)
    make_objective(owner=security_manager)
    result = _collect("objectives_fulfilment")
    assert result["summary"].startswith("1 of 2 objectives")
    (with_measure,) = [r for r in result["rows"] if r["measure"]]
    assert with_measure["meets_target"] is True and with_measure["value"] == "95.00"
    assert _collect("measurement_results")["summary"] == "1 of 1 measures meet their target."
    json.dumps(result)


def _queries(key) -> int:
    with CaptureQueriesContext(connection) as ctx:
        _collect(key)
    return len(ctx.captured_queries)


def test_each_input_runs_a_fixed_number_of_queries(security_manager):
    make_party()
    services.record_save(user=security_manager, model=ContextIssue, data=ISSUE)
    make_objective(owner=security_manager, measure=make_measure())
    before = {key: _queries(key) for key in KEYS}
    for n in range(6):
        make_party()
        services.record_save(user=security_manager, model=ContextIssue,
                             data={**ISSUE, "title": f"Issue {n}"})  # fmt: skip
        measure = make_measure()
        make_measurement(measure=measure)
        make_objective(owner=security_manager, measure=measure)
    assert {key: _queries(key) for key in KEYS} == before
