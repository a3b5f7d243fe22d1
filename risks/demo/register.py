"""Demo data of the risk register: the 5x5 methodology with $ bands (drafted by the
security manager, approved by management) and 32 risks over the demo company's assets
(assets/demo/inventory.py), a few waiting for a management acceptance (requested by their owners)
and others accepted until a date; then the risks that come from the demo estate's
security findings (`link_demo_findings`).

Idempotent: the methodology is set up only when none exists, risks only when the
register is empty, findings linked only where they are not yet.

Ordering: the demo findings exist only after the demo account's first sync, which
`make demo` starts once the fake AWS runs (demo_serve), after `load_demo`. So `load`
links them when they are already there (a second `load_demo`, the tests), and otherwise
the `risks_demo_findings --wait` process, registered with `isms.demo.processes` in
DEBUG, links them as soon as the first sync has produced them.
"""

import datetime

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.utils import timezone

from isms import approvals
from isms.demo.users import DEMO_USERS
from isms.models import ApprovalRequest, Control, User
from risks import services
from risks.choices import ActionStatus
from risks.models import (
    MethodologyVersion,
    Risk,
    RiskAcceptance,
    Threat,
    TreatmentAction,
    Vulnerability,
)
from risks.selectors import active_version
from risks.services.acceptance import SETTLED

