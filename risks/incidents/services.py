"""Every write to the incident register. One business operation per transaction, each
recorded in the audit trail and, for what the handlers need to read, in the incident's
own timeline."""

from __future__ import annotations

import datetime
import hashlib

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from isms import audit, numbering, uploads
from risks.incidents.choices import (
    PERSONAL_DATA_BREACH_HOURS,
    REVIEW_REQUIRED_FROM,
    EntryKind,
    IncidentKind,
    IncidentStatus,
    NotificationStatus,
)
from risks.incidents.hooks import FollowUp, follow_ups
from risks.incidents.models import (
    Incident,
    IncidentEntry,
    IncidentEvidence,
    IncidentNotification,
)
from risks.incidents.selectors import can_manage, can_write_entries

REPORT_FIELDS = ("title", "description", "occurred_at", "detected_at")
REPORT_M2M = ("assets",)
HANDLING_FIELDS = (
    "title",
    "description",
    "kind",
    "category",
    "severity",
    "handler",
    "occurred_at",
    "detected_at",
    "personal_data_breach",
    "containment",
    "eradication",
    "recovery",
    "root_cause",
    "lessons_learned",
    "reviewed_at",
)
HANDLING_M2M = ("assets", "findings", "aws_resources", "risks")
# Statuses a handler moves an incident through; closing has its own service.
HANDLING_STATUSES = [s for s in IncidentStatus.values if s != IncidentStatus.CLOSED]
AUTHORITY = "Data protection supervisory authority"


def _entry(incident, user, kind, text, at=None) -> IncidentEntry:
    return IncidentEntry.objects.create(
        incident=incident, author=user, kind=kind, text=text, at=at or timezone.now()
    )


def _require_manager(user) -> None:
    if not can_manage(user):
        raise PermissionDenied(_("Only the incident handlers (security manager) may do this."))


def _require_open(incident: Incident) -> None:
    if not incident.is_open:
        raise ValidationError(_("%s is closed.") % incident.ref, code="closed")


def _set_m2m(incident: Incident, data: dict, names) -> None:
    for name in names:
        if name in data and data[name] is not None:
            getattr(incident, name).set(list(data[name]))


@audit.acts_as_user
@transaction.atomic
def incident_report(*, user, data: dict) -> Incident:
    """Report an event (any signed-in user): what happened, when, the assets concerned."""
    if not user or not user.is_authenticated:
        raise PermissionDenied
    number = numbering.next_number(Incident.objects.all(), sequence="incidents.incident")
    incident = Incident(number=number, ref=f"INC-{number:03d}", reported_by=user)
    for name in REPORT_FIELDS:
        if data.get(name) is not None:
            setattr(incident, name, data[name])
    _check_times(incident)
    incident.full_clean()
    incident.save()
    _set_m2m(incident, data, REPORT_M2M)
    _entry(incident, user, EntryKind.NOTE, _("Reported: %s") % incident.title)
    audit.record_created(incident)
    return incident


def _check_times(incident: Incident) -> None:
    now = timezone.now() + datetime.timedelta(minutes=5)  # clock skew of the browser
    errors = {}
    if incident.detected_at and incident.detected_at > now:
        errors["detected_at"] = _("Cannot be in the future.")
    if incident.occurred_at and incident.occurred_at > now:
        errors["occurred_at"] = _("Cannot be in the future.")
    if (
        incident.occurred_at
        and incident.detected_at
        and incident.occurred_at > incident.detected_at
    ):
        errors["occurred_at"] = _("An incident cannot occur after it was detected.")
    if errors:
        raise ValidationError(errors)


