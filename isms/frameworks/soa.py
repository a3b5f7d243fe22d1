"""Services of the Statement of Applicability: build the rows, freeze a numbered SoA
with its content hash, send it through the approval workflow, render its downloads.

Re-exported by `isms.frameworks.services`, the one entry point of views, the API,
commands and the demo. A frozen SoA never changes; approval is the shared workflow of
`isms.approvals` (a Management user other than whoever froze or submitted it,
re-authenticated), registered in `isms.frameworks.setup`.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from isms import approvals, audit, numbering
from isms.frameworks import evidence as automated
from isms.frameworks import treatments
from isms.models import ApprovalRequest, Control, Evidence, Framework, SoA, SoARow
from isms.models.approvals import ApprovalState
from isms.models.audit import AuditAction
from isms.models.soa import ImplementationStatus, InclusionReason


def soa_framework() -> Framework | None:
    return Framework.objects.filter(soa_basis=True).first()


def soa_rows_build(framework: Framework) -> list[dict]:
    """The SoA rows as they stand now: one dict per active control of `framework`.

    A constant number of queries whatever the number of risks and findings: the
    implementations in one query, evidence counts in one, the providers in bulk.
    """
    controls = list(
        Control.objects.filter(framework=framework, withdrawn=False)
        .select_related("implementation", "implementation__owner")
        .order_by("sort_order")
    )
    ids = [c.pk for c in controls]
    risks = treatments.for_controls(ids)
    checks = automated.for_controls(ids)
    evidence: dict[int, list[str]] = {}
    # Expired evidence no longer counts (issue 22: evidence lifecycle).
    for control_id, title in (
        Evidence.objects.filter(implementation__control_id__in=ids)
        .exclude(valid_until__lt=timezone.localdate())
        .values_list("implementation__control_id", "title")
    ):
        evidence.setdefault(control_id, []).append(title)
    rows = []
    for position, control in enumerate(controls, start=1):
        impl = getattr(control, "implementation", None)
        linked = risks.get(control.pk, [])
        control_checks = checks.get(control.pk, [])
        evidence_parts = []
        if impl is not None and impl.evidence_text.strip():
            evidence_parts.append(impl.evidence_text.strip())
        if evidence.get(control.pk):
            evidence_parts.append("Attached: " + "; ".join(evidence[control.pk]))
        applicable = impl.applicable if impl else None
        rows.append(
            {
                "position": position,
                "control_id": control.pk,
                "identifier": control.identifier,
                "title": control.title,
                "theme": control.theme,
                "applicable": applicable,
                "reasons": list(impl.reasons) if impl else [],
                "justification": impl.justification if impl else "",
                "status": impl.status if impl else ImplementationStatus.NOT_STARTED,
                "owner": str(impl.owner) if impl and impl.owner else "",
                "target_date": impl.target_date.isoformat() if impl and impl.target_date else None,
                "description": impl.description if impl else "",
                "risks": [r.reference for r in linked],
                "evidence": "\n".join(evidence_parts),
                "automated": automated.totals(control_checks) if control_checks else {},
                "inconsistent": bool(linked) and applicable is False,
                "implemented_rationale": impl.implemented_rationale if impl else "",
            }
        )
    return rows


@dataclass(frozen=True)
class Blocker:
    """One reason an SoA cannot be frozen or approved: a control and what it lacks."""

    control_id: int | None
    identifier: str
    title: str
    kind: str  # a key of BLOCKER_KINDS
    message: str

    def __str__(self):
        return f"{self.identifier}: {self.message}"


#: What blocks an SoA, in the order pages list them: {kind: label}.
BLOCKER_KINDS = {
    "undecided": "no applicability decision",
    "no_justification": "excluded without a justification",
    "no_reason": "applicable without a reason for inclusion",
    "inconsistent": "selected by a risk treatment but marked not applicable",
    "risk_treatment_without_risk": "reason “risk treatment” but no risk treats it",
    "failing_checks": "implemented while mapped automated checks fail, with no rationale",
}


def soa_blockers(rows: list[dict]) -> list[Blocker]:
    """Everything that stops these SoA rows (`soa_rows_build` or frozen rows as
    `soa_row_dict`) from being frozen or approved. The one completeness rule: freezing,
    submitting, approving and the SoA page all use it."""
    found = []
    for row in rows:
        applicable = row["applicable"]
        kinds = []
        if applicable is None:
            kinds.append("undecided")
        elif applicable is False:
            if not (row["justification"] or "").strip():
                kinds.append("no_justification")
            if row["inconsistent"]:
                kinds.append("inconsistent")
        else:
            if not row["reasons"]:
                kinds.append("no_reason")
            if InclusionReason.RISK_TREATMENT in row["reasons"] and not row["risks"]:
                kinds.append("risk_treatment_without_risk")
            if (
                row["status"] == ImplementationStatus.IMPLEMENTED
                and (row["automated"] or {}).get("failed")
                and not (row.get("implemented_rationale") or "").strip()
            ):
                kinds.append("failing_checks")
        found.extend(
            Blocker(row["control_id"], row["identifier"], row["title"], kind, BLOCKER_KINDS[kind])
            for kind in kinds
        )
    return found


def _refuse_blocked(blockers: list[Blocker], what: str) -> None:
    if blockers:
        shown = [str(b) for b in blockers[:20]]
        more = len(blockers) - len(shown)
        raise ValidationError(
            [f"{len(blockers)} problems must be fixed before the SoA can be {what}."]
            + shown
            + ([f"… and {more} more (see the SoA page)."] if more else [])
        )


def _canonical_row(row: dict) -> dict:
    # An empty rationale is left out, so SoAs frozen before the field existed keep
    # the hash they were approved with.
    return {
        k: v
        for k, v in row.items()
        if k != "control_id" and not (k == "implemented_rationale" and not v)
    }


def canonical_content(*, framework_code: str, framework_version: str, rows: list[dict]) -> str:
    """The canonical JSON of an SoA's frozen content: what its hash and approval cover."""
    payload = {
        "framework": framework_code,
        "version": framework_version,
        "rows": [_canonical_row(row) for row in rows],
    }
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def soa_row_dict(row: SoARow) -> dict:
    """A frozen row in the shape used for the hash, the JSON download and the diff."""
    return {
        "position": row.position,
        "control_id": row.control_id,
        "identifier": row.identifier,
        "title": row.title,
        "theme": row.theme,
        "applicable": row.applicable,
        "reasons": row.reasons,
        "justification": row.justification,
        "status": row.status,
        "owner": row.owner,
        "target_date": row.target_date.isoformat() if row.target_date else None,
        "description": row.description,
        "risks": row.risks,
        "evidence": row.evidence,
        "automated": row.automated,
        "inconsistent": row.inconsistent,
        "implemented_rationale": row.implemented_rationale,
    }


