"""The demo register: 30+ risks over the demo assets, acceptances, idempotent."""

import io

import pytest

from assets import demo as assets_demo
from isms import demo as isms_demo
from isms.models.approvals import ApprovalState
from risks import demo
from risks.models import Risk, RiskAcceptance
from risks.queries import active_version

pytestmark = pytest.mark.django_db


def test_demo_register_loads_once():
    out = io.StringIO()
    isms_demo.load(out)
    assets_demo.load(out)
    demo.load(out)
    assert active_version().number == 1
    assert Risk.objects.count() >= 30
    assert Risk.objects.filter(ale_usd__gt=0).count() >= 30
    accepted = Risk.objects.get(title="Single-region customer database")
    assert accepted.status == "accepted" and accepted.accepted_until is not None
    assert RiskAcceptance.objects.filter(approval_state=ApprovalState.IN_REVIEW).count() == 2
    demo.load(out)
    assert Risk.objects.count() == len(demo.RISKS)


def test_demo_treatments_select_iso_controls():
    from isms.frameworks import demo as frameworks_demo

    out = io.StringIO()
    isms_demo.load(out)
    frameworks_demo.load(out)
    assets_demo.load(out)
    demo.load(out)
    risk = Risk.objects.get(title="Ransomware encrypts the customer database")
    assert sorted(risk.controls.values_list("identifier", flat=True)) == ["8.13", "8.7"]
