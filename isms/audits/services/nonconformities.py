"""Every write to the nonconformity register (10.1, 10.2). One business operation per
transaction, each written to the audit trail.

Who may do what: the security manager records, edits, acts on and verifies (the
model permissions `audits.add_nonconformity` / `audits.change_nonconformity`); closing
a major nonconformity is Management's decision (`audits.decide_nonconformity`). Other
apps raise nonconformities through `raise_nonconformity()` (their own permission
check first: the follow-up hooks check `audits.add_nonconformity`).
"""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from isms import audit, numbering
from isms.audits.models.nonconformities import (
    MAX_WHYS,
    REF_PREFIX,
    ActionStatus,
    CorrectiveAction,
    EffectivenessCheck,
    EffectivenessResult,
    NcSeverity,
    NcStatus,
    Nonconformity,
    NonconformityKind,
    Origin,
)
from isms.errors import StaleVersion

ADD = "audits.add_nonconformity"
CHANGE = "audits.change_nonconformity"
DECIDE = "audits.decide_nonconformity"

EDIT_FIELDS = (
    "title",
    "description",
    "origin",
    "severity",
    "requirement",
    "requirement_ref",
    "owner",
    "detected_on",
    "due_on",
    "containment",
    "root_cause_whys",
    "root_cause",
)
ACTION_FIELDS = ("title", "description", "owner", "due_on", "status", "done_on")


class NonconformityConflict(StaleVersion):
    """A save based on an older version of the nonconformity: refused, nothing changed
    (409 `stale` in the API, a message on the page)."""

    def __init__(self, nc: Nonconformity, expected_version: int):
        super().__init__(
            _(
                "%(ref)s was changed by someone else since you opened it "
                "(version %(old)s → %(new)s)."
            )
            % {"ref": nc.ref, "old": expected_version, "new": nc.version},
            current_version=nc.version,
            changes=changes_since(nc, expected_version),
        )


def changes_since(nc: Nonconformity, version: int) -> list[dict]:
    """What was changed on `nc` after `version`, from the audit trail, newest first."""
    result = []
    for event in audit.history(nc).order_by("-timestamp", "-id")[:50]:
        versions = event.changes.get("version") if isinstance(event.changes, dict) else None
        if not isinstance(versions, list) or (versions[1] or 0) <= version:
            continue
        result.append(
            {
                "actor": event.actor_repr or event.source,
                "timestamp": event.timestamp,
                "fields": {
                    k: v
                    for k, v in event.changes.items()
                    if k not in ("version", "updated_at", "updated_by")
                },
            }
        )
    return result


# --- Helpers ----------------------------------------------------------------------------------


def _require(user, permission: str, message: str) -> None:
    if user is None or not user.is_authenticated or not user.has_perm(permission):
        raise PermissionDenied(message)


def _locked(nc: Nonconformity, expected_version: int | None) -> Nonconformity:
    """The nonconformity, row-locked, refused if stale (`expected_version` given)."""
    nc = Nonconformity.objects.select_for_update().get(pk=nc.pk)
    if expected_version is not None and int(expected_version) != nc.version:
        raise NonconformityConflict(nc, int(expected_version))
    return nc


def _require_open(nc: Nonconformity) -> None:
    if not nc.is_open:
        raise ValidationError(
            _("%s is closed: it can no longer be changed.") % nc.ref, code="closed"
        )


def _clean_whys(value) -> list[str]:
    whys = [str(w).strip() for w in (value or []) if str(w).strip()]
    if len(whys) > MAX_WHYS:
        raise ValidationError(
            {"root_cause_whys": _("At most %(n)s answers to 'why?'.") % {"n": MAX_WHYS}}
        )
    return whys


def _check_record(nc: Nonconformity) -> None:
    """The rules of the record itself: a severity for a nonconformity, none for an
    opportunity for improvement; a requirement for a nonconformity."""
    errors = {}
    if nc.is_nonconformity:
        if nc.severity not in NcSeverity.values:
            errors["severity"] = _("A nonconformity is major or minor: choose its severity.")
        if not nc.requirement_id and not nc.requirement_ref.strip():
            errors["requirement"] = _(
                "Name the requirement that is not met: a clause or control, or a free reference."
            )
    else:
        nc.severity = ""
    if nc.due_on and nc.detected_on and nc.due_on < nc.detected_on:
        errors["due_on"] = _("The target closure date cannot be before the detection date.")
    if errors:
        raise ValidationError(errors)


