"""The audit report as people read it: the approver's view (HTML) and the PDF
(WeasyPrint, like the SoA PDF), both drawn from the report's frozen content."""

from __future__ import annotations

import json

from django.contrib.contenttypes.models import ContentType
from django.template.loader import render_to_string
from django.utils.html import format_html, format_html_join

from isms.audits.models import AuditConclusion, AuditReport
from isms.frameworks.downloads import PDF_CSS
from isms.models import ApprovalRequest

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


def approval_record(report: AuditReport) -> dict | None:
    """The latest approval request of the report: who submitted, who decided, hashes."""
    request = (
        ApprovalRequest.objects.filter(
            content_type=ContentType.objects.get_for_model(AuditReport), object_id=report.pk
        )
        .select_related("submitted_by")
        .prefetch_related("decisions__decided_by")
        .order_by("-submitted_at", "-pk")
        .first()
    )
    if request is None:
        return None
    return {
        "state": request.get_state_display(),
        "submitted_by": str(request.submitted_by),
        "submitted_at": request.submitted_at,
        "sha256": request.content_sha256,
        "decisions": [
            {"by": str(d.decided_by), "at": d.decided_at, "decision": d.get_decision_display(),
             "comment": d.comment, "sha256": d.content_sha256}
            for d in request.decisions.all()
        ],
    }  # fmt: skip


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
        {"report": report, "audit": content, "items": items, "approval": approval_record(report)},
    )
    return HTML(string=html).write_pdf(stylesheets=[CSS(filename=str(PDF_CSS))])
