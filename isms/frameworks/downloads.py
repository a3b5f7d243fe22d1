"""The Statement of Applicability as auditors open it: XLSX, PDF, CSV and JSON.

Every format is rendered from the frozen rows only (one query for the rows, one for the
approval record), so a download always shows exactly what was frozen and hashed. Text
typed by users goes through `isms.exports.safe_cell` in the spreadsheet formats, so it
can never become a live formula.
"""

import io
import json
from pathlib import Path

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone

from isms.exports import csv_bytes, safe_cell
from isms.frameworks.soa import soa_approval_record, soa_row_dict
from isms.models import SoA
from isms.models.governance import add_months

FORMATS = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
    "csv": "text/csv; charset=utf-8",
    "json": "application/json",
}
HEADER = [
    "Control",
    "Title",
    "Theme",
    "Applicable",
    "Reasons for inclusion",
    "Justification for exclusion",
    "Status",
    "Owner",
    "Target date",
    "Implementation",
    "Linked risks",
    "Evidence",
    "Automated evidence",
    "Inconsistency",
    "Rationale: implemented despite failing checks",
]
WIDTHS = [9, 40, 15, 11, 30, 40, 20, 18, 12, 50, 18, 40, 22, 14, 40]
PDF_CSS = Path(settings.BASE_DIR) / "static" / "isms" / "soa-pdf.css"
# The PDF is read by people: a control's cell lists this many risk references and the
# count of the others (XLSX, CSV and JSON carry every reference), which keeps the
# table readable and its layout fast with thousands of linked risks.
PDF_RISKS_PER_CONTROL = 8


def _applicable(value) -> str:
    return {True: "Yes", False: "No", None: "Undecided"}[value]


def _automated(value: dict) -> str:
    if not value:
        return "No automated evidence"
    return f"{value['checks']} checks: {value['passed']} passed, {value['failed']} failed"


def _values(row) -> list:
    return [
        row.identifier,
        row.title,
        row.theme.capitalize(),
        _applicable(row.applicable),
        "; ".join(row.reason_labels),
        row.justification,
        row.status_label,
        row.owner,
        row.target_date,
        row.description,
        ", ".join(row.risks),
        row.evidence,
        _automated(row.automated),
        _inconsistency(row),
        row.implemented_rationale,
    ]


def _inconsistency(row) -> str:
    problems = []
    if row.inconsistent:
        problems.append("Selected by a risk treatment but not applicable")
    if row.evidence_conflict:
        problems.append("Implemented while automated checks fail")
    return "; ".join(problems)


def document_control(soa: SoA) -> dict:
    """The document-control block of every SoA download: owner, classification,
    version and next review (SOA_REVIEW_MONTHS after approval)."""
    if soa.approved_at:
        next_review = add_months(soa.approved_at.date(), settings.SOA_REVIEW_MONTHS).isoformat()
    else:
        next_review = f"{settings.SOA_REVIEW_MONTHS} months after approval"
    return {
        "owner": f"{soa.frozen_by} (information security)" if soa.frozen_by else "",
        "classification": settings.SOA_CLASSIFICATION,
        "version": f"SoA #{soa.number} — {soa.framework_name} {soa.framework_version}".strip(),
        "next_review": next_review,
    }


def _context(soa: SoA) -> dict:
    return {
        "soa": soa,
        "rows": list(soa.rows.all()),
        "approval": soa_approval_record(soa),
        "control": document_control(soa),
        "generated_at": timezone.now(),
    }


def render(soa: SoA, fmt: str) -> tuple[bytes, str]:
    """(content, content type) of `soa` in `fmt` (one of FORMATS)."""
    renderer = {"xlsx": to_xlsx, "pdf": to_pdf, "csv": to_csv, "json": to_json}[fmt]
    return renderer(soa), FORMATS[fmt]


def to_csv(soa: SoA) -> bytes:
    return csv_bytes(HEADER, (_values(row) for row in soa.rows.all()))


def to_json(soa: SoA) -> bytes:
    context = _context(soa)
    approval = context["approval"]
    document = {
        "format": "isms-soa/1",
        "organisation": soa.organisation,
        "number": soa.number,
        "framework": {
            "code": soa.framework.code,
            "name": soa.framework_name,
            "version": soa.framework_version,
        },
        "frozen_at": soa.frozen_at.isoformat(),
        "frozen_by": str(soa.frozen_by),
        "approval_state": soa.approval_state,
        "approved_at": soa.approved_at.isoformat() if soa.approved_at else None,
        "content_sha256": soa.content_hash,
        "approval": approval,
        "document_control": context["control"],
        "summary": soa.summary,
        "rows": [soa_row_dict(row) for row in context["rows"]],
    }
    return json.dumps(document, indent=2, ensure_ascii=False, default=str).encode("utf-8")


def to_xlsx(soa: SoA) -> bytes:
    """One row per control under a formatted header (bold, filled, frozen, filtered,
    wrapped); a second sheet carries the SoA's identity, hash and approval record."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    context = _context(soa)
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Statement of Applicability"
    sheet.append(HEADER)
    wrap = Alignment(vertical="top", wrap_text=True)
    for row in context["rows"]:
        sheet.append([safe_cell(v) for v in _values(row)])
    header_font = Font(bold=True, color="FFFFFF")
    header_fill = PatternFill("solid", fgColor="1F3A5F")
    for cell in sheet[1]:
        cell.font = header_font
        cell.fill = header_fill
        cell.alignment = wrap
    for column, width in enumerate(WIDTHS, start=1):
        sheet.column_dimensions[get_column_letter(column)].width = width
    for cells in sheet.iter_rows(min_row=2):
        for cell in cells:
            cell.alignment = wrap
    sheet.freeze_panes = "B2"
    sheet.auto_filter.ref = sheet.dimensions

    about = workbook.create_sheet("About")
    approval = context["approval"] or {}
    decisions = approval.get("decisions", [])
    submitted = (
        f"{safe_cell(approval['submitted_at'])} by {approval['submitted_by']}"
        if approval
        else "Not submitted"
    )
    control = context["control"]
    lines = [
        ("Organisation", soa.organisation),
        ("Statement of Applicability", f"#{soa.number}"),
        ("Document owner", control["owner"]),
        ("Classification", control["classification"]),
        ("Version", control["version"]),
        ("Next review", control["next_review"]),
        ("Framework", f"{soa.framework_name} {soa.framework_version}".strip()),
        ("Frozen", f"{safe_cell(soa.frozen_at)} by {soa.frozen_by}"),
        ("Approval state", soa.get_approval_state_display()),
        ("Content SHA-256", soa.content_hash),
        ("Submitted", submitted),
    ]
    for decision in decisions:
        lines.append(
            (
                decision["decision"],
                f"{safe_cell(decision['at'])} by {decision['by']}: {decision['comment']}",
            )
        )
    for label, value in lines:
        about.append([safe_cell(label), safe_cell(value)])
    about.column_dimensions["A"].width = 28
    about.column_dimensions["B"].width = 90
    for cell in about["A"]:
        cell.font = Font(bold=True)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def to_pdf(soa: SoA) -> bytes:
    """Title page (organisation, number, approval record, hash), the table, page numbers."""
    from weasyprint import CSS, HTML

    context = _context(soa)
    for row in context["rows"]:
        row.risks_shown = row.risks[:PDF_RISKS_PER_CONTROL]
        row.risks_more = max(0, len(row.risks) - PDF_RISKS_PER_CONTROL)
    html = render_to_string("isms/soa/pdf.html", context)
    return HTML(string=html).write_pdf(stylesheets=[CSS(filename=str(PDF_CSS))])