def soa_content(soa: SoA) -> str:
    """The approvable content of a frozen SoA (registered with isms.approvals); its
    SHA-256 equals `soa.content_hash`."""
    return canonical_content(
        framework_code=soa.framework.code,
        framework_version=soa.framework_version,
        rows=[soa_row_dict(row) for row in soa.rows.all()],
    )


@transaction.atomic
def soa_freeze(*, user) -> SoA:
    """Freeze the current decisions into a new numbered, immutable SoA with its hash."""
    if not user.has_perm("isms.add_soa"):
        raise PermissionDenied("You may not freeze the SoA.")
    framework = soa_framework()
    if framework is None:
        raise ValidationError("Choose the framework the SoA is built on first (Frameworks).")
    rows = soa_rows_build(framework)
    if not rows:
        raise ValidationError("The SoA framework has no active controls.")
    _refuse_blocked(soa_blockers(rows), "frozen")
    number = numbering.next_number(SoA.objects.all(), sequence="isms.soa")
    summary = {
        "controls": len(rows),
        "applicable": sum(1 for r in rows if r["applicable"] is True),
        "excluded": sum(1 for r in rows if r["applicable"] is False),
        "undecided": sum(1 for r in rows if r["applicable"] is None),
        "implemented": sum(
            1 for r in rows if r["applicable"] and r["status"] == ImplementationStatus.IMPLEMENTED
        ),
        "inconsistent": sum(1 for r in rows if r["inconsistent"]),
        "evidence_conflicts": sum(
            1
            for r in rows
            if r["applicable"]
            and r["status"] == ImplementationStatus.IMPLEMENTED
            and (r["automated"] or {}).get("failed")
        ),
    }
    content = canonical_content(
        framework_code=framework.code, framework_version=framework.version, rows=rows
    )
    soa = SoA.objects.create(
        number=number,
        framework=framework,
        framework_name=framework.name,
        framework_version=framework.version,
        organisation=settings.ORGANISATION_NAME,
        content_hash=hashlib.sha256(content.encode("utf-8")).hexdigest(),
        summary=summary,
        frozen_by=user,
        frozen_at=timezone.now(),
    )
    SoARow.objects.bulk_create(
        SoARow(soa=soa, **{k: v for k, v in row.items() if k != "target_date"},
               target_date=row["target_date"])
        for row in rows
    )  # fmt: skip
    audit.record_created(soa, message=f"SoA #{number} frozen ({len(rows)} controls)")
    return soa


