"""Demo nonconformities (`manage.py load_demo`), acting on what the demo's completed
internal audit raised (isms.audits.demo.audits, loaded before): its minor nonconformity
(undated risk criteria) corrected and closed after an effectiveness check found the
action effective; its major one (no restore test) open, with an overdue corrective
action; its opportunity for improvement as raised. Plus one nonconformity recorded by hand,
so the register shows more than one origin.
Idempotent: nothing is added once a corrective action exists. Demo data only: the product
never imports this module.
"""

import datetime

from django.utils import timezone

from isms.audits.models import (
    CorrectiveAction,
    NcSeverity,
    Nonconformity,
    NonconformityKind,
    Origin,
)
from isms.audits.services import nonconformities as services
from isms.models import Control, User


def _control(identifier: str):
    return Control.objects.filter(framework__code="iso27001-2022", identifier=identifier).first()


def _from_audit(severity: str) -> Nonconformity | None:
    """The nonconformity the demo audit's checklist raised with `severity`."""
    return (
        Nonconformity.objects.filter(
            origin=Origin.INTERNAL_AUDIT, kind=NonconformityKind.NONCONFORMITY, severity=severity
        )
        .order_by("pk")
        .first()
    )


def load(stdout) -> None:
    if CorrectiveAction.objects.exists():
        stdout.write("Nonconformities: already worked on, nothing added.")
        return
    users = {u.username: u for u in User.objects.filter(username__in=("security", "owner"))}
    security, owner = users.get("security"), users.get("owner")
    minor, major = _from_audit(NcSeverity.MINOR), _from_audit(NcSeverity.MAJOR)
    if security is None or owner is None or minor is None or major is None:
        stdout.write(
            "Nonconformities: the demo audit's nonconformities are missing, nothing added."
        )
        return
    today = timezone.localdate()

    def ago(days: int) -> datetime.date:
        return today - datetime.timedelta(days=days)

    # 1. The minor one, closed: the criteria got an approval date, and were checked.
    minor = services.nonconformity_update(
        nc=minor,
        user=security,
        expected_version=minor.version,
        data={
            "owner": security,
            "detected_on": ago(120),
            "due_on": ago(30),
            "containment": "The two Q3 assessments were re-scored with the approved criteria.",
            "root_cause_whys": [
                "Old criteria were used because nothing showed which version was current.",
                "Nothing showed it because the methodology document carried no approval date.",
                "It carried none because the document template had no approval block.",
            ],
        },
    )
    action = services.action_add(
        nc=minor,
        user=security,
        data={
            "title": "Approve the methodology through the workflow and date every version",
            "owner": security,
            "due_on": ago(75),
        },
    )
    services.action_update(
        action=action, user=security, data={"status": "done", "done_on": ago(80)}
    )
    services.effectiveness_check(
        nc=minor,
        user=security,
        data={
            "result": "effective",
            "checked_on": ago(20),
            "notes": "The assessments of this quarter all cite the approved, dated version.",
        },
    )
    services.nonconformity_close(
        nc=minor, user=security, comment="Effective: assessments use the approved criteria."
    )

    # 2. The major one, open: restores never tested; the action is overdue.
    major = services.nonconformity_update(
        nc=major,
        user=security,
        expected_version=major.version,
        data={
            "owner": owner,
            "detected_on": ago(45),
            "due_on": today + datetime.timedelta(days=30),
            "containment": "A one-off restore to a scratch instance succeeded (4 h).",
            "root_cause": "The backup procedure covers taking backups, not testing them.",
        },
    )
    services.action_add(
        nc=major,
        user=security,
        data={
            "title": "Add a quarterly restore test to the backup procedure and run the first",
            "owner": owner,
            "due_on": ago(10),
            "status": "in_progress",
        },
    )

    # 3. One recorded by hand: access reviews skipped (seen by the security manager).
    control = _control("5.18")
    services.nonconformity_create(
        user=security,
        data={
            "title": "Quarterly access review of the production AWS account not performed",
            "description": "No record of the access review for the last quarter; one former "
            "contractor still had console access.",
            "severity": "minor",
            **({"requirement": control} if control else {"requirement_ref": "A.5.18"}),
            "owner": security,
            "detected_on": ago(12),
            "containment": "The contractor's account was disabled the same day.",
        },
    )
    stdout.write(
        f"Nonconformities: {minor.ref} closed after its check, {major.ref} open with an overdue "
        "action, one more recorded by hand; the audit's opportunity for improvement as raised."
    )
