"""Risks built from security-check findings (assets/aws/checks/): "Create risk from
findings" and linking or unlinking findings on an existing risk.

The suggestion itself (the assets behind the findings' resources, the worst check's
threat, the misconfigurations, a likelihood from the worst severity) is
`assets.findings.selectors.risk_suggestion`; this module maps it onto the risk
register's catalogues and writes the risk through `risk_create` / `risk_update`, so
scoring, versions and the audit trail (which records `findings` like any other field)
are those of every other risk.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from assets.findings.selectors import RiskSuggestion, risk_suggestion
from assets.models import Asset, Finding
from isms import audit
from risks.models import Risk, Threat, Vulnerability
from risks.selectors import active_version
from risks.services.register import risk_create, risk_update

# The checks' threats (assets.aws.checks.Threat) as entries of the seeded threat
# catalogue (risks/migrations/0002_catalogues.py).
THREATS = {
    "accidental_disclosure": "Accidental information disclosure",
    "integrity_compromise": "Data integrity compromise",
    "accidental_deletion": "Accidental deletion",
    "loss_of_availability": "System, infrastructure, hardware or software unavailability",
    "network_exposure": "Unauthorised access",
    "credential_compromise": "Credential theft",
}
# Each check's misconfiguration as an entry of the seeded vulnerability catalogue; the
# finding's own detail goes into the risk's description.
PUBLIC = "Publicly accessible storage"
AT_REST = "Data at rest not encrypted"
ONE_AZ = "Single Availability Zone deployment"
NO_BACKUP = "No backups or untested restores"
PORTS = "Open security group ports"
PRIVILEGE = "Excessive permissions (no least privilege)"
KEYS = "Long-lived access keys"
MFA = "MFA not enforced"
VULNERABILITIES = {
    "rds-storage-unencrypted": AT_REST,
    "rds-single-az": ONE_AZ,
    "rds-backups-off": NO_BACKUP,
    "rds-publicly-accessible": PUBLIC,
    "dynamodb-pitr-off": NO_BACKUP,
    "dynamodb-not-kms": AT_REST,
    "ebs-volume-unencrypted": AT_REST,
    "ebs-default-encryption-off": AT_REST,
    "ebs-snapshot-public": PUBLIC,
    "governance-resource-unowned": "Untagged or unowned resources",
    "iam-root-mfa": MFA,
    "iam-root-access-keys": KEYS,
    "iam-user-console-no-mfa": MFA,
    "iam-access-key-old": KEYS,
    "iam-access-key-unused": KEYS,
    "iam-user-direct-policies": PRIVILEGE,
    "iam-policy-admin": PRIVILEGE,
    "iam-role-cross-account-no-condition": PRIVILEGE,
    "iam-password-policy-weak": MFA,
    "s3-account-public-access-block-off": PUBLIC,
    "s3-bucket-public-access-block-off": PUBLIC,
    "s3-bucket-public-acl": PUBLIC,
    "s3-bucket-policy-public": PUBLIC,
    "s3-bucket-versioning-off": "Versioning disabled",
    "s3-bucket-mfa-delete-off": "MFA delete not enabled",
    "s3-bucket-no-replication": "No cross-region replication",
    "s3-bucket-encryption-not-kms": AT_REST,
    "s3-bucket-https-not-enforced": "Data in transit not encrypted",
    "sqs-not-encrypted": AT_REST,
    "sqs-policy-public": PRIVILEGE,
    "ses-identity-policy-public": PRIVILEGE,
    "glacier-vault-policy-public": PUBLIC,
    "emr-block-public-access-off": PORTS,
    "ec2-sg-open-all-ports": PORTS,
    "ec2-sg-open-admin-ports": PORTS,
    "ec2-sg-open-database-ports": PORTS,
    "ec2-instance-public-admin": PORTS,
    "vpc-single-az": ONE_AZ,
    "autoscaling-single-az": ONE_AZ,
}


@dataclass
class FindingsDraft:
    """The findings a risk is being built from, and the risk they suggest (the initial
    values of the create form, or the defaults of an API create)."""

    findings: list[Finding]
    suggestion: RiskSuggestion
    initial: dict


def _check_may_use_findings(user) -> None:
    if not user.has_perm("risks.add_risk"):
        raise PermissionDenied("Only those who may create risks build them from findings.")
    if not user.has_perm("assets.view_finding"):
        raise PermissionDenied("You may not see security findings.")


def findings_draft(*, user, finding_ids, require_assets: bool = True) -> FindingsDraft:
    """The risk `finding_ids` suggest. Raises ValidationError (on `findings`) for no
    finding, unknown ids, or findings whose resources are linked to no asset (a risk
    needs one), and PermissionDenied for users who may not create risks or see findings.
    A few queries, whatever the number of findings. `require_assets=False` lets a
    caller that chose the assets itself use findings of unowned resources."""
    _check_may_use_findings(user)
    try:
        ids = sorted({int(pk) for pk in finding_ids or ()})
    except (TypeError, ValueError):
        raise ValidationError({"findings": "Finding ids are numbers."}) from None
    if not ids:
        raise ValidationError({"findings": "Choose at least one finding."})
    findings = list(Finding.objects.filter(pk__in=ids).select_related("resource", "account"))
    unknown = sorted(set(ids) - {f.pk for f in findings})
    if unknown:
        raise ValidationError(
            {"findings": f"Unknown finding(s): {', '.join(str(pk) for pk in unknown)}."}
        )
    suggestion = risk_suggestion(findings)
    if require_assets and not suggestion.asset_ids:
        raise ValidationError(
            {
                "findings": "The resources of these findings are linked to no asset, and a "
                "risk needs one: link the resources to assets first (inventory, AWS "
                "resource page)."
            }
        )
    by_pk = {f.pk: f for f in findings}
    findings = [by_pk[pk] for pk in suggestion.finding_ids]  # worst first
    worst = findings[0]
    version = active_version()
    scale = version.scale if version else None
    threat = Threat.objects.filter(name=THREATS.get(suggestion.threat, "")).first()
    if threat is None:
        threat = Threat.objects.filter(name__iexact=suggestion.threat_label).first()
    vulnerability = Vulnerability.objects.filter(
        name=VULNERABILITIES.get(worst.check_id, "")
    ).first()
    resource = worst.resource.name or worst.resource.arn
    others = len(findings) - 1
    title = f"{worst.title}: {resource}" + (f" and {others} more" if others else "")
    initial = {
        "title": title[:300],
        "description": "Found by the security checks:\n"
        + "\n".join(f"- {line}" for line in suggestion.vulnerability.splitlines()),
        "assets": list(Asset.objects.filter(pk__in=suggestion.asset_ids).order_by("ref")),
        "threat": threat,
        "vulnerability": vulnerability,
    }
    if scale is not None:
        initial["inherent_likelihood"] = suggestion.likelihood(scale.size_likelihood)
    return FindingsDraft(findings=findings, suggestion=suggestion, initial=initial)


@audit.acts_as_user
@transaction.atomic
def risk_create_from_findings(*, user, finding_ids, data: dict | None = None) -> Risk:
    """Create a risk from security findings and link them, in one transaction.

    `data` holds the risk's fields as the user confirmed or changed them (the create
    form pre-filled with `findings_draft`); fields it leaves out take the draft's
    values. The risk's creation record in the audit trail lists the linked findings.
    """
    draft = findings_draft(
        user=user, finding_ids=finding_ids, require_assets=not (data or {}).get("assets")
    )
    values = {name: value for name, value in draft.initial.items() if value is not None}
    values.update({name: value for name, value in (data or {}).items() if name != "findings"})
    values["findings"] = draft.findings
    return risk_create(user=user, data=values)


@audit.acts_as_user
@transaction.atomic
def risk_findings_update(*, risk: Risk, user, expected_version: int, link=(), unlink=()) -> Risk:
    """Link findings to (ids in `link`) or unlink them from (`unlink`) an existing risk.

    Security managers only (the `findings` field of `risk_update`); refused with
    `RiskConflict` when the risk changed since `expected_version`. Unknown ids raise
    ValidationError; unlinking a finding that is not linked is an error too, so a
    stale page never reports a change that did not happen.
    """
    try:
        link = {int(pk) for pk in link}
        unlink = {int(pk) for pk in unlink}
    except (TypeError, ValueError):
        raise ValidationError({"findings": "Finding ids are numbers."}) from None
    if not link and not unlink:
        raise ValidationError({"findings": "Choose findings to link or unlink."})
    current = set(risk.findings.values_list("pk", flat=True))
    missing = sorted(unlink - current)
    if missing:
        raise ValidationError(
            {"findings": f"Not linked to {risk.ref}: " + ", ".join(str(pk) for pk in missing) + "."}
        )
    return risk_update(
        risk=risk,
        user=user,
        data={"findings": sorted((current | link) - unlink)},
        expected_version=expected_version,
    )
