"""What the internal audit part registers in the shared registries: dashboard figures
(last internal audit, next audit due), the programme's review reminder, the audit pack
files (programmes, reports) and the management review input "audit results"."""

from __future__ import annotations

import datetime

from django.db.models import Count, Max, Min, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from isms.audits.models import (
    Audit,
    AuditConclusion,
    AuditItem,
    AuditProgramme,
    AuditReport,
    AuditStatus,
)
from isms.models.approvals import ApprovalState


def dashboard_figures(user) -> list[dict]:
    """When the last internal audit was completed and when the next one is due."""
    if not user.has_perm("audits.view_audit"):
        return []
    dates = Audit.objects.aggregate(
        last=Max("completed_on", filter=Q(status=AuditStatus.COMPLETED)),
        next=Min("planned_start", filter=~Q(status=AuditStatus.COMPLETED)),
    )
    url = reverse("audits:audit_list")
    return [
        {
            "label": _("Last internal audit"),
            "value": dates["last"].isoformat() if dates["last"] else _("none yet"),
            "url": url,
            "help": _("The date the latest internal audit was completed (9.2)."),
        },
        {
            "label": _("Next internal audit due"),
            "value": dates["next"].isoformat() if dates["next"] else _("none planned"),
            "url": url,
            "help": _("The planned start of the next audit not yet completed."),
        },
    ]


def programme_reviews(until: datetime.date):
    """Audit programmes whose review is due on or before `until` (their next review
    date); the programme's owner is reminded."""
    from isms.governance.reviews import ReviewItem

    for programme in AuditProgramme.objects.filter(next_review__lte=until).select_related("owner"):
        yield ReviewItem(
            obj=programme,
            kind=str(_("Audit programme")),
            title=str(programme),
            due=programme.next_review,
            owners=[programme.owner] if programme.owner else [],
            url=reverse("audits:programme_detail", args=[programme.pk]),
        )


PROGRAMME_HEADER = [
    "year", "title", "objectives", "criteria", "scope", "frequency", "methods",
    "responsibilities", "importance of processes", "previous results", "audit", "audit title",
    "status", "planned start", "planned end", "completed on", "auditors", "auditees",
]  # fmt: skip


def pack_files(user):
    """The audit programmes with their audits (CSV) and every approved audit report (PDF)."""
    from isms.audits import report_audits
    from isms.exports import csv_bytes
    from isms.governance.audit_pack import PackFile

    rows = []
    for programme in AuditProgramme.objects.prefetch_related(
        "audits__auditors", "audits__auditees"
    ).order_by("year"):
        head = [
            programme.year, programme.title, programme.objectives, programme.criteria,
            programme.scope, programme.frequency, programme.methods,
            programme.responsibilities, programme.process_importance, programme.previous_results,
        ]  # fmt: skip
        audits = sorted(programme.audits.all(), key=lambda a: a.number)
        for audit in audits or [None]:
            if audit is None:
                rows.append([*head, "", "", "", "", "", "", "", ""])
                continue
            audit.programme = programme
            rows.append(
                [
                    *head, audit.reference, audit.title, audit.get_status_display(),
                    audit.planned_start.isoformat(), audit.planned_end.isoformat(),
                    audit.completed_on.isoformat() if audit.completed_on else "",
                    ", ".join(sorted(u.get_username() for u in audit.auditors.all())),
                    ", ".join(sorted(u.get_username() for u in audit.auditees.all())),
                ]
            )  # fmt: skip
    yield PackFile(
        "09-performance/internal-audit-programmes.csv",
        csv_bytes(PROGRAMME_HEADER, rows),
        "Internal audit programmes (9.2.2) and their audits",
    )
    reports = AuditReport.objects.filter(approval_state=ApprovalState.APPROVED).select_related(
        "audit__programme"
    )
    for report in reports:
        yield PackFile(
            f"09-performance/audit-reports/{report.audit.reference}-v{report.version}.pdf",
            report_audits.to_pdf(report),
            f"Approved report of internal audit {report.audit.reference} (SHA-256 "
            f"{report.approved_sha256})",
        )


def review_input_audit_results() -> dict:
    """Management review input 9.3.2 d) 3): audits completed in the last twelve months
    and their conclusions (a fixed number of queries)."""
    since = timezone.localdate() - datetime.timedelta(days=365)
    audits = Audit.objects.filter(status=AuditStatus.COMPLETED, completed_on__gte=since)
    counts = AuditItem.objects.filter(audit__in=audits).aggregate(
        **{value: Count("pk", filter=Q(conclusion=value)) for value in AuditConclusion.values}
    )
    rows = [
        {"audit": f"A-{a['programme__year']}-{a['number']:02d}", "title": a["title"],
         "completed_on": a["completed_on"].isoformat()}
        for a in audits.order_by("completed_on").values(
            "programme__year", "number", "title", "completed_on"
        )
    ]  # fmt: skip
    planned = Audit.objects.exclude(status=AuditStatus.COMPLETED).count()
    ncs = counts[AuditConclusion.NC_MAJOR] + counts[AuditConclusion.NC_MINOR]
    return {
        "summary": str(
            _(
                "%(audits)s audits completed in the last 12 months, %(ncs)s nonconformities found; "
                "%(planned)s audits planned or in progress."
            )
            % {"audits": len(rows), "ncs": ncs, "planned": planned}
        ),  # fmt: skip
        "figures": [
            {"label": str(label), "value": counts[value]}
            for value, label in AuditConclusion.choices
        ]
        + [{"label": str(_("Audits planned or in progress")), "value": planned}],
        "rows": rows,
    }
