"""Starting texts for new policies, one per kind (Markdown). Editable drafts, not advice."""

from isms.models.governance import PolicyKind

_COMMON_TAIL = """
## Roles and responsibilities

- **Policy owner**: keeps this policy current and reviews it at least once a year.
- **Security manager**: supports its implementation and reports deviations.
- **All staff**: read and acknowledge this policy and follow it.

## Compliance

Breaches of this policy are handled through the disciplinary process. Exceptions need
the written approval of the policy owner and are recorded in the risk register.
"""

TEMPLATES = {
    PolicyKind.ISMS: """## Purpose

This policy sets the direction of {organisation}'s Information Security Management
System (ISMS) and management's commitment to it (ISO/IEC 27001:2022, clause 5.2).

## Objectives

- Protect the confidentiality, integrity and availability of the information we hold.
- Meet legal, regulatory and contractual requirements.
- Treat information security risks according to the approved risk methodology.
- Improve the ISMS continually.

## Scope

The ISMS covers what the approved ISMS scope describes.
""",
    PolicyKind.ACCESS_CONTROL: """## Purpose

Access to information and systems is granted on the principle of least privilege.

## Rules

- Every person has a personal account; shared accounts are forbidden.
- Multi-factor authentication is required for all AWS console and administrative access.
- Access rights are reviewed every quarter and removed on the day someone leaves.
- AWS access uses IAM roles with temporary credentials; no long-lived access keys.
""",
    PolicyKind.CRYPTOGRAPHY: """## Purpose

Cryptography protects information at rest and in transit.

## Rules

- Data at rest is encrypted (S3, EBS and RDS encryption enabled; KMS-managed keys).
- Data in transit uses TLS 1.2 or later.
- Keys are rotated at least yearly; private keys are never shared or stored in code.
""",
    PolicyKind.BACKUP: """## Purpose

Backups let us restore information after loss, corruption or deletion.

## Rules

- Production data is backed up daily and kept for 35 days.
- Backups are stored in a second region and protected against deletion.
- Restores are tested every quarter and the result recorded.
""",
    PolicyKind.ACCEPTABLE_USE: """## Purpose

How staff may use the organisation's information, devices and services.

## Rules

- Company devices are for business use; they are locked when unattended.
- Confidential information is not stored in personal cloud services.
- Suspected incidents are reported to the security manager at once.
""",
    PolicyKind.SUPPLIER: """## Purpose

Suppliers who handle our information protect it as we would.

## Rules

- Suppliers are assessed before contracting and yearly afterwards.
- Contracts include security, confidentiality and breach-notification clauses.
- The shared-responsibility model of each cloud provider is documented.
""",
    PolicyKind.OTHER: """## Purpose

## Rules
""",
}


def template_for(kind: str, *, title: str, organisation: str) -> str:
    body = TEMPLATES.get(kind, TEMPLATES[PolicyKind.OTHER]).format(organisation=organisation)
    return f"{body.strip()}\n{_COMMON_TAIL}"
