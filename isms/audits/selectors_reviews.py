"""Reads of the management-review part: the inputs `isms` itself provides (status of
previous actions, measurement results, control assurance, overdue reviews), the
dashboard figures, the reviews due (the next review, overdue actions) and the audit-pack
files. Registered by `isms.audits.setup._reviews()`.

Every input collector runs a fixed number of queries whatever the number of records
(tests/isms/audits/test_reviews_inputs.py, benchmarks/management_review.py).
"""

from __future__ import annotations

import datetime
import hashlib
from collections.abc import Iterable

from django.conf import settings
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from isms.audits.models.reviews import (
    OPEN_STATUSES,
    ActionStatus,
    ManagementReview,
    ReviewDecision,
)
from isms.models.approvals import ApprovalState


def interval_months() -> int:
    """Months between two management reviews (the MANAGEMENT_REVIEW_INTERVAL_MONTHS
    setting, a year by default)."""
    return settings.MANAGEMENT_REVIEW_INTERVAL_MONTHS


def last_approved() -> ManagementReview | None:
    return (
        ManagementReview.objects.filter(approval_state=ApprovalState.APPROVED)
        .order_by("-held_on", "-pk")
        .first()
    )


# --- Inputs -----------------------------------------------------------------------------


def previous_actions() -> dict:
    """9.3.2 a): the actions decided by approved reviews: counts by status, overdue, and
    every one still open or closed since the last review (two queries)."""
    from isms.audits.review_inputs import period_start

    today = timezone.localdate()
    since = period_start()
    decisions = ReviewDecision.objects.filter(review__approval_state=ApprovalState.APPROVED)
    counts = decisions.aggregate(
        total=Count("pk"),
        open=Count("pk", filter=Q(status__in=OPEN_STATUSES)),
        overdue=Count("pk", filter=Q(status__in=OPEN_STATUSES, due_date__lt=today)),
        done=Count("pk", filter=Q(status=ActionStatus.DONE)),
        cancelled=Count("pk", filter=Q(status=ActionStatus.CANCELLED)),
    )
    rows = [
        {
            "action": f"{d.review.reference}/D{d.number}",
            "decision": d.description,
            "owner": str(d.owner),
            "due": d.due_date,
            "status": d.get_status_display(),
            "done_on": d.done_on,
            "overdue": d.overdue,
        }
        for d in decisions.filter(Q(status__in=OPEN_STATUSES) | Q(updated_at__date__gte=since))
        .select_related("review", "owner")
        .order_by("due_date", "review__reference", "number")
    ]
    summary = (
        _(
            "%(open)s of %(total)s actions from previous reviews are open (%(overdue)s overdue); "
            "%(done)s done."
        )
        % counts
    )
    return {
        "summary": summary,
        "figures": [
            {"label": _("Actions decided"), "value": counts["total"]},
            {"label": _("Open"), "value": counts["open"]},
            {"label": _("Overdue"), "value": counts["overdue"]},
            {"label": _("Done"), "value": counts["done"]},
            {"label": _("Cancelled"), "value": counts["cancelled"]},
        ],
        "rows": rows,
    }


def control_assurance() -> dict:
    """9.3.2 d) 2): how far the ISMS knows its controls work (isms.assurance)."""
    from isms.assurance.selectors import assurance_summary

    summary = assurance_summary()
    counts = summary.as_dict()
    rows = [
        {"finding": label, "controls": ", ".join(values)}
        for label, values in (
            (_("Never tested"), summary.never_tested),
            (_("Test overdue"), summary.overdue),
            (_("Not effective"), summary.not_effective),
            (_("Expired evidence"), summary.expired_evidence),
        )
        if values
    ]
    return {
        "summary": _(
            "%(never_tested)s applicable controls never tested, %(overdue)s with a test "
            "overdue, %(not_effective)s not effective, %(expired_evidence)s with expired "
            "evidence."
        )
        % counts,
        "figures": [
            {"label": _("Never tested"), "value": counts["never_tested"]},
            {"label": _("Tests overdue"), "value": counts["overdue"]},
            {"label": _("Not effective"), "value": counts["not_effective"]},
            {"label": _("Expired evidence"), "value": counts["expired_evidence"]},
        ],
        "rows": rows,
    }


def overdue_reviews() -> dict:
    """9.3.2 d) 2): the periodic reviews overdue today (isms.governance.reviews), counted
    by kind, with the ten oldest."""
    from isms.governance import reviews

    today = timezone.localdate()
    items = reviews.due(today - datetime.timedelta(days=1))
    by_kind: dict[str, int] = {}
    for item in items:
        by_kind[str(item.kind)] = by_kind.get(str(item.kind), 0) + 1
    return {
        "summary": _("%s periodic reviews are overdue.") % len(items),
        "figures": [{"label": kind, "value": count} for kind, count in sorted(by_kind.items())],
        "rows": [
            {"kind": str(item.kind), "record": item.title, "due": item.due} for item in items[:10]
        ],
    }


# --- Dashboard, reviews due, audit pack -------------------------------------------------


