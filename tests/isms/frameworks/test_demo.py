"""The demo: ISO/IEC 27001:2022 selected, a worked implementation with gaps, and one
approved SoA; loading twice changes nothing."""

import io

import pytest

from isms.demo import frameworks as demo
from isms.demo import soa as demo_soa
from isms.demo import users as users_demo
from isms.models import AuditEvent, Framework, SoA
from isms.models.approvals import ApprovalState
from tests.counts import ISO_CONTROLS


@pytest.mark.django_db
def test_demo_loads_frameworks_and_an_approved_soa_once():
    out = io.StringIO()
    users_demo.load(out)
    demo.load(out)
    demo_soa.load(out)
    events = AuditEvent.objects.count()
    demo.load(out)
    demo_soa.load(out)
    assert AuditEvent.objects.count() == events

    iso = Framework.objects.get(soa_basis=True)
    assert iso.code == "iso27001-2022"
    assert Framework.objects.get(code="nist-csf-2.0").selected
    soa = SoA.objects.get()
    assert soa.approval_state == ApprovalState.APPROVED
    assert soa.approved_sha256 == soa.content_hash
    summary = soa.summary
    assert summary["controls"] == ISO_CONTROLS
    assert summary["undecided"] > 0  # some gaps left
    assert summary["applicable"] + summary["excluded"] >= 85  # most decided
    assert (
        soa.rows.filter(applicable=False).exclude(justification="").count() == summary["excluded"]
    )
    assert f"SoA #1: {ISO_CONTROLS} controls" in out.getvalue()
