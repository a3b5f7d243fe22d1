"""The incident register as SoA evidence for Annex A 5.24-5.28 and 6.8: figures
registered with isms.frameworks.evidence (counted together with the other registers' in
one query). The counts cover the whole register: shown to those who read every incident."""

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from isms.frameworks.evidence import RecordFigure
from risks.incidents.choices import (
    REVIEW_REQUIRED_FROM,
    IncidentKind,
    IncidentStatus,
    NotificationStatus,
)
from risks.incidents.models import Incident, IncidentEvidence, IncidentNotification

VIEW = "incidents.view_incident"
URL = "incidents:incident_list"


def _severe_closed():
    return Incident.objects.filter(
        status=IncidentStatus.CLOSED, kind=IncidentKind.INCIDENT, severity__gte=REVIEW_REQUIRED_FROM
    )


def _on_time():
    return IncidentNotification.objects.filter(
        Q(status__in=[NotificationStatus.SENT, NotificationStatus.NOT_REQUIRED])
        | Q(status=NotificationStatus.PENDING, due_at__gte=timezone.now())
    )


def _late():
    return IncidentNotification.objects.filter(
        status=NotificationStatus.PENDING, due_at__lt=timezone.now()
    )


FIGURES = (
    RecordFigure(
        "5.24",
        _("Security events and incidents recorded"),
        passed=lambda: Incident.objects.all(),
        failed=None,
        url=URL,
        permission=VIEW,
    ),
    RecordFigure(
        "5.25",
        _("Reported events triaged"),
        passed=lambda: Incident.objects.exclude(status=IncidentStatus.REPORTED),
        failed=lambda: Incident.objects.filter(status=IncidentStatus.REPORTED),
        url=URL,
        permission=VIEW,
    ),
    RecordFigure(
        "5.26",
        _("Incident notifications on time"),
        passed=_on_time,
        failed=_late,
        url=URL,
        permission=VIEW,
    ),
    RecordFigure(
        "5.27",
        _("Severe incidents closed with lessons learned"),
        passed=lambda: (
            _severe_closed().filter(reviewed_at__isnull=False).exclude(lessons_learned="")
        ),
        failed=lambda: _severe_closed().filter(Q(reviewed_at__isnull=True) | Q(lessons_learned="")),
        url=URL,
        permission=VIEW,
    ),
    RecordFigure(
        "5.28",
        _("Evidence items kept with SHA-256 and custody"),
        passed=lambda: IncidentEvidence.objects.all(),
        failed=None,
        url=URL,
        permission=VIEW,
    ),
    RecordFigure(
        "6.8",
        _("Security events reported by staff"),
        passed=lambda: Incident.objects.all(),
        failed=None,
        url=URL,
        permission=VIEW,
    ),
)
