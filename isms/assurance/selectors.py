"""Reads of control assurance shared by the dashboard, the SoA, the API and the
management review (`assurance_summary`)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef, QuerySet, Subquery
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


def visible_tests(user) -> QuerySet:
    """The tests `user` may see: every test for the roles that read them (security
    manager, management, auditor), only the tests assigned to them for a tester without
    a role (none for anyone else)."""
    if user.has_perm("assurance.view_controltest"):
        return ControlTest.objects.all()
    if not user.is_authenticated:
        return ControlTest.objects.none()
    return ControlTest.objects.filter(tester=user)


def visible_results(user) -> QuerySet:
    """The results of `visible_tests(user)`."""
    if user.has_perm("assurance.view_controltestresult"):
        return ControlTestResult.objects.all()
    return ControlTestResult.objects.filter(test__in=visible_tests(user).values("pk"))


def is_tester(user) -> bool:
    """Whether `user` is the tester of some active test (a tester may record results
    without a role)."""
    return (
        user.is_authenticated
        and ControlTest.objects.filter(tester_id=user.pk, active=True).exists()
    )


def last_done(field: str) -> Subquery:
    """`field` of a test's latest concluded result, to annotate tests with."""
    return Subquery(
        ControlTestResult.objects.filter(test=OuterRef("pk"), status=ResultStatus.DONE)
        .order_by("-performed_on", "-pk")
        .values(field)[:1]
    )


def with_last_result(tests: QuerySet) -> QuerySet:
    """Tests annotated with `last_conclusion` and `last_performed_on` (one query), and
    whether an open instance waits (`has_open`)."""
    return tests.annotate(
        last_conclusion=last_done("conclusion"),
        last_performed_on=last_done("performed_on"),
        has_open=Exists(
            ControlTestResult.objects.filter(test=OuterRef("pk"), status=ResultStatus.OPEN)
        ),
    )


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
