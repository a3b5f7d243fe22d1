"""Reads of control assurance shared by the dashboard, the SoA, the API and the
management review (`assurance_summary`)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef
from django.utils import timezone

from isms.assurance.choices import Conclusion, ResultStatus
from isms.assurance.models import ControlTest, ControlTestResult
from isms.models import ControlImplementation, Evidence


@dataclass
class AssuranceSummary:
    """How far the ISMS knows its controls work, on `today` (control identifiers)."""

    today: datetime.date
    never_tested: list[str] = field(default_factory=list)
    overdue: list[str] = field(default_factory=list)
    not_effective: list[str] = field(default_factory=list)
    expired_evidence: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {
            "never_tested": len(self.never_tested),
            "overdue": len(self.overdue),
            "not_effective": len(self.not_effective),
            "expired_evidence": len(self.expired_evidence),
        }


def latest_results(control_ids=None) -> dict[int, ControlTestResult]:
    """The latest concluded result per control (by control id), one query."""
    results = ControlTestResult.objects.filter(status=ResultStatus.DONE).select_related(
        "test__implementation"
    )
    if control_ids is not None:
        results = results.filter(test__implementation__control_id__in=list(control_ids))
    latest: dict[int, ControlTestResult] = {}
    for result in results.order_by("performed_on", "pk"):
        latest[result.test.implementation.control_id] = result
    return latest


def evidence_freshness(control_ids, today=None) -> dict[int, dict[str, int]]:
    """Per control id: {current, expiring, expired} counts of its evidence."""
    today = today or timezone.localdate()
    counts: dict[int, dict[str, int]] = {}
    for item in (
        Evidence.objects.filter(implementation__control_id__in=list(control_ids))
        .only("valid_until", "implementation__control_id")
        .select_related("implementation")
    ):
        bucket = counts.setdefault(
            item.implementation.control_id, {"current": 0, "expiring": 0, "expired": 0}
        )
        bucket[item.state_on(today)] += 1
    return counts


def assurance_summary(*, today: datetime.date | None = None) -> AssuranceSummary:
    """Controls never tested (applicable, no concluded result), tests overdue (an open
    instance past its due date, or a test past its next due date), controls whose latest
    result is not effective, and controls with expired evidence. A handful of queries.

    This is the management-review input on control assurance (clause 9.3)."""
    today = today or timezone.localdate()
    summary = AssuranceSummary(today=today)
    done = ControlTestResult.objects.filter(
        test__implementation=OuterRef("pk"), status=ResultStatus.DONE
    )
    summary.never_tested = list(
        ControlImplementation.objects.filter(applicable=True, control__withdrawn=False)
        .annotate(tested=Exists(done))
        .filter(tested=False)
        .order_by("control__framework__code", "control__sort_order")
        .values_list("control__identifier", flat=True)
    )
    overdue = ControlTest.objects.filter(active=True, next_due__lt=today).values_list(
        "implementation__control__identifier", flat=True
    )
    summary.overdue = sorted(set(overdue))
    summary.not_effective = sorted(
        r.test.implementation.control.identifier
        for r in ControlTestResult.objects.filter(
            pk__in=[r.pk for r in latest_results().values()],
            conclusion=Conclusion.NOT_EFFECTIVE,
        ).select_related("test__implementation__control")
    )
    summary.expired_evidence = sorted(
        set(
            Evidence.objects.filter(valid_until__lt=today).values_list(
                "implementation__control__identifier", flat=True
            )
        )
    )
    return summary