def _refresh_status(nc: Nonconformity) -> None:
    """Derive the status of an open record from its actions and latest check."""
    if not nc.is_open:
        return
    actions = list(nc.actions.values_list("status", "done_on"))
    open_actions = [s for s, _d in actions if s in (ActionStatus.PLANNED, ActionStatus.IN_PROGRESS)]
    done = [d for s, d in actions if s == ActionStatus.DONE]
    latest = nc.effectiveness_checks.order_by("-checked_on", "-id").first()
    if not actions:
        nc.status = NcStatus.OPEN
    elif open_actions:
        nc.status = NcStatus.IN_PROGRESS
    elif (
        latest is not None
        and latest.result == EffectivenessResult.EFFECTIVE
        and all(d is None or d <= latest.checked_on for d in done)
    ):
        nc.status = NcStatus.VERIFIED
    else:
        nc.status = NcStatus.TO_VERIFY


def _bump(nc: Nonconformity, user) -> None:
    nc.version += 1
    nc.updated_by = user if getattr(user, "is_authenticated", False) else None
    nc.save()


def source_of(nc: Nonconformity):
    """The record `nc` was raised from, or None (deleted, or recorded by hand)."""
    if nc.source_type_id is None:
        return None
    model = nc.source_type.model_class()
    if model is None:
        return None
    return model._default_manager.filter(pk=nc.source_id).first()


# --- Raising and recording ---------------------------------------------------------------------


@audit.acts_as_user
@transaction.atomic
def _raise(
    *,
    user,
    title: str,
    description: str,
    severity: str,
    source,
    requirement,
    requirement_ref: str,
    origin: str,
    kind: str,
    extra: dict,
) -> Nonconformity:
    # One lock for the whole register: the same source raised twice at the same time
    # waits here, then finds the first one's nonconformity.
    numbering.lock_sequence("audits.nonconformity")
    source_type = None
    if source is not None:
        source_type = ContentType.objects.get_for_model(source, for_concrete_model=True)
        existing = Nonconformity.objects.filter(
            source_type=source_type, source_id=str(source.pk)
        ).first()
        if existing is not None:
            return existing
    if kind not in NonconformityKind.values:
        raise ValidationError({"kind": _("Unknown kind: %s.") % kind})
    if origin not in Origin.values:
        raise ValidationError({"origin": _("Unknown origin: %s.") % origin})
    number = numbering.next_number(
        Nonconformity.objects.filter(kind=kind), sequence="audits.nonconformity"
    )
    nc = Nonconformity(
        kind=kind,
        number=number,
        ref=f"{REF_PREFIX[kind]}-{number:03d}",
        title=(title or "").strip(),
        description=(description or "").strip(),
        severity=severity or "",
        origin=origin,
        source_type=source_type,
        source_id=str(source.pk) if source is not None else "",
        source_repr=str(source)[:300] if source is not None else "",
        requirement=requirement,
        requirement_ref=(requirement_ref or "").strip(),
        raised_by=user if getattr(user, "is_authenticated", False) else None,
        updated_by=user if getattr(user, "is_authenticated", False) else None,
    )
    similar = extra.pop("similar", None)
    for name, value in extra.items():
        if name in EDIT_FIELDS and value is not None:
            setattr(nc, name, value)
    nc.root_cause_whys = _clean_whys(nc.root_cause_whys)
    if not nc.title:
        raise ValidationError({"title": _("Give the nonconformity a title.")})
    _check_record(nc)
    nc.full_clean(exclude=["source_type"])
    nc.save()
    if similar:
        nc.similar.set(list(similar))
    audit.record_created(nc)
    return nc


def raise_nonconformity(
    *,
    title: str,
    description: str,
    severity: str,
    raised_by,
    source=None,
    requirement=None,
    requirement_ref: str = "",
    origin: str = Origin.MANUAL,
    kind: str = NonconformityKind.NONCONFORMITY,
) -> Nonconformity:
    """Raise a nonconformity (or, with `kind`, an opportunity for improvement) from
    `source`, any record of any app (an audit item, an AWS finding, an incident, a
    supplier assessment finding, a control test result), kept as a generic link.

    Idempotent per source: raising again from the same record returns the
    nonconformity raised the first time, unchanged. One transaction. The caller checks
    who may raise (`audits.add_nonconformity`): system jobs raise too."""
    return _raise(
        user=raised_by,
        title=title,
        description=description,
        severity=severity,
        source=source,
        requirement=requirement,
        requirement_ref=requirement_ref,
        origin=origin,
        kind=kind,
        extra={},
    )


