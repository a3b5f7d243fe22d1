"""Every write to management reviews (9.3) and their decisions.

A review is prepared (`review_create`: the reference, and the first snapshot of the
inputs), edited while it is a draft (`review_update`, `review_inputs_take` to re-take
the snapshot, which is recorded in the audit trail with the time of the one it
replaces; `decision_add/update/delete`), then submitted (`review_submit`) into the one
approval workflow (`isms.approvals`), where Management decides. Once approved nothing
of it moves but the follow-up of its decisions (`decision_track`).
"""

from __future__ import annotations

import json

from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from isms import approvals, audit, numbering
from isms.audits import review_inputs
from isms.audits.models.reviews import (
    OPEN_STATUSES,
    ActionStatus,
    ManagementReview,
    ReviewDecision,
)
from isms.errors import StaleVersion
from isms.models.approvals import ApprovalState
from isms.models.audit import AuditAction, AuditEvent

REVIEW_FIELDS = ("title", "held_on", "guests", "minutes")
DECISION_FIELDS = ("kind", "description", "owner", "due_date")
TRACKING_FIELDS = ("status", "done_on", "status_note")
# Left out of the audit trail's snapshots: the inputs are large and have their own event.
AUDIT_EXCLUDE = ("inputs", "updated_at", "version")


def _collect_inputs() -> list[dict]:
    """Every registered input, collected now, in review order, as plain JSON values."""
    taken = []
    for item in review_inputs.ordered():
        data = json.loads(json.dumps(item.collect(), cls=DjangoJSONEncoder))
        rows = data.get("rows") or []
        if rows and "columns" not in data:
            # PostgreSQL's jsonb sorts an object's keys: keep the order the input wrote
            # its columns in, as a list (lists keep their order).
            data["columns"] = list(rows[0].keys())
        taken.append(
            {"key": item.key, "clause": item.clause, "title": str(item.title), "data": data}
        )
    return taken


def _check_version(review: ManagementReview, expected_version: int | None) -> None:
    if expected_version is None or expected_version == review.version:
        return
    raise StaleVersion(
        _("%(ref)s changed since you opened it (version %(now)s, yours %(yours)s): reload it.")
        % {"ref": review.reference, "now": review.version, "yours": expected_version},
        current_version=review.version,
        changes=[],
    )


def _locked(review: ManagementReview) -> ManagementReview:
    return ManagementReview.objects.select_for_update().get(pk=review.pk)


def _set_attendees(review: ManagementReview, attendees) -> None:
    if attendees is not None:
        review.attendees.set(list(attendees))


@audit.acts_as_user
@transaction.atomic
def review_create(*, user, data: dict) -> ManagementReview:
    """Prepare a management review: its reference (MR-<year>-NN, numbered within the
    year it is held), its details, and the first snapshot of every registered input."""
    held_on = data.get("held_on")
    if held_on is None:
        raise ValidationError({"held_on": _("Say when the review is held.")})
    year = held_on.year
    number = numbering.next_number(
        ManagementReview.objects.filter(year=year), sequence=f"audits.managementreview:{year}"
    )
    review = ManagementReview(
        year=year, number=number, reference=f"MR-{year}-{number:02d}", prepared_by=user
    )
    for name in REVIEW_FIELDS:
        if name in data:
            setattr(review, name, data[name])
    review.inputs = _collect_inputs()
    review.inputs_taken_at = timezone.now()
    review.inputs_taken_by = user
    review.full_clean()
    review.save()
    _set_attendees(review, data.get("attendees"))
    audit.record(
        review,
        AuditAction.CREATE,
        changes=audit.snapshot(review, exclude=AUDIT_EXCLUDE),
        message=_("Management review prepared; inputs taken at %s.")
        % review.inputs_taken_at.isoformat(),
    )
    return review


@audit.acts_as_user
@transaction.atomic
def review_update(
    *, review: ManagementReview, user, data: dict, expected_version: int | None = None
) -> ManagementReview:
    """Edit a draft review (title, date, attendees, guests, minutes). The reference keeps
    the year it was given."""
    review = _locked(review)
    approvals.ensure_editable(review)
    _check_version(review, expected_version)
    before = audit.snapshot(review, exclude=AUDIT_EXCLUDE)
    for name in REVIEW_FIELDS:
        if name in data:
            setattr(review, name, data[name])
    review.version += 1
    review.full_clean()
    review.save()
    _set_attendees(review, data.get("attendees"))
    audit.record_change(review, before)
    return review


@audit.acts_as_user
@transaction.atomic
def review_inputs_take(*, review: ManagementReview, user) -> ManagementReview:
    """Re-take the snapshot of the inputs of a draft review (the data moved since it
    was prepared). Explicit and audited: the event names the snapshot it replaces."""
    review = _locked(review)
    approvals.ensure_editable(review)
    previous = review.inputs_taken_at
    review.inputs = _collect_inputs()
    review.inputs_taken_at = timezone.now()
    review.inputs_taken_by = user
    review.version += 1
    review.save()
    audit.record(
        review,
        AuditAction.UPDATE,
        changes={
            "inputs_taken_at": [
                previous.isoformat() if previous else None,
                review.inputs_taken_at.isoformat(),
            ],
            "inputs": [item["key"] for item in review.inputs],
        },
        message=_("Inputs re-taken (the snapshot of %s is replaced).")
        % (previous.isoformat() if previous else "-"),
    )
    return review


