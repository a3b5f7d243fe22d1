"""Reads of the incident register: who sees which incidents, the impact of an incident
through the dependency graph, deadlines and dashboard figures."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Q, Sum
from django.utils import timezone

from assets import graph
from assets.choices import AssetClass
from assets.models import Asset
from risks.incidents.choices import OPEN_STATUSES, NotificationStatus
from risks.incidents.models import Incident, IncidentNotification


def can_manage(user) -> bool:
    """Triage, handle, collect evidence, notify and close: the security manager."""
    return user.is_authenticated and user.has_perm("incidents.change_incident")


def can_write_entries(user, incident) -> bool:
    """Notes on the timeline: the handlers, and the incident's reporter and handler."""
    return can_manage(user) or user.pk in (incident.reported_by_id, incident.handler_id)


def can_view_evidence(user) -> bool:
    """Evidence files: the roles (handlers and auditors), not the reporter."""
    return user.is_authenticated and user.has_perm("incidents.view_incidentevidence")


def visible_incidents(user, queryset=None):
    """The incidents `user` may read: all of them with a role, else those they reported
    or handle."""
    queryset = Incident.objects.all() if queryset is None else queryset
    if not user.is_authenticated:
        return queryset.none()
    if user.has_perm("incidents.view_incident"):
        return queryset
    return queryset.filter(Q(reported_by=user) | Q(handler=user))


@dataclass(frozen=True)
class Impact:
    """What an incident touches through the graph: every asset that depends on an
    affected asset (each once), the essential ones among them and their total value."""

    affected: list[Asset]
    processes: list[Asset]
    asset_count: int
    value_usd: Decimal


def impact(incident: Incident) -> Impact:
    direct = list(incident.assets.order_by("ref"))
    above = graph.up_closure([a.pk for a in direct]) if direct else set()
    assets = Asset.objects.filter(pk__in=above)
    value = assets.aggregate(total=Sum("value_usd"))["total"] or Decimal("0")
    processes = list(assets.filter(asset_class=AssetClass.ESSENTIAL).order_by("-value_usd", "ref"))
    return Impact(direct, processes, len(above), Decimal(value).quantize(Decimal("0.01")))


def overdue_notifications(user):
    return IncidentNotification.objects.filter(
        incident__in=visible_incidents(user),
        status=NotificationStatus.PENDING,
        due_at__lt=timezone.now(),
    )


def figures(user) -> list[dict]:
    """Dashboard figures: open incidents and overdue notifications."""
    if not user.has_perm("incidents.view_incident"):
        return []
    from django.urls import reverse
    from django.utils.translation import gettext as _

    url = reverse("incidents:incident_list")
    return [
        {
            "label": _("Open incidents"),
            "value": visible_incidents(user).filter(status__in=OPEN_STATUSES).count(),
            "url": url + "?open=true",
            "help": _("Reported events and incidents not closed yet."),
        },
        {
            "label": _("Overdue notifications"),
            "value": overdue_notifications(user).count(),
            "url": url,
            "help": _("Incident notifications past their deadline and not sent."),
        },
    ]


REGISTER_HEADER = [
    "ref",
    "title",
    "kind",
    "status",
    "category",
    "severity",
    "personal_data_breach",
    "occurred_at",
    "detected_at",
    "closed_at",
    "assets",
    "root_cause",
    "lessons_learned",
    "risks_raised",
]


def _when(value):
    return value.isoformat() if value else ""


def register_rows(incidents):
    """Rows of REGISTER_HEADER for a queryset of incidents (list export, audit pack)."""
    for i in incidents.prefetch_related("assets", "risks"):
        yield [
            i.ref,
            i.title,
            i.kind,
            i.status,
            i.category,
            i.get_severity_display(),
            "yes" if i.personal_data_breach else "no",
            _when(i.occurred_at),
            _when(i.detected_at),
            _when(i.closed_at),
            " ".join(a.ref for a in i.assets.all()),
            i.root_cause,
            i.lessons_learned,
            " ".join(r.ref for r in i.risks.all()),
        ]


def audit_pack_files(user):
    """The incident register (XLSX) and the notification obligations (CSV)."""
    from isms.exports import csv_bytes, xlsx_bytes
    from isms.governance.audit_pack import PackFile

    yield PackFile(
        "12-incidents/incident-register.xlsx",
        xlsx_bytes("Incident register", REGISTER_HEADER, register_rows(Incident.objects.all())),
        "Every reported event and incident, its handling and lessons (A.5.24-5.28, 6.8)",
    )
    yield PackFile(
        "12-incidents/notifications.csv",
        csv_bytes(
            ["incident", "recipient", "deadline", "status", "notified_at", "reference"],
            (
                [
                    n.incident.ref,
                    n.recipient,
                    n.due_at.isoformat(),
                    n.status,
                    _when(n.notified_at),
                    n.reference,
                ]
                for n in IncidentNotification.objects.select_related("incident")
            ),
        ),
        "Notification obligations and when they were met (A.5.26, A.5.28)",
    )


def due_notifications(until):
    """Review provider: pending notifications whose deadline falls by `until`, so the
    daily reminders reach the handler (or the security managers) before it passes."""
    from django.urls import reverse
    from django.utils.translation import gettext as _

    from isms.governance.reviews import ReviewItem, security_managers

    managers = None
    pending = IncidentNotification.objects.filter(
        status=NotificationStatus.PENDING, due_at__date__lte=until
    ).select_related("incident__handler")
    for notification in pending:
        handler = notification.incident.handler
        if handler is None and managers is None:
            managers = list(security_managers())
        yield ReviewItem(
            obj=notification,
            kind=_("Incident notification"),
            title=f"{notification.incident.ref}: {notification.recipient}",
            due=timezone.localtime(notification.due_at).date(),
            owners=[handler] if handler else managers,
            url=reverse("incidents:incident_detail", args=[notification.incident_id]),
        )
