"""Dashboard steps 3 to 6, the "Sum of risks' ALE" figure, and the SoA's treating risks."""

import pytest
from django.urls import reverse

from isms import dashboard
from isms.frameworks import treatments
from isms.models import Control, Framework
from risks import services, tasks
from tests.risks.factories import make_risk

pytestmark = pytest.mark.django_db


def _states(user):
    return {step.number: state for step, state in dashboard.steps(user)}


def test_steps_follow_the_register(security_manager, manager, owner):
    states = _states(security_manager)
    assert [states[n].status for n in (3, 4, 5, 6)] == ["todo", "todo", "todo", "todo"]
    from tests.risks.factories import approved_methodology

    approved_methodology(author=security_manager, approver=manager)
    risk = make_risk(security_manager, owner=owner, inherent_likelihood=3, inherent_impact=3)
    unscored = make_risk(security_manager)
    states = _states(security_manager)
    assert states[3].status == "done"
    assert states[4].status == "in_progress"  # one risk has no owner
    assert (
        states[5].status == "in_progress" and "1 risk(s) have no likelihood" in states[5].missing[0]
    )
    assert states[6].status == "todo"
    services.risk_update(
        risk=unscored,
        user=security_manager,
        data={
            "owner": owner,
            "inherent_likelihood": 1,
            "inherent_impact": 1,
            "treatment": "accept",
        },
        expected_version=1,
    )
    services.risk_update(
        risk=risk, user=security_manager, data={"treatment": "mitigate"}, expected_version=1
    )
    states = _states(security_manager)
    assert [states[n].status for n in (4, 5, 6)] == ["done", "done", "done"]


def test_total_ale_figure(methodology, security_manager, auditor, outsider, client_as):
    make_risk(security_manager, inherent_likelihood=4, inherent_impact=3)  # 100k x .2 x 1
    figures = {f["label"]: f["value"] for f in dashboard.figures(auditor)}
    assert figures["Sum of risks' ALE"] == "$20,000"
    figures = {f["label"]: f["value"] for f in dashboard.figures(outsider)}
    assert figures["Sum of risks' ALE"] == "$0"
    response = client_as(auditor).get(reverse("dashboard"))
    assert b"Sum of risks&#x27; ALE" in response.content and b"$20,000" in response.content


def test_controls_list_their_treating_risks(methodology, security_manager):
    framework = Framework.objects.create(code="test", name="Test framework", version="1")
    control = Control.objects.create(framework=framework, identifier="5.1", title="Policies")
    risk = make_risk(security_manager, inherent_likelihood=3, inherent_impact=3, controls=[control])
    assert list(control.treating_risks.all()) == [risk]
    refs = treatments.for_controls([control.pk])[control.pk]
    assert refs[0].reference == risk.ref and refs[0].level == "High"


def test_expiry_task_is_idempotent(methodology):
    assert tasks.acceptances_expire() == 0
    assert tasks.acceptances_expire() == 0
