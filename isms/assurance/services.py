"""Writes of control assurance: one business operation per transaction, each with its
audit trail. Views, the API, the beat tasks and the demo call these.

Rules: the tester of a test or a result may not be the control's owner (independence);
inspection and re-performance results cite evidence of the same control; a security
manager records any result, a tester without a role only those of the tests assigned to
them; a result that is not effective runs the registered follow-ups
(`isms.assurance.hooks`, in the same transaction) and tells the control owner and the
security managers. Open tests past their due date are reminded again every few days.
"""

from __future__ import annotations

import calendar
import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils import timezone

from isms import audit
from isms.assurance.choices import (
    METHODS_REQUIRING_EVIDENCE,
    Conclusion,
    ControlTestMethod,
    ResultStatus,
)
from isms.assurance.models import ControlTest, ControlTestResult
from isms.choices import EVIDENCE_EXPIRING_DAYS
from isms.frameworks import evidence as automated
from isms.frameworks import services as framework_services
from isms.models import ControlImplementation, Evidence
from isms.models.audit import AuditAction

TEST_FIELDS = ("title", "procedure", "method", "sample_size", "frequency", "tester", "threshold")
# Automated tests: below the threshold but within this many points is "partially effective".
PARTIAL_MARGIN = 20


def add_months(day: datetime.date, months: int) -> datetime.date:
    """`day` plus `months` calendar months (the 31st becomes the month's last day)."""
    month = day.month - 1 + months
    year = day.year + month // 12
    month = month % 12 + 1
    return day.replace(
        year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1])
    )


def can_manage(user) -> bool:
    """Security managers plan tests and record any result."""
    return user.has_perm("assurance.change_controltest")


def may_record(user, test: ControlTest) -> bool:
    """A security manager, or the tester the test is assigned to, records its results."""
    return can_manage(user) or (test.tester_id is not None and test.tester_id == user.pk)


def _check_independent(implementation: ControlImplementation, tester) -> None:
    if tester is not None and implementation.owner_id == tester.pk:
        raise ValidationError(
            {"tester": "The tester may not be the control's owner (independence)."}
        )


@audit.acts_as_user
@transaction.atomic
def control_test_save(
    *, user, data: dict, implementation: ControlImplementation | None = None, test=None
) -> ControlTest:
    """Create a test of `implementation`, or change `test`: `data` holds TEST_FIELDS (and
    `next_due`, default today). The tester may not own the control."""
    if not can_manage(user):
        raise PermissionDenied("You may not plan control tests.")
    creating = test is None
    if creating:
        test = ControlTest(implementation=implementation, next_due=timezone.localdate())
    before = {name: getattr(test, name) for name in (*TEST_FIELDS, "next_due", "active")}
    for name in (*TEST_FIELDS, "next_due", "active"):
        if name in data and data[name] is not None:
            setattr(test, name, data[name])
    _check_independent(test.implementation, test.tester)
    test.full_clean()
    test.save()
    if creating:
        audit.record_created(test, message=f"Control test planned: {test}")
    else:
        changes = {k: str(getattr(test, k)) for k, v in before.items() if getattr(test, k) != v}
        audit.record(test, AuditAction.UPDATE, changes=changes, message="Control test changed")
    return test


def _advance(test: ControlTest, performed_on: datetime.date) -> None:
    test.next_due = add_months(performed_on, test.frequency)
    test.save(update_fields=["next_due"])


