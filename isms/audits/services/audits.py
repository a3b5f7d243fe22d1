"""Writes of the clauses catalogue, audit programmes, audits, checklist items, audit
evidence and audit reports: one business operation per transaction, each with its audit
trail. Pages, the API, the demo and commands call these; the rules live here.

Rules:
- an audit's dates run forwards; its auditors are independent of what it audits
  (9.2.2 b)): nobody audits a control they own (its implementation owner) or a process
  they are audited on (an auditee), nor what an `independence_checks` provider reports
  (the `assets` app can register asset owners of the audited processes);
- the checklist is generated from the criteria: one item per clause or control;
- only an auditor of the audit concludes its items, while it is planned or in progress;
- a nonconformity conclusion needs a requirement and at least one piece of evidence;
- an audit completes only when every item is concluded; a completed audit is frozen;
- a report is made from a completed audit, submitted to the approval workflow and,
  once approved, frozen and hashed like every approved document.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from isms import audit, numbering, uploads
from isms.audits.models import (
    NC_CONCLUSIONS,
    Audit,
    AuditConclusion,
    AuditEvidence,
    AuditItem,
    AuditProgramme,
    AuditReport,
    AuditStatus,
    ClauseRequirement,
)
from isms.models import Control, ControlImplementation, Framework
from isms.models.approvals import ApprovedVersionFrozen
from isms.registry import Registry

CLAUSES_FILE = (
    Path(__file__).resolve().parents[2] / "frameworks" / "data" / "iso27001-2022-clauses.json"
)
CLAUSES_CODE = "iso27001-2022-clauses"
INDEPENDENCE_RULE = "Independence (9.2.2 b))"

PROGRAMME_FIELDS = (
    "year", "title", "objectives", "criteria", "scope", "frequency", "methods",
    "responsibilities", "process_importance", "previous_results", "owner", "next_review",
)  # fmt: skip
AUDIT_FIELDS = ("title", "scope", "planned_start", "planned_end")


# --- Clauses 4-10 ---------------------------------------------------------------------


@transaction.atomic
def clauses_load(*, path: Path = CLAUSES_FILE) -> Framework:
    """Import (or refresh) the clauses 4-10 catalogue as a framework of the shared
    catalogue, not selected and not the SoA basis, and store each clause's marks
    (mandatory documented information, where the product holds it). Idempotent."""
    from isms.frameworks import services as framework_services
    from isms.frameworks.catalogue import parse_catalogue

    raw = path.read_bytes()
    framework, _counts = framework_services.framework_import(
        catalogue=parse_catalogue(raw, path.name)
    )
    marks = {
        item["id"]: (item.get("documented_information", ""), item.get("held_in", ""))
        for item in json.loads(raw)["controls"]
    }
    controls = {c.identifier: c for c in framework.controls.all()}
    existing = {
        r.control_id: r for r in ClauseRequirement.objects.filter(control__framework=framework)
    }
    for identifier, (documented, held_in) in marks.items():
        control = controls[identifier]
        row = existing.get(control.pk)
        if row is None:
            ClauseRequirement.objects.create(
                control=control, documented_information=documented, held_in=held_in
            )
        elif (row.documented_information, row.held_in) != (documented, held_in):
            row.documented_information, row.held_in = documented, held_in
            row.save(update_fields=["documented_information", "held_in"])
    return framework


# --- Independence -----------------------------------------------------------------------

# provider(controls: list[Control], user_ids: set[int]) -> Iterable[(user_id, reason)]:
# the users among `user_ids` who may not audit those controls, and why. `isms` checks the
# control implementation owners; other apps register their own (asset owners).
independence_checks: Registry[Callable, Callable] = Registry("audit independence checks")


def _implementation_owners(controls, user_ids) -> Iterable[tuple[int, str]]:
    rows = ControlImplementation.objects.filter(
        control__in=controls, owner_id__in=user_ids
    ).select_related("control")
    for implementation in rows:
        yield (
            implementation.owner_id,
            _("owns the implementation of control %(control)s")
            % {"control": implementation.control.identifier},
        )


independence_checks.register(_implementation_owners)


def independence_problems(*, auditors, auditees, controls) -> list[str]:
    """Why the auditors are not independent of what they audit (empty: they are)."""
    from django.contrib.auth import get_user_model

    auditor_ids = {u.pk for u in auditors}
    reasons: dict[int, list[str]] = {}
    for user in auditees:
        if user.pk in auditor_ids:
            reasons.setdefault(user.pk, []).append(_("is also an auditee of this audit"))
    controls = list(controls)
    if controls and auditor_ids:
        for check in independence_checks:
            for user_id, reason in check(controls, auditor_ids):
                reasons.setdefault(user_id, []).append(str(reason))
    if not reasons:
        return []
    names = dict(get_user_model().objects.filter(pk__in=reasons).values_list("pk", "username"))
    return [
        _("%(rule)s: %(user)s may not audit what they own or implemented: %(why)s.")
        % {"rule": INDEPENDENCE_RULE, "user": names.get(pk, pk), "why": "; ".join(why)}
        for pk, why in sorted(reasons.items())
    ]


def _check_independence(auditors, auditees, controls) -> None:
    problems = independence_problems(auditors=auditors, auditees=auditees, controls=controls)
    if problems:
        raise ValidationError({"auditors": problems}, code="independence")


# --- Programmes -------------------------------------------------------------------------


@audit.acts_as_user
@transaction.atomic
def programme_save(*, user, programme: AuditProgramme | None = None, **fields) -> AuditProgramme:
    """Create the audit programme of a year, or change one (9.2.2)."""
    unknown = set(fields) - set(PROGRAMME_FIELDS)
    if unknown:
        raise ValidationError(_("Unknown fields: %s") % ", ".join(sorted(unknown)))
    creating = programme is None
    if creating:
        programme = AuditProgramme()
        before = None
    else:
        programme = AuditProgramme.objects.select_for_update().get(pk=programme.pk)
        before = audit.snapshot(programme)
        if "year" in fields and fields["year"] != programme.year and programme.audits.exists():
            raise ValidationError(
                {
                    "year": _(
                        "The year of a programme with audits cannot change "
                        "(their references use it)."
                    )
                }
            )
    for name, value in fields.items():
        setattr(programme, name, value)
    programme.full_clean()
    programme.save()
    if creating:
        audit.record_created(programme, message="Audit programme created")
    else:
        audit.record_change(programme, before, message="Audit programme changed")
    return programme


# --- Audits -----------------------------------------------------------------------------


def _ensure_open(audit_obj: Audit) -> None:
    if audit_obj.status == AuditStatus.COMPLETED:
        raise ApprovedVersionFrozen(
            _("%(audit)s is completed: its plan and checklist can no longer change.")
            % {"audit": audit_obj.reference}
        )


def _check_dates(start, end) -> None:
    if start and end and end < start:
        raise ValidationError({"planned_end": _("The audit ends before it starts.")})


def _check_people(auditors, criteria) -> None:
    if not auditors:
        raise ValidationError({"auditors": _("An audit needs at least one auditor.")})
    if not criteria:
        raise ValidationError({"criteria": _("Choose at least one clause or control to audit.")})


@audit.acts_as_user
@transaction.atomic
def audit_create(
    *, user, programme: AuditProgramme, title: str, planned_start, planned_end, auditors,
    criteria, auditees=(), scope: str = "",
) -> Audit:  # fmt: skip
    """Plan an audit in a programme: reference A-<year>-<nn> from the programme's
    sequence, independent auditors, and its checklist generated from the criteria."""
    auditors, auditees, criteria = list(auditors), list(auditees), list(criteria)
    _check_dates(planned_start, planned_end)
    _check_people(auditors, criteria)
    _check_independence(auditors, auditees, criteria)
    number = numbering.next_number(
        Audit.objects.filter(programme=programme), sequence=f"audits.audit:{programme.pk}"
    )
    item = Audit(
        programme=programme, number=number, title=title, scope=scope,
        planned_start=planned_start, planned_end=planned_end,
    )  # fmt: skip
    item.full_clean(exclude=["number"])
    item.save()
    item.auditors.set(auditors)
    item.auditees.set(auditees)
    item.criteria.set(criteria)
    checklist_generate(item)
    audit.record_created(item, message=f"Audit {item.reference} planned")
    return item


@audit.acts_as_user
@transaction.atomic
def audit_update(*, user, audit_obj: Audit, auditors=None, auditees=None, criteria=None, **fields):
    """Change an audit's plan (not once completed); independence is checked again and
    the checklist follows the criteria (unconcluded items of removed criteria go)."""
    audit_obj = Audit.objects.select_for_update().select_related("programme").get(pk=audit_obj.pk)
    _ensure_open(audit_obj)
    unknown = set(fields) - set(AUDIT_FIELDS)
    if unknown:
        raise ValidationError(_("Unknown fields: %s") % ", ".join(sorted(unknown)))
    before = audit.snapshot(audit_obj)
    for name, value in fields.items():
        setattr(audit_obj, name, value)
    _check_dates(audit_obj.planned_start, audit_obj.planned_end)
    auditors = list(audit_obj.auditors.all()) if auditors is None else list(auditors)
    auditees = list(audit_obj.auditees.all()) if auditees is None else list(auditees)
    criteria = list(audit_obj.criteria.all()) if criteria is None else list(criteria)
    _check_people(auditors, criteria)
    _check_independence(auditors, auditees, criteria)
    removed = audit_obj.items.exclude(requirement__in=criteria)
    if removed.exclude(conclusion="").exists():
        raise ValidationError(
            {"criteria": _("A criterion whose checklist item is concluded cannot be removed.")}
        )
    removed.delete()
    audit_obj.full_clean()
    audit_obj.save()
    audit_obj.auditors.set(auditors)
    audit_obj.auditees.set(auditees)
    audit_obj.criteria.set(criteria)
    checklist_generate(audit_obj)
    audit.record_change(audit_obj, before, message=f"Audit {audit_obj.reference} changed")
    return audit_obj


def checklist_generate(audit_obj: Audit) -> int:
    """Add a checklist item for every criterion that has none yet (what to check: the
    requirement's description), in catalogue order. Returns how many were added."""
    have = set(audit_obj.items.values_list("requirement_id", flat=True))
    new = [
        AuditItem(
            audit=audit_obj,
            requirement=control,
            sort_order=index,
            question=control.description,
        )
        for index, control in enumerate(
            audit_obj.criteria.select_related("framework").order_by("framework__code", "sort_order")
        )
        if control.pk not in have
    ]
    AuditItem.objects.bulk_create(new)
    return len(new)


def _auditor_of(audit_obj: Audit, user) -> None:
    if not audit_obj.auditors.filter(pk=user.pk).exists():
        raise PermissionDenied(
            _("Only an auditor of %(audit)s may do this.") % {"audit": audit_obj.reference}
        )


@audit.acts_as_user
@transaction.atomic
def audit_start(*, user, audit_obj: Audit) -> Audit:
    """An auditor starts the audit (planned -> in progress)."""
    audit_obj = Audit.objects.select_for_update().select_related("programme").get(pk=audit_obj.pk)
    _auditor_of(audit_obj, user)
    _ensure_open(audit_obj)
    if audit_obj.status == AuditStatus.PLANNED:
        before = audit.snapshot(audit_obj)
        audit_obj.status = AuditStatus.IN_PROGRESS
        audit_obj.started_on = timezone.localdate()
        audit_obj.save(update_fields=["status", "started_on", "updated_at"])
        audit.record_change(audit_obj, before, message=f"Audit {audit_obj.reference} started")
    return audit_obj


@audit.acts_as_user
@transaction.atomic
def audit_complete(*, user, audit_obj: Audit, summary: str) -> Audit:
    """An auditor completes the audit once every checklist item is concluded."""
    audit_obj = Audit.objects.select_for_update().select_related("programme").get(pk=audit_obj.pk)
    _auditor_of(audit_obj, user)
    _ensure_open(audit_obj)
    open_items = list(
        audit_obj.items.filter(conclusion="").values_list("requirement__identifier", flat=True)
    )
    if open_items:
        raise ValidationError(
            _("Every checklist item needs a conclusion before the audit completes; open: %s.")
            % ", ".join(open_items[:20])
        )
    if not (summary or "").strip():
        raise ValidationError({"summary": _("Summarise the audit before completing it.")})
    before = audit.snapshot(audit_obj)
    today = timezone.localdate()
    audit_obj.status = AuditStatus.COMPLETED
    audit_obj.started_on = audit_obj.started_on or today
    audit_obj.completed_on = today
    audit_obj.summary = summary.strip()
    audit_obj.save()
    audit.record_change(audit_obj, before, message=f"Audit {audit_obj.reference} completed")
    return audit_obj


# --- Checklist items and evidence ------------------------------------------------------


@audit.acts_as_user
@transaction.atomic
def evidence_add(*, user, item: AuditItem, title: str, url: str = "", upload=None) -> AuditEvidence:
    """An auditor attaches what they saw to a checklist item: a link or a file (the
    shared upload checks apply, as for control evidence)."""
    item = AuditItem.objects.select_related("audit__programme").get(pk=item.pk)
    _auditor_of(item.audit, user)
    _ensure_open(item.audit)
    if bool(url) == bool(upload):
        raise ValidationError({"url": _("Give either a link or a file (one of the two).")})
    evidence = AuditEvidence(item=item, title=title, url=url or "", added_by=user)
    if upload is not None:
        evidence.file.save(uploads.validate_upload(upload), upload, save=False)
    evidence.full_clean(exclude=["file"])
    evidence.save()
    audit.record_created(evidence, message=f"Evidence for {item}")
    return evidence


@audit.acts_as_user
@transaction.atomic
def item_conclude(
    *,
    user,
    item: AuditItem,
    conclusion: str,
    findings: str = "",
    requirement: Control | None = None,
) -> AuditItem:
    """An independent auditor concludes a checklist item. A nonconformity needs the
    requirement it breaches and at least one piece of evidence; the rest of the
    nonconformity's life is in the nonconformity register."""
    item = (
        AuditItem.objects.select_for_update()
        .select_related("audit__programme", "requirement")
        .get(pk=item.pk)
    )
    audit_obj = item.audit
    _auditor_of(audit_obj, user)
    _ensure_open(audit_obj)
    if conclusion not in AuditConclusion.values:
        raise ValidationError({"conclusion": _("Choose a conclusion.")})
    requirement = requirement or item.requirement
    _check_independence([user], [], [requirement])
    if conclusion in NC_CONCLUSIONS:
        if requirement is None:
            raise ValidationError(
                {"requirement": _("A nonconformity must name the requirement it breaches.")}
            )
        if not item.evidence.exists():
            raise ValidationError(
                {"conclusion": _("A nonconformity needs evidence: attach a link or a file first.")}
            )
        if not (findings or "").strip():
            raise ValidationError({"findings": _("Describe the nonconformity in the findings.")})
    before = audit.snapshot(item)
    item.conclusion = conclusion
    item.findings = (findings or "").strip()
    item.requirement = requirement
    item.concluded_by = user
    item.concluded_at = timezone.now()
    item.save()
    if audit_obj.status == AuditStatus.PLANNED:
        Audit.objects.filter(pk=audit_obj.pk).update(
            status=AuditStatus.IN_PROGRESS, started_on=timezone.localdate()
        )
    audit.record_change(item, before, message=f"Checklist item {item} concluded")
    if conclusion in NC_CONCLUSIONS or conclusion == AuditConclusion.IMPROVEMENT:
        _raise_from_item(item, user)
    return item


def _raise_from_item(item: AuditItem, user) -> None:
    """The nonconformity (or opportunity for improvement) an item's conclusion raises in
    the register (10.1, 10.2), in the same transaction; once per item."""
    from isms.audits.models import NcSeverity, NonconformityKind, Origin
    from isms.audits.services.nonconformities import raise_nonconformity

    improvement = item.conclusion == AuditConclusion.IMPROVEMENT
    requirement = item.requirement
    what = f"{requirement.identifier} {requirement.title}" if requirement else str(item)
    raise_nonconformity(
        title=f"{item.audit.reference}: {what}"[:200],
        description=item.findings,
        severity=""
        if improvement
        else (
            NcSeverity.MAJOR if item.conclusion == AuditConclusion.NC_MAJOR else NcSeverity.MINOR
        ),
        raised_by=user,
        source=item,
        requirement=item.requirement,
        origin=Origin.INTERNAL_AUDIT,
        kind=NonconformityKind.IMPROVEMENT if improvement else NonconformityKind.NONCONFORMITY,
    )


# --- Reports ----------------------------------------------------------------------------


def report_content(audit_obj: Audit) -> dict:
    """The audit as reported: plain data, stored in the report and hashed on approval."""
    items = audit_obj.items.select_related("requirement__framework").prefetch_related("evidence")
    return {
        "reference": audit_obj.reference,
        "title": audit_obj.title,
        "programme": audit_obj.programme.year,
        "scope": audit_obj.scope,
        "planned": [audit_obj.planned_start.isoformat(), audit_obj.planned_end.isoformat()],
        "performed": [
            audit_obj.started_on.isoformat() if audit_obj.started_on else "",
            audit_obj.completed_on.isoformat() if audit_obj.completed_on else "",
        ],
        "auditors": sorted(u.get_username() for u in audit_obj.auditors.all()),
        "auditees": sorted(u.get_username() for u in audit_obj.auditees.all()),
        "summary": audit_obj.summary,
        "items": [
            {
                "framework": i.requirement.framework.code,
                "requirement": i.requirement.identifier,
                "title": i.requirement.title,
                "conclusion": i.conclusion,
                "findings": i.findings,
                "evidence": [e.url or e.file.name for e in i.evidence.all()],
            }
            for i in items
        ],
    }


def report_canonical(report: AuditReport) -> str:
    """The exact text whose SHA-256 the approval records."""
    return json.dumps(
        {"audit": report.audit_id, "version": report.version, "conclusion": report.conclusion,
         "content": report.content},
        sort_keys=True, ensure_ascii=False, separators=(",", ":"),
    )  # fmt: skip


@audit.acts_as_user
@transaction.atomic
def report_create(*, user, audit_obj: Audit, conclusion: str) -> AuditReport:
    """A new version of the report of a completed audit, its content taken now."""
    audit_obj = Audit.objects.select_for_update().select_related("programme").get(pk=audit_obj.pk)
    if not (
        user.has_perm("audits.add_auditreport") or audit_obj.auditors.filter(pk=user.pk).exists()
    ):
        raise PermissionDenied(
            _("Only the audit's auditors or a security manager write its report.")
        )
    if audit_obj.status != AuditStatus.COMPLETED:
        raise ValidationError(_("Only a completed audit has a report."))
    if not (conclusion or "").strip():
        raise ValidationError({"conclusion": _("The report needs an overall conclusion.")})
    version = numbering.next_number(
        audit_obj.reports.all(), sequence=f"audits.auditreport:{audit_obj.pk}", field="version"
    )
    report = AuditReport.objects.create(
        audit=audit_obj, version=version, conclusion=conclusion.strip(),
        content=report_content(audit_obj), created_by=user,
    )  # fmt: skip
    audit.record_created(report, message=f"Report of {audit_obj.reference}")
    return report


def report_editors(report: AuditReport):
    """Who wrote what is approved: the report's author and the audit's auditors (none of
    them may approve it)."""
    editors = list(report.audit.auditors.all())
    if report.created_by is not None:
        editors.append(report.created_by)
    return editors