def soa_frozen_blockers(soa: SoA) -> list[Blocker]:
    """What blocks a frozen SoA from approval (registered as the type's `problems`): an
    SoA frozen before the completeness rules existed may still carry gaps."""
    return soa_blockers([soa_row_dict(row) for row in soa.rows.all()])


def soa_editors(soa: SoA) -> set[int]:
    """Everyone whose decisions the SoA freezes (registered as the type's `editors`):
    who froze it, and whoever created or changed the implementation of one of its
    controls since the SoA in force before it was frozen (all time for the first),
    through any path (page, API, bulk edit, import, admin). None of them may approve it."""
    from isms.models import AuditEvent, ControlImplementation

    ids = {soa.frozen_by_id} if soa.frozen_by_id else set()
    implementation_ids = ControlImplementation.objects.filter(
        control_id__in=soa.rows.values("control_id")
    ).values_list("pk", flat=True)
    events = AuditEvent.objects.filter(
        content_type=ContentType.objects.get_for_model(ControlImplementation),
        object_id__in=[str(pk) for pk in implementation_ids],
        action__in=(AuditAction.CREATE, AuditAction.UPDATE, AuditAction.DELETE),
        actor__isnull=False,
        timestamp__lte=soa.frozen_at,
    )
    previous = (
        SoA.objects.filter(number__lt=soa.number, approved_at__isnull=False)
        .order_by("-number")
        .first()
    )
    if previous is not None:
        events = events.filter(timestamp__gt=previous.frozen_at)
    ids.update(events.order_by().values_list("actor_id", flat=True).distinct())
    return ids


def soa_submit(*, soa: SoA, user, comment: str = ""):
    """Send a frozen SoA to management through the approval workflow."""
    return approvals.approval_request_submit(obj=soa, user=user, comment=comment)


def _open_request(soa: SoA):
    request = (
        ApprovalRequest.objects.filter(
            content_type=ContentType.objects.get_for_model(SoA),
            object_id=soa.pk,
            state=ApprovalState.IN_REVIEW,
        )
        .order_by("-submitted_at")
        .first()
    )
    if request is None:
        raise approvals.ApprovalConflict(f"{soa} is not awaiting approval.")
    return request


def soa_decide(
    *,
    soa: SoA,
    user,
    approve: bool,
    password: str,
    comment: str = "",
    confirmation_code: str = "",
):
    """Approve or reject a submitted SoA (the workflow re-authenticates the approver, by
    password or SSO confirmation code, and refuses whoever submitted or froze it).
    Approval makes it the current SoA and supersedes the previous one; the decision
    keeps the content hash."""
    request = _open_request(soa)
    decide = approvals.approval_request_approve if approve else approvals.approval_request_reject
    return decide(
        request=request,
        user=user,
        password=password,
        comment=comment,
        confirmation_code=confirmation_code,
    )


def soa_approval_record(soa: SoA) -> dict | None:
    """Who submitted and who decided the SoA, when, and the hash they saw (for pages,
    the PDF and the JSON download); None before submission."""
    return approvals.approval_record(soa)


def soa_download(*, soa: SoA, user, fmt: str) -> tuple[bytes, str, str]:
    """The SoA rendered as `fmt` (xlsx, pdf, csv, json) -> (content, content type,
    file name); the download is recorded in the audit trail."""
    from isms.frameworks import downloads  # it builds on this module

    if fmt not in downloads.FORMATS:
        raise ValidationError(
            {"format": f"Unknown format {fmt!r}: choose one of {', '.join(downloads.FORMATS)}."}
        )
    if not user.has_perm("isms.download_soa"):
        raise PermissionDenied("You may not download the SoA.")
    content, content_type = downloads.render(soa, fmt)
    audit.record(
        soa,
        AuditAction.DOWNLOAD,
        changes={"format": fmt, "content_hash": soa.content_hash},
        message=f"SoA #{soa.number} downloaded as {fmt.upper()}",
    )
    filename = f"soa-{soa.number}-{soa.framework.code}.{fmt}"
    return content, content_type, filename