def nonconformity_create(*, user, data: dict) -> Nonconformity:
    """Record a nonconformity or an opportunity for improvement by hand (security
    manager): every field of the record, origin "recorded by hand" unless given."""
    _require(user, ADD, _("Only a security manager records nonconformities."))
    data = dict(data)
    return _raise(
        user=user,
        title=data.pop("title", ""),
        description=data.pop("description", ""),
        severity=data.pop("severity", ""),
        source=None,
        requirement=data.pop("requirement", None),
        requirement_ref=data.pop("requirement_ref", ""),
        origin=data.pop("origin", None) or Origin.MANUAL,
        kind=data.pop("kind", None) or NonconformityKind.NONCONFORMITY,
        extra=data,
    )


@audit.acts_as_user
@transaction.atomic
def nonconformity_update(
    *, nc: Nonconformity, user, data: dict, expected_version: int | None
) -> Nonconformity:
    """Change the record: description, severity, requirement, containment, root cause
    (5 whys or text), owner, dates, similar nonconformities. Refused when closed, or
    stale (`NonconformityConflict`: nothing changed)."""
    _require(user, CHANGE, _("Only a security manager edits nonconformities."))
    nc = _locked(nc, expected_version)
    _require_open(nc)
    before = audit.snapshot(nc)
    for name in EDIT_FIELDS:
        if name in data:
            value = data[name]
            if name in ("requirement_ref", "description", "containment", "root_cause"):
                value = value or ""
            setattr(nc, name, value)
    nc.root_cause_whys = _clean_whys(nc.root_cause_whys)
    if not (nc.title or "").strip():
        raise ValidationError({"title": _("Give the nonconformity a title.")})
    _check_record(nc)
    if "similar" in data and data["similar"] is not None:
        similar = [s for s in data["similar"] if getattr(s, "pk", s) != nc.pk]
        nc.similar.set(similar)
    nc.full_clean(exclude=["source_type"])
    _bump(nc, user)
    audit.record_change(nc, before)
    return nc


# --- Corrective actions ----------------------------------------------------------------------


def _check_action(action: CorrectiveAction) -> None:
    errors = {}
    if not (action.title or "").strip():
        errors["title"] = _("Say what the action is.")
    if action.due_on is None:
        errors["due_on"] = _("Give the action a due date.")
    if action.status == ActionStatus.DONE:
        if action.done_on is None:
            action.done_on = timezone.localdate()
        if action.done_on > timezone.localdate():
            errors["done_on"] = _("An action cannot be done in the future.")
    else:
        action.done_on = None
    if errors:
        raise ValidationError(errors)


@audit.acts_as_user
@transaction.atomic
def action_add(*, nc: Nonconformity, user, data: dict) -> CorrectiveAction:
    """Plan a corrective action (owner, due date) on an open record."""
    _require(user, CHANGE, _("Only a security manager plans corrective actions."))
    nc = _locked(nc, data.get("version"))
    _require_open(nc)
    action = CorrectiveAction(nonconformity=nc)
    for name in ACTION_FIELDS:
        if data.get(name) is not None:
            setattr(action, name, data[name])
    _check_action(action)
    action.full_clean()
    action.save()
    audit.record_created(action, message=nc.ref)
    before = audit.snapshot(nc)
    _refresh_status(nc)
    _bump(nc, user)
    audit.record_change(nc, before)
    return action


@audit.acts_as_user
@transaction.atomic
def action_update(*, action: CorrectiveAction, user, data: dict) -> CorrectiveAction:
    """Record progress on an action: status (done sets the done date), owner, due date.
    The security manager, or the action's owner for its own action."""
    nc = _locked(action.nonconformity, data.get("version"))
    action = CorrectiveAction.objects.select_for_update().get(pk=action.pk)
    owner = user.is_authenticated and action.owner_id == user.pk
    if not owner:
        _require(user, CHANGE, _("Only a security manager or the action's owner updates it."))
    _require_open(nc)
    before_action = audit.snapshot(action)
    fields = ACTION_FIELDS if not owner or user.has_perm(CHANGE) else ("status", "done_on")
    for name in fields:
        if name in data:
            setattr(action, name, data[name])
    _check_action(action)
    action.full_clean()
    action.save()
    audit.record_change(action, before_action, message=nc.ref)
    before = audit.snapshot(nc)
    _refresh_status(nc)
    _bump(nc, user)
    audit.record_change(nc, before)
    return action


