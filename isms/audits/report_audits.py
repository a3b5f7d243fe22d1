"""The audit report as people read it: the approver's view (HTML) and the PDF
(WeasyPrint, like the SoA PDF), both drawn from the report's frozen content."""

from __future__ import annotations

import json

from django.template.loader import render_to_string
from django.utils.html import format_html, format_html_join

from isms import approvals
from isms.audits.models import AuditConclusion, AuditReport
from isms.frameworks.downloads import PDF_CSS

CONCLUSION_LABELS = dict(AuditConclusion.choices)


def render_for_approval(content: str, previous: str | None) -> str:
    """What the approver reads: the overall conclusion and every checklist conclusion."""
    data = json.loads(content)
    audit = data["content"]
    rows = format_html_join(
        "",
        "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
        (
            (
                i["requirement"],
                i["title"],
                CONCLUSION_LABELS.get(i["conclusion"], ""),
                i["findings"],
            )
            for i in audit["items"]
        ),
    )
    return format_html(
        "<p><strong>{}</strong> {}</p><p>{}</p><p>{}</p>"
        '<table class="table table-sm"><tbody>{}</tbody></table>',
        audit["reference"],
        audit["title"],
        audit["summary"],
        data["conclusion"],
        rows,
    )


def to_pdf(report: AuditReport) -> bytes:
    """The report as a PDF: approval record and hash first, then the checklist."""
    from weasyprint import CSS, HTML

    content = report.content
    items = [
        {**i, "conclusion_label": CONCLUSION_LABELS.get(i["conclusion"], "")}
        for i in content["items"]
    ]
    html = render_to_string(
        "audits/audit_report_pdf.html",
        {
            "report": report,
            "audit": content,
            "items": items,
            "approval": approvals.approval_record(report),
        },
    )
    return HTML(string=html).write_pdf(stylesheets=[CSS(filename=str(PDF_CSS))])