@audit.acts_as_user
@transaction.atomic
def result_record(
    *, user, test: ControlTest, data: dict, result: ControlTestResult | None = None
) -> ControlTestResult:
    """Conclude the open instance of `test` (or `result`), or record an unscheduled one.

    Who: a security manager, or the test's own tester (who records as themselves).
    `data`: performed_on (default today), tester (default `user`), sample, conclusion,
    evidence (Evidence of the same control), new_evidence (a link or file to attach to
    the control first, through `isms.frameworks.services.evidence_add`: {title, url,
    upload, kind}), remarks. Refused, with nothing saved: a tester owning the control
    (independence), no evidence when the method needs it, evidence of another control,
    no conclusion, a date in the future. A not-effective conclusion runs the registered
    follow-ups (`isms.assurance.hooks`) and notifies the owner and security managers.
    """
    tester = data.get("tester") or user
    if not may_record(user, test) or (not can_manage(user) and tester.pk != user.pk):
        raise PermissionDenied("You may not record results of this test.")
    implementation = test.implementation
    _check_independent(implementation, tester)
    errors = {}
    conclusion = data.get("conclusion") or ""
    if conclusion not in Conclusion.values:
        errors["conclusion"] = "Choose a conclusion."
    evidence = list(data.get("evidence") or [])
    new_evidence = {k: v for k, v in (data.get("new_evidence") or {}).items() if v}
    if new_evidence.get("url") or new_evidence.get("upload"):
        if not new_evidence.get("title"):
            errors["evidence_title"] = "Give the new evidence a title."
    elif new_evidence.get("title"):
        errors["evidence_title"] = "Give a link or a file for the new evidence."
    else:
        new_evidence = {}
    if test.method in METHODS_REQUIRING_EVIDENCE and not (evidence or new_evidence):
        errors["evidence"] = (
            f"A {test.get_method_display().lower()} result needs evidence "
            "(the method requires it): cite or attach some."
        )
    if any(item.implementation_id != implementation.pk for item in evidence):
        errors["evidence"] = "Evidence must belong to the tested control."
    performed_on = data.get("performed_on") or timezone.localdate()
    if performed_on > timezone.localdate():
        errors["performed_on"] = "A test cannot be performed in the future."
    if result is not None and (result.test_id != test.pk or result.status != ResultStatus.OPEN):
        errors["result"] = "This result is already concluded."
    if errors:
        raise ValidationError(errors)
    if new_evidence:
        # Checked first, so a refused file leaves nothing behind; the upload is the last
        # thing that can fail before the result is saved.
        evidence.append(
            framework_services.evidence_add(
                implementation=implementation,
                user=user,
                title=new_evidence["title"],
                url=new_evidence.get("url", ""),
                upload=new_evidence.get("upload"),
                kind=new_evidence.get("kind") or "other",
                as_tester=True,
            )
        )
    if result is None:
        result = test.results.select_for_update().filter(status=ResultStatus.OPEN).first()
    if result is None:
        result = ControlTestResult(test=test, due_date=performed_on)
    result.status = ResultStatus.DONE
    result.performed_on = performed_on
    result.tester = tester
    result.sample = data.get("sample", "")
    result.conclusion = conclusion
    result.remarks = data.get("remarks", "")
    result.save()
    result.evidence.set(evidence)
    _advance(test, performed_on)
    audit.record(
        result,
        AuditAction.OTHER,
        changes={"conclusion": conclusion, "performed_on": performed_on},
        message=f"Control test concluded: {test} — {result.get_conclusion_display()}",
    )
    if conclusion == Conclusion.NOT_EFFECTIVE:
        _not_effective(result, user=user)
    return result


def _not_effective(result: ControlTestResult, *, user=None, notify_people: bool = True) -> None:
    """Run the registered follow-ups (`isms.assurance.hooks`: risks up for review, a
    nonconformity...) in the caller's transaction, record what they did, and tell the
    owner and the security managers."""
    from isms.assurance.hooks import run_follow_ups
    from isms.governance.notifications import notify
    from isms.governance.reviews import security_managers

    done = run_follow_ups(result=result, user=user)
    if done:
        audit.record(
            result,
            AuditAction.OTHER,
            changes={"follow_ups": done},
            message="Not effective: follow-ups run",
        )
    if not notify_people:
        return
    implementation = result.test.implementation
    users = {u.pk: u for u in security_managers()}
    if implementation.owner is not None:
        users[implementation.owner.pk] = implementation.owner
    followed = ("\n" + "\n".join(f"- {line}" for line in done)) if done else ""
    notify(
        users=users.values(),
        subject=f"Control not effective: {implementation.control.identifier}",
        body=f"The test “{result.test.title}” concluded “not effective” on "
        f"{result.performed_on:%d %B %Y}. Raise a nonconformity and review the risks "
        f"this control treats.{followed}",
    )


