"""Demo SoA: a worked implementation of ISO/IEC 27001:2022 Annex A for the demo company
(a cloud-only business on AWS), every control decided with its reasons and a few
implementation gaps left open, frozen as SoA #1, submitted by the security manager and
approved by two members of management (the SoA's quorum). Runs last in load_demo, after the
risk register exists, so the frozen rows carry the treating risks. Idempotent."""

import datetime

from django.utils import timezone

from isms import approvals, audit
from isms.demo.users import DEMO_USERS
from isms.frameworks import evidence as automated
from isms.frameworks import services, treatments
from isms.models import ControlImplementation, SoA, User
from isms.models.soa import ImplementationStatus, InclusionReason

AWS_PHYSICAL = (
    "No premises of our own: all information processing runs in AWS regions, whose "
    "data centres' physical security AWS operates under the shared responsibility "
    "model (assured by AWS's ISO/IEC 27001 certificate and SOC 2 report)."
)
# Physical controls of data centres, excluded for a cloud-only company. They stay
# applicable when a risk's treatment selects them (never an inconsistent exclusion).
EXCLUDED = {"7.1", "7.2", "7.3", "7.4", "7.5", "7.6", "7.8", "7.11", "7.12", "7.13"}
# Work planned or under way: the gaps the demo shows (every control is decided).
PLANNED = {"5.7", "5.30", "8.16", "8.28", "6.3"}
PARTIAL = {"5.9", "5.12", "5.23", "8.8", "8.9", "8.12", "8.15", "8.25"}
LEGAL = {"5.31", "5.32", "5.33", "5.34", "5.36"}
CONTRACTUAL = {"5.19", "5.20", "5.21", "5.22", "6.6"}


def _password(username: str) -> str:
    return next(entry[4] for entry in DEMO_USERS if entry[0] == username)


def _decide(implementation, owner, today, *, risks, checks) -> dict:
    """The demo's decision for one control: every control decided with its reasons;
    "risk treatment" only where a risk of the register selects it; a control whose
    AWS checks fail is partially implemented, with remediation due, never Implemented."""
    control = implementation.control
    identifier = control.identifier
    treated = bool(risks.get(control.pk))
    if identifier in EXCLUDED and not treated:
        return {"applicable": False, "justification": AWS_PHYSICAL, "reasons": []}
    reasons = [InclusionReason.BUSINESS]
    if treated:
        reasons.insert(0, InclusionReason.RISK_TREATMENT)
    if identifier in LEGAL:
        reasons.append(InclusionReason.LEGAL)
    if identifier in CONTRACTUAL:
        reasons.append(InclusionReason.CONTRACTUAL)
    failing = automated.totals(checks.get(control.pk, []))["failed"]
    description = (
        f"{control.title}: see the ISMS procedures; AWS-side settings are checked by the connector."
    )
    if identifier in PLANNED:
        status, target = ImplementationStatus.PLANNED, today + datetime.timedelta(days=120)
    elif identifier in PARTIAL or failing:
        status, target = ImplementationStatus.PARTIAL, today + datetime.timedelta(days=60)
        if failing:
            description += f" {failing} failing AWS check results are being remediated."
    else:
        status, target = ImplementationStatus.IMPLEMENTED, None
    return {
        "applicable": True,
        "reasons": reasons,
        "status": status,
        "owner": owner,
        "target_date": target,
        "description": description,
    }


def load(stdout) -> None:
    framework = services.soa_framework()
    if framework is None or SoA.objects.exists():
        return
    security = User.objects.get(username="security")
    approvers = [User.objects.get(username="manager"), User.objects.get(username="director")]
    owner = User.objects.filter(username="owner").first() or security
    today = timezone.localdate()
    implementations = list(
        ControlImplementation.objects.filter(
            control__framework=framework, control__withdrawn=False
        ).select_related("control")
    )
    control_ids = [implementation.control_id for implementation in implementations]
    risks = treatments.for_controls(control_ids)
    checks = automated.for_controls(control_ids)
    with audit.acting_as(security, source="command:load_demo"):
        for index, implementation in enumerate(implementations):
            changes = _decide(
                implementation,
                security if index % 3 else owner,
                today,
                risks=risks,
                checks=checks,
            )
            services.control_implementation_update(
                implementation=implementation, user=security, data=changes
            )
        soa = services.soa_freeze(user=security)
        services.soa_submit(soa=soa, user=security, comment="First SoA of the ISMS.")
    for approver in approvers[: approvals.type_for(SoA).quorum]:
        services.soa_decide(
            soa=soa,
            user=approver,
            approve=True,
            password=_password(approver.username),
            comment="Approved for the certification audit.",
        )
    soa.refresh_from_db()
    stdout.write(
        f"SoA #{soa.number}: {soa.summary['controls']} controls, "
        f"{soa.summary['applicable']} applicable, {soa.summary['excluded']} excluded, "
        f"{soa.summary['undecided']} undecided; {soa.get_approval_state_display().lower()} "
        f"(SHA-256 {soa.content_hash[:16]}…)."
    )
