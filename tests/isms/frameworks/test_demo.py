"""The demo: ISO/IEC 27001:2022 selected, a worked implementation with gaps, and one
approved SoA; loading twice changes nothing."""

import io

import pytest

from isms import approvals
from isms.demo import frameworks as demo
from isms.demo import soa as demo_soa
from isms.demo import users as users_demo
from isms.frameworks import services
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
    assert summary["undecided"] == 0  # every control decided, with its reasons
    assert summary["applicable"] + summary["excluded"] == ISO_CONTROLS
    assert soa.rows.exclude(status="implemented").filter(applicable=True).exists()  # gaps
    assert services.soa_frozen_blockers(soa) == []  # the SoA passes its own rules
    assert soa.rows.filter(applicable=True, reasons=[]).count() == 0
    # Approved by as many different members of management as the quorum asks.
    record = services.soa_approval_record(soa)
    assert len({d["by"] for d in record["decisions"]}) == approvals.type_for(SoA).quorum
    assert (
        soa.rows.filter(applicable=False).exclude(justification="").count() == summary["excluded"]
    )
    assert f"SoA #1: {ISO_CONTROLS} controls" in out.getvalue()
