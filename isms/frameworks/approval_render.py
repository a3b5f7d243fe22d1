"""The SoA as management reads it before signing (issue 20.2): the table of controls
that changed since the approved SoA, drawn from the exact JSON that is hashed.
Registered as the SoA's `render` with `isms.approvals` (see setup.py)."""

import json

from django.template.loader import render_to_string
from django.utils.translation import gettext_lazy as _

from isms.choices import ImplementationStatus, InclusionReason

# The fields of a row an approver compares, with their names, in reading order.
FIELDS = (
    ("applicable", _("Applicability")),
    ("reasons", _("Reasons for inclusion")),
    ("justification", _("Justification for exclusion")),
    ("status", _("Implementation")),
    ("owner", _("Owner")),
    ("target_date", _("Target date")),
    ("description", _("How it is implemented")),
    ("implemented_rationale", _("Why it counts as implemented")),
    ("risks", _("Risks treated")),
    ("evidence", _("Evidence")),
)


def _words(field: str, value) -> str:
    """One value of a row in words, as the SoA page shows it."""
    if field == "applicable":
        return str({True: _("Applicable"), False: _("Not applicable")}.get(value, _("Undecided")))
    if field == "status":
        return str(dict(ImplementationStatus.choices).get(value, value or "—"))
    if field == "reasons":
        labels = dict(InclusionReason.choices)
        return ", ".join(str(labels.get(v, v)) for v in value or []) or "—"
    if isinstance(value, list):
        return ", ".join(str(v) for v in value) or "—"
    return str(value) if value not in (None, "") else "—"


def _rows(content: str | None) -> dict:
    if not content:
        return {}
    return {row["identifier"]: row for row in json.loads(content).get("rows", [])}


def soa_render(content: str, previous: str | None) -> str:
    """HTML of a submitted SoA: its totals and, against the approved one it replaces, a
    table of the controls that changed (field, before, after); every control's
    decision when there is no approved SoA yet."""
    payload = json.loads(content)
    rows = _rows(content)
    old = _rows(previous)
    changes = []
    if previous:
        for identifier, row in rows.items():
            before = old.get(identifier)
            if before is None:
                changes.append((row, [(_("Control"), "—", _("Added"))]))
                continue
            diffs = [
                (label, _words(field, before.get(field)), _words(field, row.get(field)))
                for field, label in FIELDS
                if before.get(field) != row.get(field)
            ]
            if diffs:
                changes.append((row, diffs))
        changes.extend(
            (row, [(_("Control"), _("In the SoA"), _("Removed"))])
            for identifier, row in old.items()
            if identifier not in rows
        )
    values = list(rows.values())
    return render_to_string(
        "isms/frameworks/approval_soa.html",
        {
            "framework": payload.get("framework"),
            "version": payload.get("version"),
            "total": len(values),
            "applicable": sum(1 for r in values if r.get("applicable") is True),
            "excluded": sum(1 for r in values if r.get("applicable") is False),
            "has_previous": bool(previous),
            "changes": changes,
            "all_rows": [
                (r, _words("applicable", r.get("applicable")), _words("status", r.get("status")))
                for r in values
            ]
            if not previous
            else [],
        },
    )
