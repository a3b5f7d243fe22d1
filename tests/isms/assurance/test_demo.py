"""The demo: a dozen controls tested over a year, one not effective, evidence expiring
next week and one piece expired; loading twice changes nothing."""

import io

import pytest

from isms.assurance import selectors
from isms.assurance.demo import assurance as demo_assurance
from isms.assurance.models import ControlTest, ControlTestResult
from isms.demo import frameworks as demo_frameworks
from isms.demo import soa as demo_soa
from isms.demo import users as demo_users
from isms.models import AuditEvent, Evidence


@pytest.mark.django_db
def test_demo_tests_a_dozen_controls_with_a_year_of_history_once():
    out = io.StringIO()
    for module in (demo_users, demo_frameworks, demo_soa, demo_assurance):
        module.load(out)
    events = AuditEvent.objects.count()
    demo_assurance.load(out)
    assert AuditEvent.objects.count() == events

    assert ControlTest.objects.count() == 12
    assert ControlTestResult.objects.filter(status="done").count() == 40
    summary = selectors.assurance_summary()
    assert summary.not_effective == ["8.8"]
    assert summary.expired_evidence == ["6.3"]
    assert [e.state for e in Evidence.objects.filter(title__startswith="Quarterly access")] == [
        "expiring"
    ]
