"""The SoA downloads auditors open: XLSX, PDF, CSV, JSON; every role downloads, every
download is recorded, and typed text never becomes a spreadsheet formula."""

import csv
import io
import json
import zipfile

import pytest
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from isms import audit
from isms.frameworks import services
from isms.governance.audit_pack import audit_pack_build
from isms.models import ControlImplementation
from isms.models.audit import AuditAction
from tests.counts import ISO_CONTROLS
from tests.factories import PASSWORD, soa_decide_all

FORMULA = '=HYPERLINK("http://evil.example","click")'


@pytest.fixture
def soa(iso, security_manager, manager, risk_provider):
    implementation = ControlImplementation.objects.get(
        control__framework=iso, control__identifier="5.1"
    )
    risk_provider({implementation.control_id: ["R-001", "R-014"]})
    services.control_implementation_update(
        implementation=implementation,
        user=security_manager,
        data={
            "applicable": True,
            "reasons": ["risk_treatment", "legal"],
            "status": "implemented",
            "description": FORMULA,
        },
    )
    services.control_implementation_update(
        implementation=ControlImplementation.objects.get(control__identifier="7.4"),
        user=security_manager,
        data={"applicable": False, "justification": "No premises: AWS data centres."},
    )
    soa_decide_all(iso)
    soa = services.soa_freeze(user=security_manager)
    services.soa_submit(soa=soa, user=security_manager)
    services.soa_decide(
        soa=soa, user=manager, approve=True, password=PASSWORD, comment="Approved for audit"
    )
    soa.refresh_from_db()
    return soa


def download(client, soa, fmt):
    response = client.get(reverse("isms:soa_download", args=[soa.number, fmt]))
    assert response.status_code == 200, response.content[:200]
    assert f'filename="soa-{soa.number}-iso27001-2022.{fmt}"' in response["Content-Disposition"]
    return response.content


def test_xlsx_has_93_formatted_rows_with_the_right_values(soa, auditor, client_as):
    workbook = load_workbook(io.BytesIO(download(client_as(auditor), soa, "xlsx")))
    sheet = workbook["Statement of Applicability"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:4] == ("Control", "Title", "Theme", "Applicable")
    assert len(rows) - 1 == ISO_CONTROLS
    by_id = {row[0]: row for row in rows[1:]}
    assert by_id["5.1"][3] == "Yes"
    assert by_id["5.1"][4] == "Risk treatment; Legal or regulatory requirement"
    assert by_id["5.1"][6] == "Implemented"
    assert by_id["5.1"][9] == "'" + FORMULA  # never a live formula
    assert by_id["5.1"][10] == "R-001, R-014"
    assert by_id["7.4"][3] == "No"
    assert by_id["7.4"][5] == "No premises: AWS data centres."
    assert by_id["8.34"][3] == "Yes"
    assert sheet.freeze_panes == "B2"
    assert sheet.auto_filter.ref == f"A1:O{len(rows)}"
    assert sheet["A1"].font.bold
    assert sheet["J2"].alignment.wrap_text
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)
    about = {row[0]: row[1] for row in workbook["About"].iter_rows(values_only=True)}
    assert about["Content SHA-256"] == soa.content_hash
    assert "Approved for audit" in about["Approved"]


def test_pdf_has_the_approval_record_hash_and_page_numbers(soa, auditor, manager, client_as):
    reader = PdfReader(io.BytesIO(download(client_as(auditor), soa, "pdf")))
    first = reader.pages[0].extract_text()
    assert "Statement of Applicability #1" in first
    assert "Example Ltd" in first
    assert f"by {manager}" in first
    assert "Approved for audit" in first
    assert soa.content_hash in first.replace("\n", "")
    assert f"Page 1 of {len(reader.pages)}" in first
    text = " ".join(" ".join(page.extract_text() for page in reader.pages).split())
    assert "8.34" in text
    assert "No premises: AWS data centres." in text  # however the cell wraps it


def test_csv_and_json(soa, security_manager, client_as):
    client = client_as(security_manager)
    rows = list(csv.reader(io.StringIO(download(client, soa, "csv").decode("utf-8-sig"))))
    assert len(rows) == 94
    row = next(r for r in rows if r[0] == "5.1")
    assert row[9] == "'" + FORMULA
    document = json.loads(download(client, soa, "json"))
    assert document["content_sha256"] == soa.content_hash
    assert document["approval"]["decisions"][0]["comment"] == "Approved for audit"
    assert len(document["rows"]) == ISO_CONTROLS
    assert document["rows"][0]["identifier"] == "5.1"
    assert document["rows"][0]["risks"] == ["R-001", "R-014"]


@pytest.mark.parametrize("name", ["security_manager", "manager", "auditor", "admin"])
def test_every_role_downloads_and_each_download_is_recorded(soa, persona, client_as, name):
    user = persona(name)
    with audit.acting_as(user):
        download(client_as(user), soa, "csv")
    event = audit.history(soa).filter(action=AuditAction.DOWNLOAD).first()
    assert event.actor == user
    assert event.changes == {"format": "csv", "content_hash": soa.content_hash}


def test_page_download_is_recorded_with_the_request_user(soa, auditor, client_as):
    download(client_as(auditor), soa, "pdf")
    event = audit.history(soa).filter(action=AuditAction.DOWNLOAD).get()
    assert (event.actor, event.source) == (auditor, "web")


def test_unknown_format_is_a_clear_400(soa, auditor, client_as):
    response = client_as(auditor).get(reverse("isms:soa_download", args=[soa.number, "docx"]))
    assert response.status_code == 400
    assert "Unknown format 'docx': choose one of xlsx, pdf, csv, json." in response.content.decode()
    assert not audit.history(soa).filter(action=AuditAction.DOWNLOAD).exists()


def test_current_download_link(soa, auditor, client_as):
    response = client_as(auditor).get(reverse("isms:soa_current_download", args=["json"]))
    assert json.loads(response.content)["number"] == soa.number


def test_the_audit_pack_carries_the_current_soa_as_pdf_and_xlsx(soa, auditor):
    _, content = audit_pack_build(user=auditor)
    pack = zipfile.ZipFile(io.BytesIO(content))
    sheet = load_workbook(io.BytesIO(pack.read(f"09-soa/soa-{soa.number}.xlsx"))).active
    assert sheet.max_row == 1 + ISO_CONTROLS  # header + controls
    text = "".join(
        p.extract_text()
        for p in PdfReader(io.BytesIO(pack.read(f"09-soa/soa-{soa.number}.pdf"))).pages
    )
    assert soa.approved_sha256 in text.replace("\n", "")