def dashboard_figures(user) -> list[dict]:
    """The last approved management review and its open (overdue) actions."""
    if not user.has_perm("audits.view_managementreview"):
        return []
    review = last_approved()
    counts = ReviewDecision.objects.filter(
        review__approval_state=ApprovalState.APPROVED, status__in=OPEN_STATUSES
    ).aggregate(open=Count("pk"), overdue=Count("pk", filter=Q(due_date__lt=timezone.localdate())))
    return [
        {
            "label": _("Last management review"),
            "value": f"{review.reference} ({review.held_on:%Y-%m-%d})" if review else _("none"),
            "url": review.get_absolute_url() if review else reverse("audits:review_list"),
            "help": _("The last approved management review (clause 9.3)."),
        },
        {
            "label": _("Management review actions open"),
            "value": f"{counts['open']} ({counts['overdue']} {_('overdue')})",
            "url": reverse("audits:review_action_list"),
            "help": _("Decisions of approved reviews not yet done, and how many are late."),
        },
    ]


def due_reviews(until: datetime.date) -> Iterable:
    """The next management review (the interval after the last approved one) and the
    open actions of approved reviews whose due date has come."""
    from isms.governance.reviews import ReviewItem, security_managers
    from isms.models.governance import add_months

    review = last_approved()
    if review is not None:
        due = add_months(review.held_on, interval_months())
        if due <= until:
            yield ReviewItem(
                obj=review,
                kind=_("Management review"),
                title=_("Next management review (last: %s)") % review.reference,
                due=due,
                owners=list(security_managers()),
                url=reverse("audits:review_list"),
            )
    for decision in ReviewDecision.objects.filter(
        review__approval_state=ApprovalState.APPROVED,
        status__in=OPEN_STATUSES,
        due_date__lte=until,
    ).select_related("review", "owner"):
        yield ReviewItem(
            obj=decision,
            kind=_("Management review action"),
            title=str(decision),
            due=decision.due_date,
            owners=[decision.owner],
            url=decision.get_absolute_url(),
        )


def audit_pack_files(user) -> Iterable:
    """Every approved management review: the record exactly as approved (JSON, whose
    SHA-256 is the approval's) and a readable HTML page, plus the actions' register."""
    from django.template.loader import render_to_string

    from isms.exports import csv_bytes
    from isms.governance.audit_pack import PackFile, _approved_texts

    approved = list(
        ManagementReview.objects.filter(
            approval_state__in=(ApprovalState.APPROVED, ApprovalState.SUPERSEDED)
        )
        .select_related("approved_by", "prepared_by")
        .prefetch_related("attendees", "decisions__owner")
        .order_by("held_on", "pk")
    )
    texts = _approved_texts(ManagementReview, [r.pk for r in approved])
    for review in approved:
        text = texts.get(review.pk, review.canonical_json())
        yield PackFile(
            f"12-management-review/{review.reference}.json",
            text.encode(),
            f"{review} — exactly as approved (SHA-256 {review.approved_sha256}) (clause 9.3)",
        )
        html = render_to_string(
            "audits/review_record.html",
            {
                "review": review,
                "sha256": hashlib.sha256(text.encode()).hexdigest(),
                "inputs": snapshot_tables(review),
                "guests": [line for line in review.guests.splitlines() if line.strip()],
            },
        )
        yield PackFile(
            f"12-management-review/{review.reference}.html",
            html.encode(),
            f"{review} — readable record: inputs, minutes, decisions (clause 9.3)",
        )
    header = ["action", "kind", "decision", "owner", "due", "status", "done on", "note"]
    rows = (
        [
            d.reference,
            d.get_kind_display(),
            d.description,
            d.owner.get_username(),
            d.due_date.isoformat(),
            d.get_status_display(),
            d.done_on.isoformat() if d.done_on else "",
            d.status_note,
        ]
        for review in approved
        for d in review.decisions.all()
    )
    yield PackFile(
        "12-management-review/actions.csv",
        csv_bytes(header, rows),
        "The decisions of the management reviews and their follow-up (clause 9.3.3)",
    )


# --- The snapshot, readable -------------------------------------------------------------


def _cell(value) -> str:
    if value is None or value == "":
        return "—"
    if value is True:
        return _("yes")
    if value is False:
        return _("no")
    if isinstance(value, list | dict):
        return ", ".join(str(v) for v in value) if isinstance(value, list) else str(value)
    return str(value)


def snapshot_tables(review_or_inputs) -> list[dict]:
    """A review's input snapshot (or the snapshot's list itself) as the pages, the pack
    and the approver show it: per input its clause, title, summary, figures, and its
    rows as a table (columns in the order the input gave them, header from the keys)."""
    items = getattr(review_or_inputs, "inputs", review_or_inputs) or []
    shown = []
    for item in items:
        data = item.get("data") or {}
        rows = data.get("rows") or []
        keys = data.get("columns") or (list(rows[0].keys()) if rows else [])
        shown.append(
            {
                "key": item["key"],
                "clause": item["clause"],
                "title": item["title"],
                "summary": data.get("summary", ""),
                "figures": [(f["label"], _cell(f["value"])) for f in data.get("figures", [])],
                "header": [key.replace("_", " ").capitalize() for key in keys],
                "rows": [[_cell(row.get(key)) for key in keys] for row in rows],
            }
        )
    return shown


def render_for_approval(content: str, previous: str | None) -> str:
    """What the approver reads (isms.approvals `render`): the record exactly as hashed,
    readable: meeting, attendees, minutes, decisions and every input of the snapshot."""
    import json

    from django.template.loader import render_to_string

    data = json.loads(content)
    return render_to_string(
        "audits/review_approval.html",
        {"data": data, "inputs": snapshot_tables(data.get("inputs"))},
    )