# title, asset refs, threat, vulnerability, owner, L, I, treatment, residual L, residual I,
# status, plan (action, due in days, status)
RISKS = [
    (
        "Customer data exposed through a public S3 bucket",
        ["A-014", "A-001"],
        "Accidental information disclosure",
        "Publicly accessible storage",
        "security",
        3,
        5,
        "mitigate",
        1,
        5,
        "treatment_planned",
        [("Turn on S3 Block Public Access for the account", 14, ActionStatus.IN_PROGRESS)],
    ),
    (
        "Ransomware encrypts the customer database",
        ["A-013"],
        "Ransomware",
        "No backups or untested restores",
        "security",
        3,
        5,
        "mitigate",
        2,
        4,
        "treatment_planned",
        [
            ("Automated RDS snapshots copied to a second account", 30, ActionStatus.PLANNED),
            ("Quarterly restore test", 90, ActionStatus.PLANNED),
        ],
    ),
    (
        "Stolen IAM access keys used to read customer data",
        ["A-023", "A-001"],
        "Credential theft",
        "Long-lived access keys",
        "security",
        4,
        5,
        "mitigate",
        2,
        4,
        "treatment_planned",
        [("Replace IAM user keys with roles", 45, ActionStatus.IN_PROGRESS)],
    ),
    (
        "Console sign-in without MFA",
        ["A-023"],
        "Credential theft",
        "MFA not enforced",
        "security",
        4,
        4,
        "mitigate",
        1,
        4,
        "treated",
        [("Enforce MFA with an SCP", -10, ActionStatus.DONE)],
    ),
    (
        "Accidental deletion of product images",
        ["A-014", "A-008"],
        "Accidental deletion",
        "Versioning disabled",
        "owner",
        3,
        3,
        "mitigate",
        1,
        3,
        "treatment_planned",
        [("Enable versioning and MFA delete", 21, ActionStatus.PLANNED)],
    ),
    (
        "Web servers in a single Availability Zone",
        ["A-015", "A-006"],
        "System, infrastructure, hardware or software unavailability",
        "Single Availability Zone deployment",
        "owner",
        3,
        4,
        "mitigate",
        1,
        3,
        "treatment_planned",
        [("Spread the Auto Scaling group over three AZs", 30, ActionStatus.PLANNED)],
    ),
    (
        "Order queue lost in a regional outage",
        ["A-016", "A-003"],
        "Regional cloud outage",
        "No cross-region replication",
        "owner",
        2,
        4,
        "accept",
        2,
        4,
        "analysed",
        [],
    ),
    (
        "Payment partner outage stops checkout",
        ["A-019", "A-002"],
        "Supplier failure",
        "Single supplier dependency",
        "security",
        3,
        4,
        "transfer",
        3,
        2,
        "treated",
        [],
    ),
    (
        "Card data intercepted in transit",
        ["A-002"],
        "Unauthorised access",
        "Data in transit not encrypted",
        "security",
        2,
        5,
        "mitigate",
        1,
        5,
        "treated",
        [("TLS 1.2+ only on the load balancers", -30, ActionStatus.DONE)],
    ),
    (
        "Unpatched AMI exploited on the web tier",
        ["A-015"],
        "Exploitation of a software vulnerability",
        "Unpatched operating system or AMI",
        "owner",
        4,
        4,
        "mitigate",
        2,
        3,
        "treatment_planned",
        [("Monthly golden AMI pipeline", 60, ActionStatus.IN_PROGRESS)],
    ),
    (
        "Open SSH to the internet",
        ["A-015"],
        "Unauthorised access",
        "Open security group ports",
        "owner",
        4,
        3,
        "mitigate",
        1,
        3,
        "treated",
        [("Replace SSH with Session Manager", -5, ActionStatus.DONE)],
    ),
    (
        "HR records leaked by the HR service",
        ["A-020", "A-004"],
        "Supplier failure",
        "Single supplier dependency",
        "owner",
        2,
        4,
        "transfer",
        2,
        3,
        "treated",
        [],
    ),
    (
        "Insider exports the customer list",
        ["A-001", "A-021"],
        "Insider misuse",
        "Excessive permissions (no least privilege)",
        "security",
        2,
        5,
        "mitigate",
        2,
        3,
        "treatment_planned",
        [("Least-privilege review of warehouse roles", 30, ActionStatus.PLANNED)],
    ),
    (
        "Phishing of the operations team",
        ["A-018"],
        "Phishing and social engineering",
        "Lack of security awareness",
        "owner",
        4,
        3,
        "mitigate",
        3,
        2,
        "treatment_planned",
        [("Phishing simulation and training", 45, ActionStatus.PLANNED)],
    ),
    (
        "Data warehouse altered without trace",
        ["A-021", "A-005"],
        "Data integrity compromise",
        "No data integrity checks",
        "security",
        2,
        4,
        "mitigate",
        1,
        4,
        "treatment_planned",
        [("Checksums on the nightly loads", 60, ActionStatus.PLANNED)],
    ),
    (
        "Backup archive key lost",
        ["A-022"],
        "Loss of encryption keys",
        "Private keys stored insecurely",
        "security",
        1,
        5,
        "mitigate",
        1,
        4,
        "treated",
        [],
    ),
    (
        "Customer data stored outside the EU region",
        ["A-001", "A-021"],
        "Legal or regulatory non-compliance",
        "Untagged or unowned resources",
        "security",
        2,
        4,
        "mitigate",
        1,
        4,
        "analysed",
        [],
    ),
    (
        "DDoS on the storefront during sales",
        ["A-006", "A-015"],
        "Denial of service",
        "Insufficient logging and monitoring",
        "owner",
        3,
        4,
        "transfer",
        2,
        3,
        "treated",
        [],
    ),
    (
        "Loss of the lead developer",
        ["A-024", "A-011"],
        "Loss of key personnel",
        "No tested disaster recovery plan",
        "owner",
        2,
        3,
        "accept",
        2,
        3,
        "accepted",
        [],
    ),
    (
        "Source code leaked from a laptop",
        ["A-011", "A-024"],
        "Loss or theft of a device",
        "Data at rest not encrypted",
        "owner",
        3,
        3,
        "mitigate",
        1,
        3,
        "treated",
        [("Full-disk encryption on every laptop", -20, ActionStatus.DONE)],
    ),
    (
        "Malware on support agents' desktops",
        ["A-007", "A-018"],
        "Malware",
        "Lack of security awareness",
        "owner",
        3,
        2,
        "mitigate",
        2,
        2,
        "treatment_planned",
        [],
    ),
    (
        "Transactional e-mail spoofed",
        ["A-017"],
        "Phishing and social engineering",
        "Insufficient logging and monitoring",
        "owner",
        3,
        2,
        "mitigate",
        1,
        2,
        "treated",
        [],
    ),
    (
        "Session store unavailable",
        ["A-025", "A-006"],
        "System, infrastructure, hardware or software unavailability",
        "Single Availability Zone deployment",
        "owner",
        2,
        3,
        "accept",
        2,
        3,
        "accepted",
        [],
    ),
    (
        "Payroll run fails at month end",
        ["A-009", "A-020"],
        "Supplier failure",
        "Single supplier dependency",
        "owner",
        2,
        3,
        "transfer",
        1,
        3,
        "treated",
        [],
    ),
    (
        "Shared admin account on the finance system",
        ["A-005"],
        "Insider misuse",
        "Shared accounts",
        "security",
        3,
        3,
        "mitigate",
        1,
        3,
        "treatment_planned",
        [("Named accounts with SSO", 30, ActionStatus.PLANNED)],
    ),
    (
        "Signed paper contracts lost from a home office",
        ["A-012"],
        "Natural disaster",
        "No backups or untested restores",
        "owner",
        1,
        2,
        "accept",
        1,
        2,
        "accepted",
        [],
    ),
    (
        "Marketing lists exposed by a misconfigured bucket",
        ["A-010", "A-014"],
        "Cloud misconfiguration",
        "Publicly accessible storage",
        "owner",
        2,
        3,
        "mitigate",
        1,
        3,
        "analysed",
        [],
    ),
    (
        "Initial EC2 passwords left unchanged",
        ["A-015"],
        "Unauthorised access",
        "Initial passwords not changed",
        "owner",
        2,
        4,
        "mitigate",
        1,
        4,
        "treated",
        [],
    ),
    (
        "Customer database snapshot shared publicly",
        ["A-013", "A-001"],
        "Accidental information disclosure",
        "Publicly accessible storage",
        "security",
        2,
        5,
        "mitigate",
        1,
        5,
        "treatment_planned",
        [],
    ),
    # Residual High or Critical, treatment "accept": these need management acceptance.
    (
        "Legacy checkout library without vendor support",
        ["A-002", "A-015"],
        "Exploitation of a software vulnerability",
        "Unpatched operating system or AMI",
        "security",
        4,
        4,
        "accept",
        3,
        4,
        "analysed",
        [],
    ),
    (
        "Single-region customer database",
        ["A-013"],
        "Regional cloud outage",
        "No cross-region replication",
        "security",
        2,
        5,
        "accept",
        2,
        5,
        "analysed",
        [],
    ),
    (
        "No disaster recovery rehearsal for fulfilment",
        ["A-003", "A-016"],
        "System, infrastructure, hardware or software unavailability",
        "No tested disaster recovery plan",
        "owner",
        3,
        4,
        "accept",
        3,
        4,
        "analysed",
        [],
    ),
]
# ISO/IEC 27001:2022 Annex A controls each treatment selects (when the catalogue is loaded):
# the SoA lists these risks as treated by the control.
CONTROLS = {
    "Customer data exposed through a public S3 bucket": ["5.15", "8.3"],
    "Ransomware encrypts the customer database": ["8.13", "8.7"],
    "Stolen IAM access keys used to read customer data": ["5.17", "8.5"],
    "Console sign-in without MFA": ["8.5"],
    "Accidental deletion of product images": ["8.13"],
    "Web servers in a single Availability Zone": ["8.14"],
    "Payment partner outage stops checkout": ["5.19", "5.20"],
    "Card data intercepted in transit": ["8.24"],
    "Unpatched AMI exploited on the web tier": ["8.8"],
    "Open SSH to the internet": ["8.20", "8.22"],
    "Insider exports the customer list": ["8.2", "8.3"],
    "Phishing of the operations team": ["6.3"],
    "Data warehouse altered without trace": ["8.15", "8.16"],
    "Source code leaked from a laptop": ["8.1", "8.24"],
}
# (title, days until the acceptance expires, approved now?)
ACCEPTANCES = [
    ("Single-region customer database", 180, True),
    ("Legacy checkout library without vendor support", 90, False),
    ("No disaster recovery rehearsal for fulfilment", 120, False),
]