@audit.acts_as_user
@transaction.atomic
def review_submit(*, review: ManagementReview, user, comment: str = ""):
    """Submit a draft review for Management's approval (the one workflow): the content
    (meeting, inputs snapshot, decisions) is hashed; its preparer cannot approve it."""
    return approvals.approval_request_submit(obj=review, user=user, comment=comment)


def review_editors(review: ManagementReview) -> set:
    """Who may not approve a review: whoever prepared it, took its input snapshot, or
    wrote its decisions (the review's own audit trail is added by the workflow)."""
    ids = {review.prepared_by_id, review.inputs_taken_by_id}
    ids.update(
        AuditEvent.objects.filter(
            content_type__app_label="audits",
            content_type__model="reviewdecision",
            object_id__in=[str(pk) for pk in review.decisions.values_list("pk", flat=True)],
            action__in=(AuditAction.CREATE, AuditAction.UPDATE, AuditAction.DELETE),
            actor__isnull=False,
        ).values_list("actor_id", flat=True)
    )
    ids.discard(None)
    return ids


def review_problems(review: ManagementReview) -> list[str]:
    """What refuses submission and approval: a review with no inputs snapshot, no
    attendee, no minutes, or a snapshot missing an input registered since."""
    problems = []
    if not review.inputs_taken_at:
        problems.append(_("take the snapshot of the inputs"))
    else:
        taken = {item["key"] for item in review.inputs}
        missing = [i.key for i in review_inputs.ordered() if i.key not in taken]
        if missing:
            problems.append(
                _("re-take the inputs: the snapshot lacks %s") % ", ".join(sorted(missing))
            )
    if not review.guests.strip() and not review.attendees.exists():
        problems.append(_("record who attended"))
    if not review.minutes.strip():
        problems.append(_("write the minutes"))
    return problems


# --- Decisions --------------------------------------------------------------------------


def _editable_review(review: ManagementReview) -> ManagementReview:
    review = _locked(review)
    approvals.ensure_editable(review)
    return review


def _bump(review: ManagementReview) -> None:
    """A decision change is a change of the review: its version moves (stale forms)."""
    ManagementReview.objects.filter(pk=review.pk).update(
        version=review.version + 1, updated_at=timezone.now()
    )


@audit.acts_as_user
@transaction.atomic
def decision_add(*, review: ManagementReview, user, data: dict) -> ReviewDecision:
    """Record a decision of a draft review: an improvement, a change to the ISMS or a
    resource need, with its owner and due date."""
    review = _editable_review(review)
    last = review.decisions.order_by("-number").values_list("number", flat=True).first()
    decision = ReviewDecision(review=review, number=(last or 0) + 1)
    for name in DECISION_FIELDS:
        if name in data:
            setattr(decision, name, data[name])
    decision.full_clean()
    decision.save()
    _bump(review)
    audit.record_created(decision, message=_("Decision of %s") % review.reference)
    return decision


@audit.acts_as_user
@transaction.atomic
def decision_update(*, decision: ReviewDecision, user, data: dict) -> ReviewDecision:
    """Change the wording, owner or due date of a decision of a draft review."""
    review = _editable_review(decision.review)
    decision = ReviewDecision.objects.select_for_update().get(pk=decision.pk)
    before = audit.snapshot(decision)
    for name in DECISION_FIELDS:
        if name in data:
            setattr(decision, name, data[name])
    decision.full_clean()
    decision.save()
    _bump(review)
    audit.record_change(decision, before)
    return decision


@audit.acts_as_user
@transaction.atomic
def decision_delete(*, decision: ReviewDecision, user) -> None:
    """Remove a decision from a draft review."""
    review = _editable_review(decision.review)
    audit.record_deleted(decision, message=_("Decision of %s removed") % review.reference)
    decision.delete()
    _bump(review)


@audit.acts_as_user
@transaction.atomic
def decision_track(*, decision: ReviewDecision, user, data: dict) -> ReviewDecision:
    """Follow up a decision of an approved review (the action it became): its status,
    the date it was done and a note. Done needs a done date (today by default), not in
    the future; reopening clears it."""
    decision = (
        ReviewDecision.objects.select_for_update().select_related("review").get(pk=decision.pk)
    )
    if decision.review.approval_state != ApprovalState.APPROVED:
        raise ValidationError(_("A decision becomes a tracked action once its review is approved."))
    before = audit.snapshot(decision)
    for name in TRACKING_FIELDS:
        if name in data:
            setattr(decision, name, data[name])
    today = timezone.localdate()
    if decision.status == ActionStatus.DONE:
        decision.done_on = decision.done_on or today
        if decision.done_on > today:
            raise ValidationError({"done_on": _("The done date cannot be in the future.")})
    elif decision.status in OPEN_STATUSES:
        decision.done_on = None
    elif decision.status == ActionStatus.CANCELLED and not decision.status_note.strip():
        raise ValidationError({"status_note": _("Say why the action is cancelled.")})
    decision.full_clean()
    decision.save(update_fields=["status", "done_on", "status_note", "updated_at"])
    audit.record_change(decision, before, message=_("Action follow-up"))
    return decision
