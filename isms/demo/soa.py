"""Demo SoA: a worked implementation of ISO/IEC 27001:2022 Annex A for the demo company
(a cloud-only business on AWS), with a few gaps left open, frozen as SoA #1, submitted
by the security manager and approved by management. Runs last in load_demo, after the
risk register exists, so the frozen rows carry the treating risks. Idempotent."""

import datetime

from django.utils import timezone

from isms import audit
from isms.demo.users import DEMO_USERS
from isms.frameworks import services
from isms.models import ControlImplementation, SoA, User
from isms.models.soa import ImplementationStatus, InclusionReason

AWS_PHYSICAL = (
    "No premises of our own: all information processing runs in AWS regions, whose "
    "data centres' physical security AWS operates under the shared responsibility "
    "model (assured by AWS's ISO/IEC 27001 certificate and SOC 2 report)."
)
# Physical controls excluded for a cloud-only company without offices.
EXCLUDED = {"7.1", "7.2", "7.3", "7.4", "7.5", "7.6", "7.8", "7.11", "7.12", "7.13"}
# Controls still undecided or with work planned: the gaps the demo shows.
UNDECIDED = {"5.6", "5.32", "8.11"}
PLANNED = {"5.7", "5.30", "8.16", "8.28", "6.3"}
PARTIAL = {"5.9", "5.12", "5.23", "8.8", "8.9", "8.12", "8.15", "8.25"}
LEGAL = {"5.31", "5.32", "5.33", "5.34", "5.36"}
CONTRACTUAL = {"5.19", "5.20", "5.21", "5.22", "6.6"}
RISK_DRIVEN_THEMES = {"technological"}


def _password(username: str) -> str:
    return next(entry[4] for entry in DEMO_USERS if entry[0] == username)


def _decide(implementation, owner, today) -> dict:
    identifier = implementation.control.identifier
    if identifier in UNDECIDED:
        return {}
    if identifier in EXCLUDED:
        return {"applicable": False, "justification": AWS_PHYSICAL, "reasons": []}
    reasons = [InclusionReason.BUSINESS]
    if implementation.control.theme in RISK_DRIVEN_THEMES:
        reasons.insert(0, InclusionReason.RISK_TREATMENT)
    if identifier in LEGAL:
        reasons.append(InclusionReason.LEGAL)
    if identifier in CONTRACTUAL:
        reasons.append(InclusionReason.CONTRACTUAL)
    if identifier in PLANNED:
        status, target = ImplementationStatus.PLANNED, today + datetime.timedelta(days=120)
    elif identifier in PARTIAL:
        status, target = ImplementationStatus.PARTIAL, today + datetime.timedelta(days=60)
    else:
        status, target = ImplementationStatus.IMPLEMENTED, None
    return {
        "applicable": True,
        "reasons": reasons,
        "status": status,
        "owner": owner,
        "target_date": target,
        "description": f"{implementation.control.title}: see the ISMS procedures; "
        "AWS-side settings are checked by the connector.",
    }


def load(stdout) -> None:
    framework = services.soa_framework()
    if framework is None or SoA.objects.exists():
        return
    security = User.objects.get(username="security")
    manager = User.objects.get(username="manager")
    owner = User.objects.filter(username="owner").first() or security
    today = timezone.localdate()
    implementations = ControlImplementation.objects.filter(
        control__framework=framework, control__withdrawn=False
    ).select_related("control")
    with audit.acting_as(security, source="command:load_demo"):
        for index, implementation in enumerate(implementations):
            changes = _decide(implementation, security if index % 3 else owner, today)
            if changes:
                services.control_implementation_update(
                    implementation=implementation, user=security, **changes
                )
        soa = services.soa_freeze(user=security)
        services.soa_submit(soa=soa, user=security, comment="First SoA of the ISMS.")
    services.soa_decide(
        soa=soa,
        user=manager,
        approve=True,
        password=_password("manager"),
        comment="Approved for the certification audit.",
    )
    soa.refresh_from_db()
    stdout.write(
        f"SoA #{soa.number}: {soa.summary['controls']} controls, "
        f"{soa.summary['applicable']} applicable, {soa.summary['excluded']} excluded, "
        f"{soa.summary['undecided']} undecided; {soa.get_approval_state_display().lower()} "
        f"(SHA-256 {soa.content_hash[:16]}…)."
    )