@audit.acts_as_user
@transaction.atomic
def tests_open_due(*, today: datetime.date | None = None) -> int:
    """Open an instance of every active manual test that is due and has none open, and
    remind its tester (or the security managers). Safe to run twice: a test has at most
    one open instance (a unique constraint), so a second run opens nothing."""
    from isms.governance.notifications import notify
    from isms.governance.reviews import security_managers

    today = today or timezone.localdate()
    due = list(
        ControlTest.objects.filter(active=True, next_due__lte=today)
        .exclude(method=ControlTestMethod.AUTOMATED)
        .exclude(results__status=ResultStatus.OPEN)
        .select_related("implementation__control", "tester")
    )
    if not due:
        return 0
    ControlTestResult.objects.bulk_create(
        [
            ControlTestResult(test=t, due_date=t.next_due, reminded_on=today, tester=t.tester)
            for t in due
        ],
        ignore_conflicts=True,
    )
    by_tester: dict = {}
    for test in due:
        by_tester.setdefault(test.tester, []).append(test)
    managers = None
    for tester, tests in by_tester.items():
        if tester is None:
            managers = managers if managers is not None else list(security_managers())
        lines = "\n".join(f"- {t} (due {t.next_due:%d %B %Y})" for t in tests[:50])
        notify(
            users=[tester] if tester is not None else managers,
            subject=f"{len(tests)} control test(s) due",
            body=f"These control tests are due:\n{lines}",
        )
    return len(due)


def overdue_reminder_days() -> int:
    """Days between two reminders of an overdue test (settings.CONTROL_TEST_REMINDER_DAYS,
    from the environment, default 7; at least 1)."""
    from django.conf import settings

    return max(1, settings.CONTROL_TEST_REMINDER_DAYS)


@audit.acts_as_user
@transaction.atomic
def tests_remind_overdue(*, today: datetime.date | None = None, every: int | None = None) -> int:
    """Remind again, every `every` days (overdue_reminder_days()), the tester (or the
    security managers) of each open test instance past its due date, until it is
    concluded. The first reminder goes when the instance opens (`tests_open_due`); this
    one repeats it. Idempotent per day: `reminded_on` records the last reminder, so a
    second run the same day (or before `every` days have passed) sends nothing. Returns
    the number of instances reminded."""
    from isms.governance.notifications import notify
    from isms.governance.reviews import security_managers

    today = today or timezone.localdate()
    every = every or overdue_reminder_days()
    last = today - datetime.timedelta(days=every)
    overdue = list(
        ControlTestResult.objects.select_for_update(of=("self",), skip_locked=True)
        .filter(status=ResultStatus.OPEN, due_date__lt=today, test__active=True)
        .filter(models.Q(reminded_on__isnull=True) | models.Q(reminded_on__lte=last))
        .select_related("test__implementation__control", "test__tester")
        .order_by("due_date", "pk")
    )
    if not overdue:
        return 0
    by_tester: dict = {}
    for result in overdue:
        by_tester.setdefault(result.test.tester, []).append(result)
    managers = None
    for tester, results in by_tester.items():
        if tester is None:
            managers = managers if managers is not None else list(security_managers())
        lines = "\n".join(
            f"- {r.test} (due {r.due_date:%d %B %Y}, {(today - r.due_date).days} days late)"
            for r in results[:50]
        )
        notify(
            users=[tester] if tester is not None else managers,
            subject=f"{len(results)} control test(s) overdue",
            body=f"These control tests are overdue; record their results:\n{lines}",
        )
    ControlTestResult.objects.filter(pk__in=[r.pk for r in overdue]).update(reminded_on=today)
    audit.record(
        None,
        AuditAction.OTHER,
        changes={"reminded": len(overdue)},
        message=f"Overdue control tests: {len(overdue)} reminder(s) sent",
    )
    return len(overdue)


def _conclude_automated(rate: float, threshold: int) -> str:
    if rate >= threshold:
        return Conclusion.EFFECTIVE
    if rate >= threshold - PARTIAL_MARGIN:
        return Conclusion.PARTIAL
    return Conclusion.NOT_EFFECTIVE