# --- Effectiveness and closure -----------------------------------------------------------------


@audit.acts_as_user
@transaction.atomic
def effectiveness_check(
    *, nc: Nonconformity, user, data: dict, expected_version: int | None = None
) -> EffectivenessCheck:
    """Record whether the actions removed the cause (10.2 d)): every action is done or
    cancelled, at least one is done. "Not effective" sends the record back to
    corrective action; "effective" makes it ready to close."""
    _require(user, CHANGE, _("Only a security manager records effectiveness checks."))
    nc = _locked(nc, expected_version)
    _require_open(nc)
    statuses = list(nc.actions.values_list("status", flat=True))
    errors = {}
    if any(s in (ActionStatus.PLANNED, ActionStatus.IN_PROGRESS) for s in statuses):
        errors["__all__"] = _(
            "Effectiveness is checked once every corrective action is done or cancelled."
        )
    elif ActionStatus.DONE not in statuses:
        errors["__all__"] = _("No corrective action was done: there is nothing to check yet.")
    result = data.get("result")
    if result not in EffectivenessResult.values:
        errors["result"] = _("Say whether the actions were effective.")
    notes = (data.get("notes") or "").strip()
    if not notes:
        errors["notes"] = _("Say what was checked to conclude.")
    checked_on = data.get("checked_on") or timezone.localdate()
    if checked_on > timezone.localdate():
        errors["checked_on"] = _("A check cannot be dated in the future.")
    if errors:
        raise ValidationError(errors)
    check = EffectivenessCheck.objects.create(
        nonconformity=nc, checked_by=user, checked_on=checked_on, result=result, notes=notes
    )
    audit.record_created(check, message=nc.ref)
    before = audit.snapshot(nc)
    _refresh_status(nc)
    _bump(nc, user)
    audit.record_change(nc, before)
    return check


def closure_blockers(nc: Nonconformity) -> list[str]:
    """Why `nc` cannot be closed yet (empty: it can, by whoever may close it)."""
    blockers = []
    actions = list(nc.actions.all())
    if any(a.is_open for a in actions):
        blockers.append(_("A corrective action is still open: finish or cancel it."))
    if nc.is_nonconformity:
        if not nc.root_cause.strip() and not nc.root_cause_whys:
            blockers.append(_("Give the root cause (5 whys or text) before closing."))
        if not any(a.status == ActionStatus.DONE for a in actions):
            blockers.append(_("A nonconformity is closed after corrective action: none is done."))
        if nc.status != NcStatus.VERIFIED:
            blockers.append(
                _(
                    "A nonconformity is closed only after an effectiveness check found its "
                    "corrective actions effective."
                )
            )
    return blockers


def may_close(user, nc: Nonconformity) -> bool:
    """Closing a major nonconformity is Management's decision; the rest the security
    manager's."""
    if not user.is_authenticated:
        return False
    if nc.is_nonconformity and nc.severity == NcSeverity.MAJOR:
        return user.has_perm(DECIDE)
    return user.has_perm(CHANGE)


@audit.acts_as_user
@transaction.atomic
def nonconformity_close(
    *, nc: Nonconformity, user, comment: str = "", expected_version: int | None = None
) -> Nonconformity:
    """Close: every action finished and, for a nonconformity, the root cause given and
    an effectiveness check that found the actions effective (after the last one was
    done). A major nonconformity is closed by Management."""
    nc = _locked(nc, expected_version)
    if not may_close(user, nc):
        if nc.is_nonconformity and nc.severity == NcSeverity.MAJOR:
            raise PermissionDenied(_("Closing a major nonconformity is Management's decision."))
        raise PermissionDenied(_("Only a security manager closes this record."))
    _require_open(nc)
    _refresh_status(nc)
    blockers = closure_blockers(nc)
    if blockers:
        raise ValidationError(blockers, code="not_closable")
    before = audit.snapshot(nc)
    nc.status = NcStatus.CLOSED
    nc.closed_at = timezone.now()
    nc.closed_by = user
    nc.closure_comment = (comment or "").strip()
    _bump(nc, user)
    audit.record_change(nc, before)
    return nc
