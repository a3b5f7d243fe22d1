"""What the risks app contributes to the governance core's audit pack and reviews.

Registered in RisksConfig.ready(), so that `isms` never imports `risks`.
"""

import datetime
from collections.abc import Iterable

from django.urls import reverse

from isms.exports import csv_bytes, xlsx_bytes
from isms.governance.audit_pack import PackFile
from isms.governance.reviews import ReviewItem, security_managers
from risks import importing
from risks.models import Risk, TreatmentAction
from risks.selectors import active_version, asset_refs


def audit_pack_files(user) -> Iterable[PackFile]:
    """The active methodology (a readable PDF, and the JSON exactly as approved, whose
    SHA-256 is the approval's), the whole risk register (XLSX), the treatment plan and
    the controls selected per risk (CSV)."""
    version = active_version()
    if version is not None:
        yield PackFile(
            f"03-risk-methodology/methodology-v{version.number}.pdf",
            methodology_pdf(version),
            f"{version} — risk assessment methodology, readable (clause 6.1.2)",
        )
        yield PackFile(
            f"03-risk-methodology/methodology-v{version.number}.json",
            version.canonical_json().encode(),
            f"{version} — the same, exactly as approved: its SHA-256 is the approval's",
        )
    queryset = (
        Risk.objects.select_related("threat", "vulnerability", "owner")
        .annotate(asset_refs=asset_refs())
        .order_by("ref")
    )
    rows = importing.export_rows(queryset, version.scale if version else None)
    yield PackFile(
        "06-risks/risk-register.xlsx",
        xlsx_bytes("Risk register", importing.EXPORT_COLUMNS, rows),
        "Risk assessment and treatment results (clauses 6.1.2, 6.1.3, 8.2, 8.3)",
    )
    yield PackFile(
        "06-risks/treatment-plan.csv",
        csv_bytes(TREATMENT_PLAN_HEADER, treatment_plan_rows()),
        "Risk treatment plan: every action with its owner, due date and status (6.1.3 e, 8.3)",
    )
    yield PackFile(
        "06-risks/controls-per-risk.csv",
        csv_bytes(CONTROLS_HEADER, controls_per_risk_rows()),
        "The controls selected to treat each risk (clause 6.1.3 b)",
    )


TREATMENT_PLAN_HEADER = [
    "risk",
    "risk title",
    "risk owner",
    "treatment",
    "risk status",
    "accepted until",
    "action",
    "action owner",
    "due date",
    "action status",
]


def treatment_plan_rows():
    """One row per treatment action (one row with empty action columns for a risk with
    a treatment option but no action yet), ordered by risk then due date."""
    actions = TreatmentAction.objects.select_related("risk__owner", "owner").order_by(
        "risk__number", "due_date", "pk"
    )
    planned = set()
    for action in actions.iterator(chunk_size=2000):
        risk = action.risk
        planned.add(risk.pk)
        yield [
            risk.ref,
            risk.title,
            risk.owner.get_username() if risk.owner else "",
            risk.get_treatment_display() if risk.treatment else "",
            risk.get_status_display(),
            risk.accepted_until or "",
            action.title,
            action.owner.get_username() if action.owner else "",
            action.due_date or "",
            action.get_status_display(),
        ]
    for risk in Risk.objects.exclude(treatment="").select_related("owner").order_by("number"):
        if risk.pk not in planned:
            yield [
                risk.ref,
                risk.title,
                risk.owner.get_username() if risk.owner else "",
                risk.get_treatment_display(),
                risk.get_status_display(),
                risk.accepted_until or "",
                "",
                "",
                "",
                "",
            ]


CONTROLS_HEADER = ["risk", "risk title", "framework", "control", "control title"]


def controls_per_risk_rows():
    """One row per (risk, selected control); a risk with no control has one empty row."""
    for risk in Risk.objects.prefetch_related("controls__framework").order_by("number"):
        controls = sorted(risk.controls.all(), key=lambda c: (c.framework.code, c.sort_order))
        if not controls:
            yield [risk.ref, risk.title, "", "", ""]
        for control in controls:
            yield [risk.ref, risk.title, control.framework.name, control.identifier, control.title]


def methodology_pdf(version) -> bytes:
    """The methodology version as a readable document: scales, matrix, levels,
    acceptance criteria, $ model and its approval record (WeasyPrint, like the SoA)."""
    from django.conf import settings
    from django.template.loader import render_to_string
    from django.utils import timezone
    from weasyprint import CSS, HTML

    from isms import approvals

    scale = version.scale
    likelihood = version.content["likelihood"]
    impact = version.content["impact"]
    rows = [
        {
            "likelihood": item,
            "cells": [scale.level(scale.level_rank(item["value"], i["value"])) for i in impact],
        }
        for item in reversed(likelihood)
    ]
    html = render_to_string(
        "risks/methodology_pdf.html",
        {
            "version": version,
            "organisation": settings.ORGANISATION_NAME,
            "likelihood": likelihood,
            "impact": impact,
            "levels": version.content["levels"],
            "rows": rows,
            "criteria": version.content.get("acceptance_criteria", ""),
            "sha256": approvals.content_sha256(version),
            "generated_at": timezone.now(),
        },
    )
    css = CSS(filename=str(settings.BASE_DIR / "static" / "risks" / "methodology-pdf.css"))
    return HTML(string=html).write_pdf(stylesheets=[css])


def due_reviews(until: datetime.date) -> Iterable[ReviewItem]:
    """Risks whose review date has come (or comes by `until`)."""
    managers = None
    for risk in Risk.objects.filter(review_date__lte=until).select_related("owner"):
        if risk.owner is None and managers is None:
            managers = list(security_managers())
        yield ReviewItem(
            obj=risk,
            kind="Risk",
            title=f"{risk.ref} {risk.title}",
            due=risk.review_date,
            owners=[risk.owner] if risk.owner else managers,
            url=reverse("risks:risk_detail", args=[risk.pk]),
        )