# Findings of the demo estate (assets/aws/demo/estate.py) behind risks of the register.
FINDINGS_OF = {
    "Customer data exposed through a public S3 bucket": [
        "s3-bucket-public-acl",
        "s3-bucket-policy-public",
    ],
    "Console sign-in without MFA": ["iam-user-console-no-mfa"],
    "Open SSH to the internet": ["ec2-sg-open-admin-ports"],
    "Customer database snapshot shared publicly": ["ebs-snapshot-public"],
}
# Risks built with "Create risk from findings": (title, checks, owner, the asset refs to
# use when the findings' resources are linked to no asset, as some demo resources are).
FROM_FINDINGS = [
    (
        "Partner support role assumable without an ExternalId",
        ["iam-role-cross-account-no-condition"],
        "security",
        ["A-023"],
    ),
    (
        "Customer database reachable from the internet",
        ["rds-publicly-accessible"],
        "security",
        ["A-013"],
    ),
    ("Mail domain identity usable by anyone", ["ses-identity-policy-public"], "owner", ["A-017"]),
    ("Legacy admin server open on every port", ["ec2-sg-open-all-ports"], "owner", ["A-015"]),
]


def _demo_findings():
    """{check id: [finding ids]} of the demo account's findings that need attention."""
    from assets.aws.demo.account import DEMO_ACCOUNT_ID
    from assets.models import Finding
    from assets.models.findings import ACTIVE_STATUSES

    found: dict[str, list[int]] = {}
    rows = Finding.objects.filter(
        account__account_id=DEMO_ACCOUNT_ID, status__in=ACTIVE_STATUSES
    ).values_list("check_id", "pk")
    for check_id, pk in rows.order_by("pk"):
        found.setdefault(check_id, []).append(pk)
    return found


