"""Reads of the nonconformity register: the similar nonconformities, the dashboard
figures, overdue-action reminders, the NC/CA register (audit pack, list export), the
management-review inputs and the measure "NC closure on time". Each aggregate runs a
fixed number of queries whatever the size of the register."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, F, Min, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from isms.audits.models.nonconformities import (
    OPEN_ACTION_STATUSES,
    OPEN_NC_STATUSES,
    ActionStatus,
    CorrectiveAction,
    NcSeverity,
    NcStatus,
    Nonconformity,
    NonconformityKind,
)

NC = NonconformityKind.NONCONFORMITY
OFI = NonconformityKind.IMPROVEMENT


def source_nonconformity(source) -> Nonconformity | None:
    """The nonconformity raised from `source` (any record), if any."""
    source_type = ContentType.objects.get_for_model(source, for_concrete_model=True)
    return Nonconformity.objects.filter(source_type=source_type, source_id=str(source.pk)).first()


def similar_candidates(nc: Nonconformity, limit: int = 10):
    """Other nonconformities that look like `nc` and are not linked to it yet: the same
    requirement (clause or control, or free reference), or the same origin and a title
    word of five letters or more in common."""
    query = Q()
    if nc.requirement_id:
        query |= Q(requirement_id=nc.requirement_id)
    if nc.requirement_ref.strip():
        query |= Q(requirement_ref__iexact=nc.requirement_ref.strip())
    words = {w.strip(".,:;()").lower() for w in nc.title.split()}
    for word in sorted(w for w in words if len(w) >= 5)[:5]:
        query |= Q(origin=nc.origin, title__icontains=word)
    if not query:
        return Nonconformity.objects.none()
    linked = nc.similar.values_list("pk", flat=True)
    return (
        Nonconformity.objects.filter(query, kind=NC)
        .exclude(pk=nc.pk)
        .exclude(pk__in=linked)
        .select_related("requirement")[:limit]
    )


def register_summary(today: datetime.date | None = None) -> dict:
    """Counts of the register in two queries: open NCs by severity and age, overdue
    and open actions, closures and effectiveness (the dashboard and the review)."""
    today = today or timezone.localdate()
    open_nc = Q(kind=NC, status__in=OPEN_NC_STATUSES)
    age_30 = today - datetime.timedelta(days=30)
    age_90 = today - datetime.timedelta(days=90)
    year_ago = timezone.now() - datetime.timedelta(days=365)
    ncs = Nonconformity.objects.aggregate(
        open=Count("pk", filter=open_nc),
        open_major=Count("pk", filter=open_nc & Q(severity=NcSeverity.MAJOR)),
        open_minor=Count("pk", filter=open_nc & Q(severity=NcSeverity.MINOR)),
        age_0_30=Count("pk", filter=open_nc & Q(detected_on__gte=age_30)),
        age_31_90=Count("pk", filter=open_nc & Q(detected_on__lt=age_30, detected_on__gte=age_90)),
        age_over_90=Count("pk", filter=open_nc & Q(detected_on__lt=age_90)),
        oldest_open=Min("detected_on", filter=open_nc),
        to_verify=Count("pk", filter=Q(kind=NC, status=NcStatus.TO_VERIFY)),
        raised_year=Count("pk", filter=Q(kind=NC, raised_at__gte=year_ago)),
        closed_year=Count("pk", filter=Q(kind=NC, closed_at__gte=year_ago)),
        ofi_open=Count("pk", filter=Q(kind=OFI, status__in=OPEN_NC_STATUSES)),
        ofi_raised_year=Count("pk", filter=Q(kind=OFI, raised_at__gte=year_ago)),
        ofi_closed_year=Count("pk", filter=Q(kind=OFI, closed_at__gte=year_ago)),
    )
    open_action = Q(status__in=OPEN_ACTION_STATUSES, nonconformity__status__in=OPEN_NC_STATUSES)
    actions = CorrectiveAction.objects.aggregate(
        open=Count("pk", filter=open_action),
        overdue=Count("pk", filter=open_action & Q(due_on__lt=today)),
        done_year=Count(
            "pk", filter=Q(status=ActionStatus.DONE, done_on__gte=today - datetime.timedelta(365))
        ),
    )
    oldest = ncs.pop("oldest_open")
    ncs["oldest_open_days"] = (today - oldest).days if oldest else None
    return {"nonconformities": ncs, "actions": actions}


def figures(user) -> list[dict]:
    """Dashboard: open nonconformities, their ageing and the overdue corrective actions."""
    if not user.has_perm("audits.view_nonconformity"):
        return []
    summary = register_summary()
    ncs, actions = summary["nonconformities"], summary["actions"]
    url = reverse("audits:nonconformity_list")
    return [
        {
            "label": _("Open nonconformities"),
            "value": ncs["open"],
            "url": url + "?kind=nonconformity&open=true",
            "help": _("%(major)s major, %(minor)s minor; %(verify)s awaiting their check.")
            % {"major": ncs["open_major"], "minor": ncs["open_minor"], "verify": ncs["to_verify"]},
        },
        {
            "label": _("NC ageing (days open)"),
            "value": f"{ncs['age_0_30']} · {ncs['age_31_90']} · {ncs['age_over_90']}",
            "url": url + "?kind=nonconformity&open=true&sort=detected_on",
            "help": _("Open nonconformities detected 0-30, 31-90 and over 90 days ago."),
        },
        {
            "label": _("Overdue corrective actions"),
            "value": actions["overdue"],
            "url": url + "?overdue=true",
            "help": _("Actions of open nonconformities past their due date and not done."),
        },
    ]


def due_actions(until: datetime.date):
    """Reviews-due provider: open corrective actions due by `until` (and overdue ones),
    so the daily reminders reach their owners before and after the due date."""
    from isms.governance.reviews import ReviewItem, security_managers

    managers = None
    pending = (
        CorrectiveAction.objects.filter(
            status__in=OPEN_ACTION_STATUSES,
            due_on__lte=until,
            nonconformity__status__in=OPEN_NC_STATUSES,
        )
        .select_related("owner", "nonconformity")
        .order_by("due_on", "pk")
    )
    for action in pending:
        if action.owner is None and managers is None:
            managers = list(security_managers())
        yield ReviewItem(
            obj=action,
            kind=_("Corrective action"),
            title=f"{action.nonconformity.ref}: {action.title}",
            due=action.due_on,
            owners=[action.owner] if action.owner else managers,
            url=action.nonconformity.get_absolute_url(),
        )


# --- The NC/CA register -----------------------------------------------------------------------

REGISTER_HEADER = [
    "ref",
    "kind",
    "title",
    "origin",
    "source",
    "requirement",
    "severity",
    "status",
    "detected_on",
    "due_on",
    "containment",
    "root_cause",
    "similar",
    "action",
    "action_owner",
    "action_due_on",
    "action_status",
    "action_done_on",
    "last_effectiveness_check",
    "closed_at",
    "closed_by",
]


def _day(value) -> str:
    return value.isoformat() if value else ""


def _check_text(check) -> str:
    if check is None:
        return ""
    who = check.checked_by or "-"
    return f"{check.checked_on} {check.get_result_display()} ({who}): {check.notes}"


def register_rows(queryset):
    """One row per corrective action (a record without action: one row), in the order
    of REGISTER_HEADER (list export and audit pack)."""
    queryset = queryset.select_related("requirement", "closed_by").prefetch_related(
        "actions__owner", "effectiveness_checks__checked_by", "similar"
    )
    for nc in queryset.order_by("kind", "number"):
        checks = list(nc.effectiveness_checks.all())
        last = checks[0] if checks else None
        root = nc.root_cause or " / ".join(nc.root_cause_whys)
        head = [
            nc.ref,
            nc.get_kind_display(),
            nc.title,
            nc.get_origin_display(),
            nc.source_repr,
            nc.requirement_label,
            nc.get_severity_display() if nc.severity else "",
            nc.get_status_display(),
            _day(nc.detected_on),
            _day(nc.due_on),
            nc.containment,
            root,
            " ".join(s.ref for s in nc.similar.all()),
        ]
        tail = [
            _check_text(last),
            _day(nc.closed_at),
            str(nc.closed_by or ""),
        ]
        actions = list(nc.actions.all()) or [None]
        for a in actions:
            if a is None:
                yield head + ["", "", "", "", ""] + tail
            else:
                yield (
                    head
                    + [
                        a.title,
                        str(a.owner or ""),
                        _day(a.due_on),
                        a.get_status_display(),
                        _day(a.done_on),
                    ]
                    + tail
                )


def audit_pack_files(user):
    """The NC/CA register as XLSX (10.2 asks for documented information of both)."""
    from isms.exports import xlsx_bytes
    from isms.governance.audit_pack import PackFile

    yield PackFile(
        "15-improvement/nonconformity-register.xlsx",
        xlsx_bytes("NC-CA register", REGISTER_HEADER, register_rows(Nonconformity.objects.all())),
        "Nonconformities, corrective actions, effectiveness checks and opportunities for "
        "improvement (10.1, 10.2)",
    )


# --- Management-review inputs (9.3.2) ----------------------------------------------------------


def review_nonconformities() -> dict:
    """9.3.2 d) 1): nonconformities and corrective actions, with their trend over the
    last year; the rows are the open nonconformities and those closed since the last
    review, so the review sees what was corrected (four queries)."""
    from isms.audits.review_inputs import period_start

    summary = register_summary()
    ncs, actions = summary["nonconformities"], summary["actions"]
    since = period_start()
    rows = [
        {
            "ref": nc.ref,
            "title": nc.title,
            "severity": nc.get_severity_display(),
            "status": nc.get_status_display(),
            "detected_on": _day(nc.detected_on),
            "closed_on": _day(timezone.localdate(nc.closed_at) if nc.closed_at else None),
        }
        for nc in Nonconformity.objects.filter(
            Q(status__in=OPEN_NC_STATUSES) | Q(closed_at__date__gte=since), kind=NC
        ).order_by("detected_on", "number")[:50]
    ]
    return {
        "summary": _(
            "%(open)s open nonconformities (%(major)s major); %(raised)s raised and %(closed)s "
            "closed in the last 12 months; %(overdue)s corrective actions overdue."
        )
        % {
            "open": ncs["open"],
            "major": ncs["open_major"],
            "raised": ncs["raised_year"],
            "closed": ncs["closed_year"],
            "overdue": actions["overdue"],
        },
        "figures": [
            {"label": _("Open nonconformities"), "value": ncs["open"]},
            {"label": _("of which major"), "value": ncs["open_major"]},
            {"label": _("Awaiting effectiveness check"), "value": ncs["to_verify"]},
            {"label": _("Raised in the last 12 months"), "value": ncs["raised_year"]},
            {"label": _("Closed in the last 12 months"), "value": ncs["closed_year"]},
            {"label": _("Open corrective actions"), "value": actions["open"]},
            {"label": _("Overdue corrective actions"), "value": actions["overdue"]},
            {"label": _("Oldest open (days)"), "value": ncs["oldest_open_days"]},
        ],
        "rows": rows,
    }


def review_improvements() -> dict:
    """9.3.2 g): opportunities for continual improvement (two queries)."""
    ncs = register_summary()["nonconformities"]
    rows = [
        {"ref": o.ref, "title": o.title, "status": o.status, "detected_on": _day(o.detected_on)}
        for o in Nonconformity.objects.filter(kind=OFI, status__in=OPEN_NC_STATUSES).order_by(
            "detected_on", "number"
        )[:50]
    ]
    return {
        "summary": _(
            "%(open)s open opportunities for improvement; %(raised)s raised and %(closed)s "
            "taken up in the last 12 months."
        )
        % {
            "open": ncs["ofi_open"],
            "raised": ncs["ofi_raised_year"],
            "closed": ncs["ofi_closed_year"],
        },
        "figures": [
            {"label": _("Open opportunities"), "value": ncs["ofi_open"]},
            {"label": _("Raised in the last 12 months"), "value": ncs["ofi_raised_year"]},
            {"label": _("Closed in the last 12 months"), "value": ncs["ofi_closed_year"]},
        ],
        "rows": rows,
    }


# --- Measure (9.1) ------------------------------------------------------------------------------


def nc_closure_on_time(day: datetime.date) -> Decimal | None:
    """Share of nonconformities whose target closure date fell in the 12 months up to
    `day` that were closed by that date (None when none fell due). One query."""
    from isms.context.measures import percentage

    start = day - datetime.timedelta(days=365)
    counts = Nonconformity.objects.filter(kind=NC, due_on__gt=start, due_on__lte=day).aggregate(
        whole=Count("pk"),
        part=Count("pk", filter=Q(closed_at__isnull=False, closed_at__date__lte=F("due_on"))),
    )
    return percentage(counts["part"], counts["whole"])