@audit.acts_as_user
@transaction.atomic
def incident_update(*, incident: Incident, user, data: dict) -> Incident:
    """Triage and handle: kind, category, severity, handler, what it touches, the
    containment, eradication and recovery, and the status up to "recovered". Turning on
    "personal data breach" creates the 72-hour notification of the authority."""
    _require_manager(user)
    incident = Incident.objects.select_for_update().get(pk=incident.pk)
    _require_open(incident)
    before = audit.snapshot(incident)
    for name in HANDLING_FIELDS:
        if name in data:
            setattr(incident, name, data[name])
    status = data.get("status")
    if status is not None:
        if status not in HANDLING_STATUSES:
            raise ValidationError({"status": _("Close an incident with the close action.")})
        incident.status = status
    if incident.status == IncidentStatus.REPORTED and data.get("kind") is not None:
        incident.status = IncidentStatus.TRIAGED
    _check_times(incident)
    incident.full_clean()
    incident.save()
    _set_m2m(incident, data, HANDLING_M2M)
    if incident.status != before["status"]:
        _entry(
            incident,
            user,
            EntryKind.STATUS,
            _("Status: %(old)s → %(new)s")
            % {
                "old": IncidentStatus(before["status"]).label,
                "new": incident.get_status_display(),
            },
        )
    if incident.personal_data_breach and not before["personal_data_breach"]:
        _breach_notification(incident, user)
    audit.record_change(incident, before)
    return incident


def _breach_notification(incident: Incident, user) -> None:
    if incident.notifications.filter(recipient=AUTHORITY).exists():
        return
    notification = IncidentNotification.objects.create(
        incident=incident,
        recipient=AUTHORITY,
        obligation=_("Personal data breach: notify within %(h)s hours of becoming aware.")
        % {"h": PERSONAL_DATA_BREACH_HOURS},
        due_at=incident.detected_at + datetime.timedelta(hours=PERSONAL_DATA_BREACH_HOURS),
        updated_by=user,
    )
    _entry(
        incident,
        user,
        EntryKind.NOTIFICATION,
        _("Notification due to %(who)s by %(due)s.")
        % {"who": notification.recipient, "due": f"{notification.due_at:%Y-%m-%d %H:%M} UTC"},
    )
    audit.record_created(notification)


@audit.acts_as_user
@transaction.atomic
def entry_add(*, incident: Incident, user, data: dict) -> IncidentEntry:
    """Add a line to the timeline: the reporter or handler (notes), a security manager
    (notes and actions)."""
    if not can_write_entries(user, incident):
        raise PermissionDenied(_("Only the handlers, the reporter and the handler add notes."))
    _require_open(incident)
    kind = data.get("kind") or EntryKind.NOTE
    if kind not in (EntryKind.NOTE, EntryKind.ACTION):
        raise ValidationError({"kind": _("Only notes and actions are added by hand.")})
    if kind != EntryKind.NOTE:
        _require_manager(user)
    text = (data.get("text") or "").strip()
    if not text:
        raise ValidationError({"text": _("Say what happened or what was done.")})
    at = data.get("at") or timezone.now()
    if at > timezone.now() + datetime.timedelta(minutes=5):
        raise ValidationError({"at": _("Cannot be in the future.")})
    entry = _entry(incident, user, kind, text, at)
    audit.record_created(entry, message=incident.ref)
    return entry


@audit.acts_as_user
@transaction.atomic
def evidence_add(*, incident: Incident, user, upload, description: str = "") -> IncidentEvidence:
    """Collect a file: its SHA-256 and size are stored, the timeline says who added it."""
    _require_manager(user)
    _require_open(incident)
    filename = uploads.validate_upload(upload)
    digest = hashlib.sha256()
    upload.seek(0)
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    evidence = IncidentEvidence(
        incident=incident,
        filename=filename,
        sha256=digest.hexdigest(),
        size=upload.size,
        description=description,
        added_by=user,
    )
    evidence.file.save(uploads.upload_path("incidents", filename), upload, save=False)
    evidence.save()
    _entry(
        incident,
        user,
        EntryKind.EVIDENCE,
        _("Evidence added: %(name)s, SHA-256 %(hash)s, %(size)s bytes.")
        % {"name": filename, "hash": evidence.sha256, "size": evidence.size},
    )
    audit.record_created(evidence, message=incident.ref)
    return evidence


@transaction.atomic
def evidence_accessed(*, evidence: IncidentEvidence, user) -> None:
    """Chain of custody: every download of evidence is a line of the timeline."""
    _entry(
        evidence.incident,
        user,
        EntryKind.EVIDENCE,
        _("Evidence %(name)s (SHA-256 %(hash)s) downloaded.")
        % {"name": evidence.filename, "hash": evidence.sha256[:16]},
    )