def link_demo_findings(stdout) -> int:
    """Link the demo findings to their risks, and build the risks that come from
    findings. Returns how many risks changed; 0 (and says so) when there is no finding
    yet or no register. Idempotent."""
    from assets.models import Asset

    users = {u.username: u for u in User.objects.filter(username__in=["security", "owner"])}
    security = users.get("security")
    found = _demo_findings()
    if security is None or not Risk.objects.exists():
        stdout.write("  risks: no demo register yet, findings not linked")
        return 0
    if not found:
        stdout.write(
            "  risks: no demo findings yet; they are linked after the first sync "
            "(risks_demo_findings, started by make demo)"
        )
        return 0
    changed = 0
    for title, check_ids in FINDINGS_OF.items():
        risk = Risk.objects.filter(title=title).first()
        wanted = {pk for check_id in check_ids for pk in found.get(check_id, [])}
        if risk is None or not wanted:
            continue
        missing = wanted - set(risk.findings.values_list("pk", flat=True))
        if missing:
            services.risk_findings_update(
                risk=risk, user=security, expected_version=risk.version, link=missing
            )
            changed += 1
    for title, check_ids, owner, refs in FROM_FINDINGS:
        ids = [pk for check_id in check_ids for pk in found.get(check_id, [])]
        if not ids or Risk.objects.filter(title=title).exists():
            continue
        data = {"title": title, "owner": users.get(owner), "inherent_impact": 4}
        draft = services.findings_draft(user=security, finding_ids=ids, require_assets=False)
        if not draft.suggestion.asset_ids:
            data["assets"] = list(Asset.objects.filter(ref__in=refs))
        try:
            services.risk_create_from_findings(user=security, finding_ids=ids, data=data)
        except ValidationError as exc:
            stdout.write(f"  risks: {title!r} not built from findings: {' '.join(exc.messages)}")
            continue
        changed += 1
    stdout.write(f"  risks: {changed} risk(s) linked to or built from the demo findings")
    return changed


def _password(username: str) -> str:
    return next(row[4] for row in DEMO_USERS if row[0] == username)


def _methodology(stdout, users) -> bool:
    if active_version() is not None:
        return True
    security, manager = users.get("security"), users.get("manager")
    if security is None or manager is None:
        stdout.write("  risks: demo users missing, methodology skipped")
        return False
    version = MethodologyVersion.objects.filter(approval_state="draft").first()
    if version is None:
        version = services.methodology_version_create(
            user=security,
            preset="5x5-usd",
            change_note="First methodology, ISO/IEC 27005 style, with $ bands of value at stake.",
        )
    request = services.methodology_version_submit(version=version, user=security)
    try:
        approvals.approval_request_approve(
            request=request,
            user=manager,
            password=_password("manager"),
            comment="Approved for the first risk assessment.",
        )
    except approvals.ApprovalError as exc:
        stdout.write(f"  risks: methodology v{version.number} waits for approval ({exc})")
        return False
    stdout.write(f"  risks: methodology v{version.number} (5x5 with $ bands) approved by {manager}")
    return True


