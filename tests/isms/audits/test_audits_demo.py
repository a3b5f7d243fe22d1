"""The internal audit demo: loads after the users and frameworks, twice without change."""

import io

import pytest

from isms.audits.demo import audits as demo
from isms.audits.models import Audit, AuditItem, AuditProgramme, AuditReport, AuditStatus
from isms.demo import frameworks, users
from isms.models.approvals import ApprovalState


@pytest.mark.django_db
def test_demo_loads_a_completed_audit_with_two_nonconformities_idempotently():
    out = io.StringIO()
    users.load(out)
    frameworks.load(out)
    demo.load(out)
    completed = Audit.objects.get(status=AuditStatus.COMPLETED)
    ncs = AuditItem.objects.filter(audit=completed, conclusion__in=["nc_major", "nc_minor"])
    assert sorted(ncs.values_list("requirement__identifier", flat=True)) == ["6.1.2", "8.13"]
    assert all(item.evidence.exists() for item in ncs)
    report = AuditReport.objects.get(audit=completed)
    assert report.approval_state == ApprovalState.APPROVED and report.approved_sha256
    assert Audit.objects.filter(status=AuditStatus.PLANNED).count() == 1
    counts = (AuditProgramme.objects.count(), Audit.objects.count(), AuditItem.objects.count())
    demo.load(out)
    assert (
        AuditProgramme.objects.count(),
        Audit.objects.count(),
        AuditItem.objects.count(),
    ) == counts
