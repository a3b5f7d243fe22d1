"""Demo nonconformities (`manage.py load_demo`): one minor nonconformity closed after an
effectiveness check found its corrective action effective; one major nonconformity
open, with an overdue corrective action; one opportunity for improvement. Loaded once
(nothing is added when the register has records). Demo data only: the product never
imports this module.

LEAD: at merge, raise the two nonconformities from the audit demo's checklist items
(`raise_nonconformity(source=item, origin=Origin.INTERNAL_AUDIT, ...)`, or pass
`source=` here once the items exist) so that the completed internal audit shows them.
"""

import datetime

from django.utils import timezone

from isms.audits.models import Nonconformity, Origin
from isms.audits.services import nonconformities as services
from isms.models import Control, User


def _control(identifier: str):
    return Control.objects.filter(framework__code="iso27001-2022", identifier=identifier).first()


def _requirement(identifier: str, fallback: str) -> dict:
    control = _control(identifier)
    return {"requirement": control} if control else {"requirement_ref": fallback}


def load(stdout) -> None:
    if Nonconformity.objects.exists():
        stdout.write("Nonconformities: the register already has records, nothing added.")
        return
    users = {u.username: u for u in User.objects.filter(username__in=("security", "owner"))}
    security, owner = users.get("security"), users.get("owner")
    if security is None or owner is None:
        stdout.write("Nonconformities: demo users missing, nothing added.")
        return
    today = timezone.localdate()

    def ago(days: int) -> datetime.date:
        return today - datetime.timedelta(days=days)

    # 1. Minor, closed: access reviews skipped; the review was scheduled and checked.
    closed = services.nonconformity_create(
        user=security,
        data={
            "title": "Quarterly access review of the production AWS account not performed",
            "description": "The internal audit found no record of the access review for "
            "the last two quarters; two former contractors still had console access.",
            "origin": Origin.INTERNAL_AUDIT,
            "severity": "minor",
            **_requirement("5.18", "ISO/IEC 27001 A.5.18 Access rights"),
            "owner": security,
            "detected_on": ago(120),
            "due_on": ago(30),
            "containment": "The two contractor accounts were disabled the same day.",
            "root_cause_whys": [
                "The review was not done because nobody was reminded of it.",
                "Nobody was reminded because the review had no owner after a team change.",
                "The owner was not reassigned because the procedure did not name a deputy.",
            ],
        },
    )
    action = services.action_add(
        nc=closed,
        user=security,
        data={
            "title": "Name an owner and a deputy, and schedule the review quarterly",
            "owner": security,
            "due_on": ago(75),
        },
    )
    services.action_update(
        action=action, user=security, data={"status": "done", "done_on": ago(80)}
    )
    services.effectiveness_check(
        nc=closed,
        user=security,
        data={
            "result": "effective",
            "checked_on": ago(20),
            "notes": "The review of this quarter was done on time by the named owner; "
            "no stale account found.",
        },
    )
    services.nonconformity_close(
        nc=closed, user=security, comment="Effective: the quarterly review runs as planned."
    )

    # 2. Major, open: restores never tested; the action is overdue.
    open_nc = services.nonconformity_create(
        user=security,
        data={
            "title": "Backups of the customer database never restore-tested",
            "description": "Backups run nightly, but no restore was ever tested, so the "
            "recovery time objective of the checkout process is not demonstrated.",
            "origin": Origin.INTERNAL_AUDIT,
            "severity": "major",
            **_requirement("8.13", "ISO/IEC 27001 A.8.13 Information backup"),
            "owner": owner,
            "detected_on": ago(45),
            "due_on": today + datetime.timedelta(days=30),
            "containment": "A one-off restore to a scratch instance succeeded (4 h).",
            "root_cause": "The backup procedure covers taking backups, not testing them.",
        },
    )
    services.action_add(
        nc=open_nc,
        user=security,
        data={
            "title": "Add a quarterly restore test to the backup procedure and run the first",
            "owner": owner,
            "due_on": ago(10),
            "status": "in_progress",
        },
    )

    # 3. An opportunity for improvement (10.1).
    services.nonconformity_create(
        user=security,
        data={
            "kind": "improvement",
            "title": "Automate the quarterly access review with IAM Access Analyzer",
            "origin": Origin.INTERNAL_AUDIT,
            "description": "Unused access findings would prepare the review.",
            **_requirement("5.18", "ISO/IEC 27001 A.5.18 Access rights"),
            "detected_on": ago(45),
        },
    )
    stdout.write("Nonconformities: NC-001 closed, NC-002 open with an overdue action, OFI-001.")