def _accept(risk, manager, *, days: int, approve: bool) -> None:
    """The risk's owner asks management to accept its residual risk; management
    approves it now when `approve`."""
    acceptance = services.risk_acceptance_request(
        risk=risk,
        user=risk.owner,
        expires_on=timezone.localdate() + datetime.timedelta(days=days),
        justification="Cost of the fix exceeds the annual loss expectancy; reviewed at expiry.",
    )
    if approve:
        request = ApprovalRequest.objects.get(
            content_type=ContentType.objects.get_for_model(RiskAcceptance),
            object_id=acceptance.pk,
        )
        approvals.approval_request_approve(
            request=request, user=manager, password=_password("manager")
        )


def _settle(risk, status: str, manager) -> None:
    """Move a demo risk to accepted, treated or closed by the acceptance rules: a
    residual level that needs management is accepted by management first (on the
    owner's request), then the owner sets the status."""
    if services.needs_acceptance(risk) and services.valid_acceptance(risk) is None:
        _accept(risk, manager, days=365, approve=True)
        risk.refresh_from_db()
    if risk.status != status:
        services.risk_update(
            risk=risk, user=risk.owner, data={"status": status}, expected_version=risk.version
        )


def load(stdout) -> None:
    from assets.models import Asset

    users = {u.username: u for u in User.objects.all()}
    if not _methodology(stdout, users):
        return
    if Risk.objects.exists():
        stdout.write("  risks: the register already has risks, nothing added")
        link_demo_findings(stdout)
        return
    assets = {a.ref: a for a in Asset.objects.filter(ref__startswith="A-0")}
    threats = {t.name: t for t in Threat.objects.all()}
    vulnerabilities = {v.name: v for v in Vulnerability.objects.all()}
    security = users["security"]
    today = timezone.localdate()
    by_title = {}
    # Accepted, treated and closed are reached as in real use, after the risks are
    # analysed: the owner accepts or asks management (see `_settle`).
    settled = {}
    for (
        title,
        refs,
        threat,
        vulnerability,
        owner,
        li,
        im,
        treatment,
        rli,
        rim,
        status,
        plan,
    ) in RISKS:
        chosen = [assets[ref] for ref in refs if ref in assets]
        if not chosen:
            continue
        risk = services.risk_create(
            user=security,
            data={
                "title": title,
                "assets": chosen,
                "threat": threats.get(threat),
                "vulnerability": vulnerabilities.get(vulnerability),
                "owner": users.get(owner),
                "status": "treatment_planned" if status in SETTLED else status,
                "inherent_likelihood": li,
                "inherent_impact": im,
                "treatment": treatment,
                "residual_likelihood": rli,
                "residual_impact": rim,
                "review_date": today + datetime.timedelta(days=90 + 7 * len(by_title)),
            },
        )
        for action, days, action_status in plan:
            services.treatment_action_save(
                action=TreatmentAction(
                    risk=risk,
                    title=action,
                    owner=risk.owner,
                    due_date=today + datetime.timedelta(days=days),
                    status=action_status,
                ),
                user=security,
            )
        by_title[title] = risk
        if status in SETTLED:
            settled[title] = status
    controls = {
        c.identifier: c
        for c in Control.objects.filter(framework__code="iso27001-2022", withdrawn=False)
    }
    for title, identifiers in CONTROLS.items():
        risk = by_title.get(title)
        chosen = [controls[i] for i in identifiers if i in controls]
        if risk is not None and chosen:
            services.risk_update(
                risk=risk, user=security, data={"controls": chosen}, expected_version=risk.version
            )
            by_title[title] = Risk.objects.get(pk=risk.pk)
    manager = users["manager"]
    for title, days, approve in ACCEPTANCES:
        risk = by_title.get(title)
        if risk is None:
            continue
        _accept(risk, manager, days=days, approve=approve)
    for title, status in settled.items():
        _settle(Risk.objects.get(pk=by_title[title].pk), status, manager)
    stdout.write(
        f"  risks: {len(by_title)} risks, {len(ACCEPTANCES)} acceptances "
        f"({sum(1 for *_, a in ACCEPTANCES if a)} approved)"
    )
    link_demo_findings(stdout)