@audit.acts_as_user
@transaction.atomic
def notification_save(
    *, incident: Incident, user, data: dict, notification: IncidentNotification | None = None
) -> IncidentNotification:
    """Add a notification obligation, or record that it was sent (or is not required)."""
    _require_manager(user)
    notification = notification or IncidentNotification(incident=incident)
    before = audit.snapshot(notification) if notification.pk else None
    for name in ("recipient", "obligation", "due_at", "status", "reference"):
        if name in data:
            setattr(notification, name, data[name])
    if notification.status == NotificationStatus.SENT and notification.notified_at is None:
        notification.notified_at = data.get("notified_at") or timezone.now()
    notification.updated_by = user
    notification.full_clean()
    notification.save()
    if before is None:
        audit.record_created(notification, message=incident.ref)
        text = _("Notification due to %(who)s by %(due)s.")
    else:
        audit.record_change(notification, before, message=incident.ref)
        text = _("Notification to %(who)s: ") + notification.get_status_display() + "."
    _entry(
        incident,
        user,
        EntryKind.NOTIFICATION,
        text % {"who": notification.recipient, "due": f"{notification.due_at:%Y-%m-%d %H:%M}"},
    )
    return notification


@audit.acts_as_user
@transaction.atomic
def incident_close(*, incident: Incident, user, data: dict) -> Incident:
    """Close: a severe incident needs its post-incident review (root cause and lessons
    learned); no notification may still be pending."""
    _require_manager(user)
    incident = Incident.objects.select_for_update().get(pk=incident.pk)
    _require_open(incident)
    before = audit.snapshot(incident)
    for name in ("root_cause", "lessons_learned", "reviewed_at"):
        if name in data:
            setattr(incident, name, data[name])
    errors = {}
    if incident.kind == IncidentKind.INCIDENT and incident.severity >= REVIEW_REQUIRED_FROM:
        if not incident.lessons_learned.strip():
            errors["lessons_learned"] = _(
                "A severe incident is closed only after its post-incident review: "
                "write the lessons learned."
            )
        if not incident.root_cause.strip():
            errors["root_cause"] = _("Give the root cause found by the post-incident review.")
        if incident.reviewed_at is None:
            incident.reviewed_at = timezone.now()
    if incident.notifications.filter(status=NotificationStatus.PENDING).exists():
        errors["__all__"] = _("A notification is still pending: send it or mark it not required.")
    if errors:
        raise ValidationError(errors)
    incident.status = IncidentStatus.CLOSED
    incident.closed_at = timezone.now()
    incident.full_clean()
    incident.save()
    _entry(incident, user, EntryKind.STATUS, _("Closed."))
    audit.record_change(incident, before)
    return incident


@audit.acts_as_user
@transaction.atomic
def incident_follow_up(*, incident: Incident, user, kind: str, data: dict):
    """Raise a follow-up (a risk, a nonconformity...) from the incident's lessons learned
    through the `hooks.follow_ups` registry; the incident's timeline records it."""
    _require_manager(user)
    follow_up: FollowUp | None = follow_ups.get(kind)
    if follow_up is None:
        raise ValidationError({"kind": _("Unknown follow-up: %s.") % kind})
    if not user.has_perm(follow_up.permission):
        raise PermissionDenied(_("You may not create a %s.") % follow_up.label)
    if not (data.get("title") or "").strip():
        raise ValidationError({"title": _("Give the follow-up a title.")})
    record = follow_up.raise_(incident=incident, user=user, data=data)
    _entry(incident, user, EntryKind.FOLLOW_UP, f"{follow_up.label}: {record}")
    return record


def raise_risk(*, incident: Incident, user, data: dict):
    """The "risk" follow-up: a risk on the incident's assets and findings, linked back."""
    from risks.services import risk_create

    assets = list(incident.assets.all())
    if not assets:
        raise ValidationError(
            {"title": _("Name the affected assets of the incident first: a risk needs one.")}
        )
    description = (data.get("description") or "").strip() or incident.lessons_learned
    risk = risk_create(
        user=user,
        data={
            "title": data["title"].strip(),
            "description": f"{description}\n\n" + _("Raised from incident %s.") % incident.ref,
            "assets": assets,
            "findings": list(incident.findings.all()),
            "owner": incident.handler or user,
        },
    )
    incident.risks.add(risk)
    return risk
