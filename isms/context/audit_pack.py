"""The context, parties, objectives and measures in the audit pack (CSV files)."""

from collections.abc import Iterable

from isms.context.models import (
    ClimateDetermination,
    ContextIssue,
    Measurement,
    Objective,
    Requirement,
)
from isms.exports import csv_bytes
from isms.governance.audit_pack import PackFile


def context_files(user) -> Iterable[PackFile]:
    """Context issues, climate determinations, requirements, objectives, measurements."""
    yield PackFile(
        "12-context/context-issues.csv",
        csv_bytes(
            ["Reference", "Title", "Origin", "Category", "Effect", "Addressed by", "Detail"],
            [
                [
                    i.reference,
                    i.title,
                    i.origin,
                    i.category,
                    i.effect,
                    i.treatment,
                    i.risk_reference
                    or (i.objective and i.objective.reference)
                    or (i.control and i.control.identifier)
                    or i.no_action_reason,
                ]
                for i in ContextIssue.objects.select_related("objective", "control")
            ],
        ),  # fmt: skip
        "Issues of the organisation's context (clause 4.1)",
    )
    yield PackFile(
        "12-context/climate-determinations.csv",
        csv_bytes(
            ["Decided on", "Relevant", "Reasoning", "Scope version", "Approved"],
            [
                [
                    d.decided_on,
                    d.relevant,
                    d.reasoning,
                    d.scope_version.number if d.scope_version else "",
                    d.approved,
                ]
                for d in ClimateDetermination.objects.select_related("scope_version")
            ],
        ),  # fmt: skip
        "Whether climate change is a relevant issue (clause 4.1, Amendment 1)",
    )
    yield PackFile(
        "12-context/interested-parties.csv",
        csv_bytes(
            ["Party", "Kind", "Requirement", "Requirement kind", "Addressed", "How"],
            [
                [r.party.name, r.party.kind, r.title, r.kind, r.addressed, r.how_addressed]
                for r in Requirement.objects.select_related("party")
            ],
        ),
        "Interested parties and their requirements (clause 4.2, Annex A 5.31)",
    )
    yield PackFile(
        "13-objectives/objectives.csv",
        csv_bytes(
            ["Reference", "Title", "Owner", "Due", "Status", "Evaluation", "Measure"],
            [
                [
                    o.reference,
                    o.title,
                    o.owner,
                    o.due_date,
                    o.status,
                    o.evaluation_method,
                    o.measure.reference if o.measure else "",
                ]
                for o in Objective.objects.select_related("owner", "measure")
            ],
        ),  # fmt: skip
        "Information security objectives (clause 6.2)",
    )
    yield PackFile(
        "13-objectives/measurements.csv",
        csv_bytes(
            ["Measure", "Name", "Period", "Value", "Target", "Direction", "Meets target"],
            [
                [
                    m.measure.reference,
                    m.measure.name,
                    m.period,
                    m.value,
                    m.measure.target,
                    m.measure.direction,
                    m.measure.meets(m.value),
                ]
                for m in Measurement.objects.select_related("measure")
            ],
        ),  # fmt: skip
        "Results of monitoring and measurement (clause 9.1)",
    )
