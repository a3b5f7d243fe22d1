"""Writes of frameworks, controls and the SoA: every one in one transaction, each
writing its own audit trail. Views, the API, commands and the demo call these.

Business rules live here (`implementation_validate`, used by the page, bulk edit, the
API and the admin): an exclusion needs a justification; the reason "risk treatment"
needs a risk that selected the control; Implemented against failing automated checks
needs a rationale; an owner edits only the implementations they own. What blocks
freezing and approving an SoA is `soa.soa_blockers`. The SoA's services (freeze,
approval, downloads) live in `isms.frameworks.soa` and are re-exported below.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from isms import audit, ownership, uploads
from isms.frameworks import evidence as automated
from isms.frameworks import treatments
from isms.frameworks.catalogue import Catalogue, CatalogueError, Mapping
from isms.models import (
    Control,
    ControlGroup,
    ControlImplementation,
    ControlMapping,
    Evidence,
    Framework,
)
from isms.models.audit import AuditAction
from isms.models.soa import ImplementationStatus, InclusionReason

IMPLEMENTATION_FIELDS = (
    "applicable",
    "reasons",
    "justification",
    "status",
    "owner",
    "target_date",
    "description",
    "evidence_text",
    "implemented_rationale",
)


# --- Catalogues -----------------------------------------------------------------------


@transaction.atomic
def framework_import(*, catalogue: Catalogue) -> tuple[Framework, dict]:
    """Create or update a framework from a validated catalogue, controls keyed by id.

    Controls and groups missing from the new file are marked withdrawn (never deleted:
    implementations and SoAs refer to them); nothing attached to a control is touched.
    Returns the framework and counts {created, updated, withdrawn, unchanged}.
    """
    framework = Framework.objects.filter(code=catalogue.code).first()
    meta = {
        "name": catalogue.name,
        "version": catalogue.version,
        "publisher": catalogue.publisher,
        "description": catalogue.description,
        "source_format": catalogue.source_format,
    }
    if framework is None:
        framework = Framework.objects.create(code=catalogue.code, **meta)
        audit.record_created(framework, message="Framework imported")
    else:
        before = audit.snapshot(framework)
        for name, value in meta.items():
            setattr(framework, name, value)
        if audit.diff(before, audit.snapshot(framework)):
            framework.save()
            _record_update(framework, before, message="Framework re-imported")

    groups = _import_groups(framework, catalogue)
    counts = _import_controls(framework, catalogue, groups)
    if framework.selected:
        _implementations_ensure(framework)
    audit.record(
        framework,
        AuditAction.IMPORT,
        changes=counts,
        message=f"Catalogue {catalogue.code} {catalogue.version}".strip(),
    )
    return framework, counts


def _import_groups(framework: Framework, catalogue: Catalogue) -> dict[str, ControlGroup]:
    existing = {g.identifier: g for g in framework.groups.all()}
    seen = set()
    for order, data in enumerate(catalogue.groups, start=1):
        seen.add(data.identifier)
        group = existing.get(data.identifier) or ControlGroup(
            framework=framework, identifier=data.identifier
        )
        group.title = data.title
        group.description = data.description
        group.theme = data.theme
        group.sort_order = order
        group.withdrawn = data.withdrawn
        group.parent = None
        group.save()
        existing[data.identifier] = group
    for data in catalogue.groups:
        if data.parent:
            group = existing[data.identifier]
            group.parent = existing[data.parent]
            group.save(update_fields=["parent"])
    gone = [g.pk for key, g in existing.items() if key not in seen]
    ControlGroup.objects.filter(pk__in=gone).update(withdrawn=True)
    return existing


CONTROL_SYNC_FIELDS = (
    "title",
    "description",
    "examples",
    "kind",
    "theme",
    "sort_order",
    "withdrawn",
    "withdrawn_note",
    "group",
)


def _import_controls(framework, catalogue, groups) -> dict:
    existing = {c.identifier: c for c in framework.controls.all()}
    created, updated, unchanged = [], [], 0
    for order, data in enumerate(catalogue.controls, start=1):
        values = {
            "title": data.title,
            "description": data.description,
            "examples": data.examples,
            "kind": data.kind,
            "theme": data.theme,
            "sort_order": order,
            "withdrawn": data.withdrawn,
            "withdrawn_note": data.withdrawn_note,
            "group": groups.get(data.group) if data.group else None,
        }
        control = existing.get(data.identifier)
        if control is None:
            control = Control(framework=framework, identifier=data.identifier, **values)
            created.append(control)
            existing[data.identifier] = control
            continue
        if any(getattr(control, k) != v for k, v in values.items()):
            for name, value in values.items():
                setattr(control, name, value)
            updated.append(control)
        else:
            unchanged += 1
    Control.objects.bulk_create(created, batch_size=500)
    listed = {c.identifier for c in catalogue.controls}
    withdrawn = [
        c
        for key, c in existing.items()
        if key not in listed and not c.withdrawn and c.pk is not None
    ]
    for control in withdrawn:
        control.withdrawn = True
        control.withdrawn_note = "Not in the latest version of the catalogue."
    Control.objects.bulk_update(
        updated + withdrawn, [*CONTROL_SYNC_FIELDS, "withdrawn", "withdrawn_note"], batch_size=500
    )
    # Parents (enhancements) once every control has a primary key.
    by_id = {c.identifier: c for c in Control.objects.filter(framework=framework)}
    with_parent = []
    for data in catalogue.controls:
        control = by_id[data.identifier]
        parent = by_id[data.parent] if data.parent else None
        if control.parent_id != (parent.pk if parent else None):
            control.parent = parent
            with_parent.append(control)
    Control.objects.bulk_update(with_parent, ["parent"], batch_size=500)
    audit.record_many(created, AuditAction.CREATE, message="Control imported")
    audit.record_many(updated, AuditAction.UPDATE, message="Control updated by re-import")
    audit.record_many(withdrawn, AuditAction.UPDATE, message="Control withdrawn by re-import")
    return {
        "created": len(created),
        "updated": len(updated),
        "withdrawn": len(withdrawn),
        "unchanged": unchanged,
    }


@transaction.atomic
def mapping_import(*, mapping: Mapping) -> int:
    """Replace the links from `mapping.source` to `mapping.target` with the file's.

    Every id is checked first; any unknown framework or control rejects the whole file.
    """
    frameworks = {
        f.code: f for f in Framework.objects.filter(code__in=[mapping.source, mapping.target])
    }
    problems = [
        f"Unknown framework {code!r}: import its catalogue first."
        for code in (mapping.source, mapping.target)
        if code not in frameworks
    ]
    if problems:
        raise CatalogueError(problems)
    sources = dict(
        Control.objects.filter(framework=frameworks[mapping.source]).values_list("identifier", "pk")
    )
    targets = dict(
        Control.objects.filter(framework=frameworks[mapping.target]).values_list("identifier", "pk")
    )
    for source, target in mapping.pairs:
        if source not in sources:
            problems.append(f"Unknown {mapping.source} control {source!r}.")
        if target not in targets:
            problems.append(f"Unknown {mapping.target} control {target!r}.")
    if problems:
        raise CatalogueError(sorted(set(problems), key=problems.index))
    ControlMapping.objects.filter(
        source__framework=frameworks[mapping.source], target__framework=frameworks[mapping.target]
    ).delete()
    ControlMapping.objects.bulk_create(
        ControlMapping(
            source_id=sources[s], target_id=targets[t], relationship=mapping.relationship
        )
        for s, t in mapping.pairs
    )
    audit.record(
        frameworks[mapping.source],
        AuditAction.IMPORT,
        changes={"mapping_target": mapping.target, "links": len(mapping.pairs)},
        message=f"Mapping {mapping.source} -> {mapping.target} imported",
    )
    return len(mapping.pairs)


# --- Choosing frameworks (step 7) -----------------------------------------------------


@transaction.atomic
def framework_select(*, selected: Iterable[Framework], soa_basis: Framework | None) -> None:
    """Set which frameworks the ISMS uses and which one the SoA is built on; create an
    implementation record for every active control of a selected framework."""
    selected_ids = {f.pk for f in selected}
    basis_id = soa_basis.pk if soa_basis is not None else None
    if basis_id is not None and basis_id not in selected_ids:
        raise ValidationError({"soa_basis": "The SoA framework must be one of the selected."})
    frameworks = list(Framework.objects.select_for_update().order_by("pk"))
    # Frameworks losing the SoA basis are saved first, so that the one-basis constraint
    # holds after every single UPDATE.
    for framework in sorted(frameworks, key=lambda f: f.pk == basis_id):
        before = audit.snapshot(framework)
        framework.selected = framework.pk in selected_ids
        framework.soa_basis = framework.pk == basis_id
        if (before["selected"], before["soa_basis"]) != (framework.selected, framework.soa_basis):
            framework.save(update_fields=["selected", "soa_basis", "updated_at"])
            _record_update(framework, before, message="Framework selection")
        if framework.selected:
            _implementations_ensure(framework)


def _record_update(obj, before: dict, *, message: str = ""):
    """Record what changed since `before`, leaving out the automatic `updated_at`."""
    changes = audit.diff(before, audit.snapshot(obj))
    changes.pop("updated_at", None)
    if changes:
        audit.record(obj, AuditAction.UPDATE, changes=changes, message=message)


def _implementations_ensure(framework: Framework) -> list[ControlImplementation]:
    missing = Control.objects.filter(
        framework=framework, withdrawn=False, implementation__isnull=True
    )
    created = ControlImplementation.objects.bulk_create(
        [ControlImplementation(control=control) for control in missing], batch_size=500
    )
    audit.record_many(created, AuditAction.CREATE, message="Implementation record created")
    return created


# --- Implementation (step 9 work) -----------------------------------------------------


def implementation_can_edit(user, implementation: ControlImplementation) -> bool:
    """Security managers edit every implementation; an owner edits the ones they own."""
    if user.has_perm("isms.change_controlimplementation"):
        return True
    return implementation.owner_id is not None and implementation.owner_id == user.pk


def implementation_validate(
    values: dict, *, control_id: int, changed, risks: dict | None = None, checks: dict | None = None
) -> None:
    """The rules of one control's decision, for every path that writes one (page, bulk
    edit, API, admin): known reasons and status; an exclusion needs a justification;
    the reason "risk treatment" needs a risk whose treatment selected the control; and
    marking it implemented while mapped automated checks fail needs a rationale.

    `values` are the IMPLEMENTATION_FIELDS after the change, `changed` the names of
    the fields being changed (the last two rules are checked when the decision or
    status they depend on changes); `risks`/`checks` are the treatments and evidence
    providers' answers when the caller already asked them for many controls.
    """
    errors = {}
    reasons = values.get("reasons") or []
    unknown = [r for r in reasons if r not in InclusionReason.values]
    if unknown:
        errors["reasons"] = f"Unknown reasons: {', '.join(map(str, unknown))}."
    if values.get("applicable") is False and not (values.get("justification") or "").strip():
        errors["justification"] = "Explain why this control is excluded (not applicable)."
    if values.get("status") not in ImplementationStatus.values:
        errors["status"] = f"Unknown status {values.get('status')!r}."
    changed = set(changed)
    if (
        values.get("applicable") is not False
        and InclusionReason.RISK_TREATMENT in reasons
        and changed & {"reasons", "applicable"}
    ):
        if risks is None:
            risks = treatments.for_controls([control_id])
        if not risks.get(control_id):
            errors["reasons"] = (
                "No risk's treatment selects this control: remove “Risk treatment” or "
                "select the control in a risk's treatment first."
            )
    if (
        values.get("applicable") is not False
        and values.get("status") == ImplementationStatus.IMPLEMENTED
        and not (values.get("implemented_rationale") or "").strip()
        and changed & {"status", "applicable", "implemented_rationale"}
    ):
        if checks is None:
            checks = automated.for_controls([control_id])
        failing = automated.totals(checks.get(control_id, []))
        if failing["failed"]:
            errors["implemented_rationale"] = (
                f"Mapped automated checks fail ({failing['failed']} failing, "
                f"{failing['passed']} passing): record why the control is implemented "
                "nonetheless, or choose another status."
            )
    if errors:
        raise ValidationError(errors)


@audit.acts_as_user
@transaction.atomic
def control_implementation_update(
    *, implementation: ControlImplementation, user, data: dict
) -> ControlImplementation:
    """Change the decision and implementation of one control; refuses an exclusion without
    a justification. `data` holds fields of IMPLEMENTATION_FIELDS (only those changed)."""
    changes = dict(data)
    if not implementation_can_edit(user, implementation):
        raise PermissionDenied("You may not edit this control's implementation.")
    unknown = set(changes) - set(IMPLEMENTATION_FIELDS)
    if unknown:
        raise ValueError(f"Not implementation fields: {sorted(unknown)}")
    implementation = ControlImplementation.objects.select_for_update().get(pk=implementation.pk)
    if "owner" in changes:
        # The one transfer rule (isms.ownership), as for assets: an owner cannot hand
        # their implementation to someone else.
        ownership.check_transfer(user, implementation, changes["owner"])
    values = {name: getattr(implementation, name) for name in IMPLEMENTATION_FIELDS}
    values.update(changes)
    if values["applicable"] is False and "reasons" not in changes:
        values["reasons"] = []
    implementation_validate(values, control_id=implementation.control_id, changed=changes)
    before = audit.snapshot(implementation)
    for name, value in values.items():
        setattr(implementation, name, value)
    if audit.diff(before, audit.snapshot(implementation)):
        implementation.save()
        _record_update(implementation, before)
    return implementation


BULK_FIELDS = ("applicable", "reasons", "justification", "status", "owner", "target_date")


@audit.acts_as_user
@transaction.atomic
def control_implementation_bulk_update(
    *, implementations: Iterable[ControlImplementation], user, changes: dict
) -> int:
    """Apply the same `changes` (fields of BULK_FIELDS) to many implementations, e.g. a
    whole theme; all or nothing: one invalid row rejects the lot, naming the control."""
    if not user.has_perm("isms.change_controlimplementation"):
        raise PermissionDenied("You may not bulk-edit implementations.")
    unknown = set(changes) - set(BULK_FIELDS)
    if unknown:
        raise ValueError(f"Not bulk-editable fields: {sorted(unknown)}")
    ids = [i.pk for i in implementations]
    rows = list(
        ControlImplementation.objects.select_for_update()
        .select_related("control")
        .filter(pk__in=ids)
    )
    befores, errors = {}, []
    control_ids = [implementation.control_id for implementation in rows]
    risks = treatments.for_controls(control_ids)
    checks = automated.for_controls(control_ids)
    for implementation in rows:
        values = {name: getattr(implementation, name) for name in IMPLEMENTATION_FIELDS}
        values.update(changes)
        if values["applicable"] is False and "reasons" not in changes:
            values["reasons"] = []
        try:
            implementation_validate(
                values,
                control_id=implementation.control_id,
                changed=changes,
                risks=risks,
                checks=checks,
            )
        except ValidationError as exc:
            for message in exc.messages:
                errors.append(f"{implementation.control.identifier}: {message}")
            continue
        befores[implementation.pk] = audit.snapshot(implementation, exclude=("updated_at",))
        for name, value in values.items():
            setattr(implementation, name, value)
        implementation.updated_at = timezone.now()
    if errors:
        raise ValidationError(errors)
    ControlImplementation.objects.bulk_update(rows, [*IMPLEMENTATION_FIELDS, "updated_at"])
    audit.record_many(
        rows,
        AuditAction.UPDATE,
        changes_for=lambda i: audit.diff(
            befores[i.pk], audit.snapshot(i, exclude=("updated_at",), m2m=False)
        ),
        message="Bulk edit",
    )
    return len(rows)


def evidence_validity(
    *, implementation: ControlImplementation, kind: str, valid_from=None, valid_until=None
):
    """(valid_from, valid_until) of new evidence: the expiry given, else the start plus the
    control's validity, else plus the kind's default. An end before the start is refused."""
    import datetime

    from isms.choices import EVIDENCE_VALIDITY_DAYS

    start = valid_from or timezone.localdate()
    if valid_until is None:
        days = implementation.evidence_validity_days or EVIDENCE_VALIDITY_DAYS.get(kind, 365)
        valid_until = start + datetime.timedelta(days=days)
    if valid_until < start:
        raise ValidationError({"valid_until": "The validity period ends before it starts."})
    return start, valid_until


@audit.acts_as_user
@transaction.atomic
def evidence_add(
    *,
    implementation: ControlImplementation,
    user,
    title: str,
    url: str = "",
    upload=None,
    kind: str = "other",
    valid_from=None,
    valid_until=None,
    as_tester: bool = False,
) -> Evidence:
    """Attach a link or an uploaded file to a control; files go through the shared
    upload checks (`isms.uploads`: type by extension and content, size limit). The
    evidence is valid from `valid_from` (today) until `valid_until` (by default the
    control's evidence validity, else the kind's: `evidence_validity`).

    `as_tester`: the caller (`isms.assurance.services.result_record`) has checked that
    `user` is the tester of a test of this control, who may attach the evidence of the
    result they record without otherwise editing the control."""
    if not (as_tester or implementation_can_edit(user, implementation)):
        raise PermissionDenied("You may not add evidence to this control.")
    if bool(url) == bool(upload):
        raise ValidationError({"url": "Give either a link or a file (one of the two)."})
    start, end = evidence_validity(
        implementation=implementation, kind=kind, valid_from=valid_from, valid_until=valid_until
    )
    item = Evidence(
        implementation=implementation,
        title=title,
        url=url or "",
        added_by=user,
        kind=kind,
        valid_from=start,
        valid_until=end,
    )
    if upload is not None:
        item.file.save(uploads.validate_upload(upload), upload, save=False)
    item.save()
    audit.record_created(item, message=f"Evidence for {implementation.control.identifier}")
    return item


@audit.acts_as_user
@transaction.atomic
def evidence_delete(*, item: Evidence, user) -> None:
    """Remove a piece of evidence (the file goes once the transaction commits)."""
    if not implementation_can_edit(user, item.implementation):
        raise PermissionDenied("You may not remove this evidence.")
    audit.record_deleted(item, message=f"Evidence of {item.implementation.control.identifier}")
    stored = item.file.name
    storage = item.file.storage
    item.delete()
    if stored:
        transaction.on_commit(lambda: storage.delete(stored))


# The SoA services live in their own module; callers use them from here.
from isms.frameworks.soa import (  # noqa: E402
    BLOCKER_KINDS,
    Blocker,
    canonical_content,
    soa_approval_record,
    soa_blockers,
    soa_content,
    soa_decide,
    soa_download,
    soa_editors,
    soa_framework,
    soa_freeze,
    soa_frozen_blockers,
    soa_row_dict,
    soa_rows_build,
    soa_submit,
)

__all__ = [
    "BLOCKER_KINDS",
    "Blocker",
    "canonical_content",
    "control_implementation_bulk_update",
    "control_implementation_update",
    "evidence_add",
    "evidence_delete",
    "framework_import",
    "framework_select",
    "implementation_can_edit",
    "implementation_validate",
    "mapping_import",
    "soa_approval_record",
    "soa_content",
    "soa_decide",
    "soa_blockers",
    "soa_download",
    "soa_editors",
    "soa_framework",
    "soa_freeze",
    "soa_frozen_blockers",
    "soa_row_dict",
    "soa_rows_build",
    "soa_submit",
]
