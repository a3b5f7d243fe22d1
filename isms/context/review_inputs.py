"""The context app's inputs to the management review (9.3.2), registered with
`isms.audits.review_inputs` from `isms.context.setup`:

- b) changes in external and internal issues (context issues, climate determinations);
- c) changes in the needs and expectations of interested parties (parties, requirements);
- d) monitoring and measurement results, and the fulfilment of the objectives;
- e) feedback from interested parties (the feedback register).

"Changes" are read from the audit trail since the last approved management review
(`isms.audits.review_inputs.period_start`), or over the last 12 months when none is.
Each input runs a fixed number of queries whatever the size of the registers.
"""

import datetime
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count
from django.utils.translation import gettext as _

ROWS = 50  # the most recent changes listed; the counts cover them all


def since() -> datetime.date:
    """The start of the period the review looks back on: the last approved management
    review, or a year ago (`isms.audits.review_inputs.period_start`)."""
    from isms.audits.review_inputs import period_start

    return period_start()


def _plain(value):
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime.date | datetime.datetime):
        return value.isoformat()
    return value


def _changes(models, *, start: datetime.date) -> dict:
    """Created, changed and deleted records of `models` since `start`, from the audit
    trail: the counts per action, and the latest ROWS changes."""
    from isms.models import AuditEvent
    from isms.models.audit import AuditAction

    types = ContentType.objects.get_for_models(*models).values()
    events = AuditEvent.objects.filter(
        content_type__in=[t.pk for t in types],
        timestamp__date__gte=start,
        action__in=(AuditAction.CREATE, AuditAction.UPDATE, AuditAction.DELETE),
    )
    counts = dict(events.order_by().values_list("action").annotate(n=Count("pk")))
    labels = {t.pk: t.model for t in types}
    rows = [
        {
            "when": timestamp.date().isoformat(),
            "kind": labels.get(content_type_id, ""),
            "record": record,
            "action": action,
            "fields": ", ".join(sorted(changes)) if action == AuditAction.UPDATE else "",
        }
        for timestamp, content_type_id, record, action, changes in events.order_by(
            "-timestamp", "-id"
        ).values_list("timestamp", "content_type_id", "object_repr", "action", "changes")[:ROWS]
    ]
    return {
        "created": counts.get(AuditAction.CREATE, 0),
        "changed": counts.get(AuditAction.UPDATE, 0),
        "deleted": counts.get(AuditAction.DELETE, 0),
        "rows": rows,
    }


def _changes_input(models, what: str) -> dict:
    start = since()
    found = _changes(models, start=start)
    return {
        "summary": _("%(what)s since %(day)s: %(created)d added, %(changed)d changed, "
                     "%(deleted)d removed.") % {"what": what, "day": start.isoformat(), **found},
        "figures": [
            {"label": _("Since"), "value": start.isoformat()},
            {"label": _("Added"), "value": found["created"]},
            {"label": _("Changed"), "value": found["changed"]},
            {"label": _("Removed"), "value": found["deleted"]},
        ],
        "rows": found["rows"],
    }  # fmt: skip


def issues_changes() -> dict:
    """9.3.2 b): changes in the internal and external issues, and the latest climate
    determination."""
    from isms.context.models import ClimateDetermination, ContextIssue

    result = _changes_input((ContextIssue, ClimateDetermination), _("Context issues"))
    latest = ClimateDetermination.objects.order_by("-decided_on", "-pk").first()
    if latest is not None:
        result["figures"].append(
            {
                "label": _("Climate change relevant"),
                "value": _("yes") if latest.relevant else _("no"),
            }
        )
    return result


def parties_changes() -> dict:
    """9.3.2 c): changes in the needs and expectations of interested parties."""
    from isms.context.models import InterestedParty, Requirement

    result = _changes_input((InterestedParty, Requirement), _("Interested parties"))
    open_count = Requirement.objects.filter(addressed=False).count()
    result["figures"].append({"label": _("Requirements not addressed"), "value": open_count})
    return result


