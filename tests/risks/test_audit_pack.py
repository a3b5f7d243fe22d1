"""What the risk register, the evidence and the audit trail add to the audit pack
(issue 16, item 8): the methodology as a readable PDF beside the approved JSON, the
treatment plan, the controls per risk, the evidence index and the period's audit trail."""

import csv
import datetime
import io
import zipfile

import pytest
from django.utils import timezone
from pypdf import PdfReader

from isms.governance import audit_pack
from isms.models import AuditEvent, Control, ControlImplementation, Evidence
from risks import services
from risks.models import TreatmentAction
from tests.isms.frameworks.conftest import load
from tests.risks.factories import make_risk

pytestmark = pytest.mark.django_db


def _csv(files, name):
    return list(csv.DictReader(io.StringIO(files[name].decode("utf-8-sig"))))


@pytest.fixture
def iso27001(db):
    return load("iso27001-2022.json")


@pytest.fixture
def pack(methodology, security_manager, owner, auditor, iso27001, monkeypatch):
    control = Control.objects.get(framework__code="iso27001-2022", identifier="8.13")
    risk = make_risk(
        security_manager,
        title="Backups lost",
        owner=owner,
        inherent_likelihood=3,
        inherent_impact=4,
        treatment="mitigate",
    )
    risk = services.risk_update(
        risk=risk, user=security_manager, data={"controls": [control]}, expected_version=1
    )
    make_risk(security_manager, title="Untreated")
    due = timezone.localdate() + datetime.timedelta(days=30)
    services.treatment_action_save(
        action=TreatmentAction(risk=risk, title="Copy snapshots", owner=owner, due_date=due),
        user=owner,
    )
    implementation, _ = ControlImplementation.objects.get_or_create(control=control)
    Evidence.objects.create(
        implementation=implementation, title="Backup runbook", url="https://wiki/runbook"
    )
    # The trail is append-only: an old event is written as if 400 days ago.
    long_ago = timezone.now() - datetime.timedelta(days=400)
    with monkeypatch.context() as clock:
        clock.setattr(timezone, "now", lambda: long_ago)
        AuditEvent.objects.create(action="other", message="Long ago")
    _name, data = audit_pack.audit_pack_build(user=auditor)
    archive = zipfile.ZipFile(io.BytesIO(data))
    return {name: archive.read(name) for name in archive.namelist()}, risk, due


def test_the_methodology_is_a_readable_pdf_beside_the_approved_json(pack, methodology):
    files, _risk, _due = pack
    pdf = files[f"03-risk-methodology/methodology-v{methodology.number}.pdf"]
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    for heading in ("Likelihood scale", "Impact scale", "Risk matrix", "Acceptance criteria"):
        assert heading in text
    assert "Almost certain" in text or "Rare" in text
    assert f"03-risk-methodology/methodology-v{methodology.number}.json" in files


def test_the_treatment_plan_and_controls_per_risk(pack, owner):
    files, risk, due = pack
    plan = _csv(files, "06-risks/treatment-plan.csv")
    assert [(r["risk"], r["action"], r["action owner"], r["due date"]) for r in plan] == [
        (risk.ref, "Copy snapshots", owner.get_username(), due.isoformat())
    ]
    controls = _csv(files, "06-risks/controls-per-risk.csv")
    assert {(r["risk"], r["control"]) for r in controls} == {(risk.ref, "8.13"), ("R-002", "")}


def test_the_evidence_index_and_the_audit_trail_of_the_period(pack):
    files, risk, _due = pack
    index = _csv(files, "10-evidence/evidence-index.csv")
    assert {(r["control"], r["kind"], r["evidence"]) for r in index} >= {
        ("8.13", "link", "Backup runbook")
    }
    trail = _csv(files, "11-audit-trail/audit-trail.csv")
    assert any(r["record"].startswith(risk.ref) for r in trail)
    assert not any(r["message"] == "Long ago" for r in trail)