@audit.acts_as_user
@transaction.atomic
def automated_evaluate(*, today: datetime.date | None = None) -> int:
    """Conclude every active automated test from its control's checks (latest evaluation,
    through the `isms.frameworks.evidence` providers): the pass rate against the test's
    threshold. One result per test and day (a second run the same day updates it), so
    the history is kept. A test turning not effective (its previous result was not)
    runs the follow-ups once; one that stays not effective on the next days does not
    run them again. Returns the number of tests evaluated."""
    today = today or timezone.localdate()
    # The conclusion before today's, so a test that stays not effective runs its
    # follow-ups once (when it turns), not every day.
    previous = (
        ControlTestResult.objects.filter(
            test=models.OuterRef("pk"), status=ResultStatus.DONE, performed_on__lt=today
        )
        .order_by("-performed_on", "-pk")
        .values("conclusion")[:1]
    )
    tests = list(
        ControlTest.objects.filter(active=True, method=ControlTestMethod.AUTOMATED)
        .annotate(previous_conclusion=models.Subquery(previous))
        .select_related("implementation__control", "implementation__owner")
    )
    checks = automated.for_controls({t.implementation.control_id for t in tests})
    todays = {
        r.test_id: r
        for r in ControlTestResult.objects.filter(
            test__in=tests, performed_on=today, status=ResultStatus.DONE
        )
    }
    created, updated, newly_failing = [], [], []
    for test in tests:
        results = checks.get(test.implementation.control_id, [])
        passed = sum(c.passed for c in results)
        failed = sum(c.failed for c in results)
        if not passed + failed:
            continue
        rate = 100 * passed / (passed + failed)
        conclusion = _conclude_automated(rate, test.threshold)
        result = todays.get(test.pk) or ControlTestResult(
            test=test, due_date=today, performed_on=today, status=ResultStatus.DONE
        )
        failing_now = conclusion == Conclusion.NOT_EFFECTIVE
        before = result.conclusion if result.pk else test.previous_conclusion
        if failing_now and before != Conclusion.NOT_EFFECTIVE:
            newly_failing.append(result)  # follow-ups and people: once, when it turns
        result.passed, result.failed, result.conclusion = passed, failed, conclusion
        result.sample = f"{passed + failed} resources"
        result.remarks = f"{rate:.1f}% passing; threshold {test.threshold}%."
        (updated if result.pk else created).append(result)
        test.next_due = today + datetime.timedelta(days=1)
    ControlTestResult.objects.bulk_create(created)
    ControlTestResult.objects.bulk_update(
        updated, ["passed", "failed", "conclusion", "sample", "remarks"]
    )
    ControlTest.objects.bulk_update(tests, ["next_due"])
    # Every newly failing test runs its follow-ups; people are told of the first 100 (a
    # check that breaks everywhere at once should not send thousands of messages).
    for index, result in enumerate(newly_failing):
        _not_effective(result, notify_people=index < 100)
    return len(created) + len(updated)


@audit.acts_as_user
@transaction.atomic
def evidence_remind_expiring(*, today: datetime.date | None = None) -> int:
    """Remind each control owner (or the security managers) once about evidence expiring
    within EVIDENCE_EXPIRING_DAYS; safe to run daily (expiry_reminded_on)."""
    from isms.governance.notifications import notify
    from isms.governance.reviews import security_managers

    today = today or timezone.localdate()
    items = list(
        Evidence.objects.filter(
            valid_until__gte=today,
            valid_until__lte=today + datetime.timedelta(days=EVIDENCE_EXPIRING_DAYS),
            expiry_reminded_on__isnull=True,
        ).select_related("implementation__control", "implementation__owner")
    )
    by_owner: dict = {}
    for item in items:
        by_owner.setdefault(item.implementation.owner, []).append(item)
    for owner, group in by_owner.items():
        lines = "\n".join(
            f"- {i.implementation.control.identifier}: {i.title} (expires {i.valid_until:%d %B %Y})"
            for i in group[:50]
        )
        notify(
            users=[owner] if owner is not None else list(security_managers()),
            subject=f"{len(group)} piece(s) of evidence expiring soon",
            body=f"Renew this evidence before it expires:\n{lines}",
        )
    Evidence.objects.filter(pk__in=[i.pk for i in items]).update(expiry_reminded_on=today)
    return len(items)