def objectives_fulfilment() -> dict:
    """9.3.2 d) 4): each objective, its status and its measure against the target."""
    from isms.context.selectors import objectives_fulfilment as fulfilment

    rows = []
    for row in fulfilment():
        measure = row["measure"] or {}
        rows.append(
            {
                "objective": row["objective"],
                "title": row["title"],
                "owner": row["owner"],
                "due_date": _plain(row["due_date"]),
                "status": row["status"],
                "measure": measure.get("measure"),
                "target": _plain(measure.get("target")),
                "value": _plain(measure.get("value")),
                "period": measure.get("period"),
                "meets_target": measure.get("meets_target"),
            }
        )
    on_target = sum(1 for r in rows if r["meets_target"])
    achieved = sum(1 for r in rows if r["status"] == "achieved")
    return {
        "summary": _("%(on)d of %(all)d objectives meet their measure's target; %(done)d "
                     "achieved.") % {"on": on_target, "all": len(rows), "done": achieved},
        "figures": [
            {"label": _("Objectives"), "value": len(rows)},
            {"label": _("On target"), "value": on_target},
            {"label": _("Achieved"), "value": achieved},
        ],
        "rows": rows,
    }  # fmt: skip


def measurement_results() -> dict:
    """9.3.2 d) 2): each measure's latest value against its target."""
    from isms.context.selectors import measurement_results as results

    rows = [{key: _plain(value) for key, value in row.items()} for row in results()]
    meeting = sum(1 for r in rows if r["meets_target"])
    return {
        "summary": _("%(on)d of %(all)d measures meet their target.")
        % {"on": meeting, "all": len(rows)},
        "figures": [
            {"label": _("Measures"), "value": len(rows)},
            {"label": _("On target"), "value": meeting},
        ],
        "rows": rows,
    }


def party_feedback() -> dict:
    """9.3.2 e): feedback received from interested parties since the period start:
    counts by kind, open and closed, and the latest ROWS received. Three queries."""
    from isms.context.choices import FeedbackKind
    from isms.context.models import PartyFeedback

    start = since()
    received = PartyFeedback.objects.filter(received_on__gte=start)
    by_kind = dict(received.order_by().values_list("kind").annotate(n=Count("pk")))
    by_state = dict(received.order_by().values_list("closed").annotate(n=Count("pk")))
    total, closed = sum(by_kind.values()), by_state.get(True, 0)
    rows = [
        {
            "received_on": received_on.isoformat(),
            "party": party,
            "kind": kind,
            "summary": summary,
            "response": response,
            "closed": is_closed,
        }
        for received_on, party, kind, summary, response, is_closed in received.order_by(
            "-received_on", "-pk"
        ).values_list("received_on", "party__name", "kind", "summary", "response", "closed")[:ROWS]
    ]
    figures = [
        {"label": _("Since"), "value": start.isoformat()},
        {"label": _("Received"), "value": total},
        {"label": _("Open"), "value": total - closed},
        {"label": _("Closed"), "value": closed},
    ]
    figures += [
        {"label": str(label), "value": by_kind.get(value, 0)}
        for value, label in FeedbackKind.choices
    ]
    return {
        "summary": _("%(total)d pieces of feedback received from interested parties since "
                     "%(day)s (%(complaints)d complaints); %(open)d still open.")
        % {"total": total, "day": start.isoformat(),
           "complaints": by_kind.get(FeedbackKind.COMPLAINT, 0), "open": total - closed},
        "figures": figures,
        "rows": rows,
    }  # fmt: skip


def register() -> None:
    from django.utils.translation import gettext_lazy

    from isms.audits.review_inputs import ReviewInput, inputs

    for entry in (
        ReviewInput("context_issues", "9.3.2 b)",
                    gettext_lazy("Changes in external and internal issues"), issues_changes, 20),
        ReviewInput("interested_parties", "9.3.2 c)",
                    gettext_lazy("Changes in the needs and expectations of interested parties"),
                    parties_changes, 30),
        ReviewInput("measurement_results", "9.3.2 d) 2)",
                    gettext_lazy("Monitoring and measurement results"), measurement_results, 42),
        ReviewInput("objectives_fulfilment", "9.3.2 d) 4)",
                    gettext_lazy("Fulfilment of the information security objectives"),
                    objectives_fulfilment, 44),
        ReviewInput("party_feedback", "9.3.2 e)",
                    gettext_lazy("Feedback from interested parties"), party_feedback, 50),
    ):  # fmt: skip
        inputs.register(entry)
