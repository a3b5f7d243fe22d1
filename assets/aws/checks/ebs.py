"""EBS checks: unencrypted volumes, the region's default encryption, public snapshots."""

from __future__ import annotations

from assets.aws.checks.base import Severity, Threat, failed, not_evaluated, passed
from assets.aws.checks.registry import check


@check(
    id="ebs-volume-unencrypted",
    title="EBS volume not encrypted",
    service="ebs",
    resource_types=(("ebs", "volume"),),
    severity=Severity.MEDIUM,
    threat=Threat.DISCLOSURE,
    rationale="An unencrypted volume, its snapshots and any copy of them can be read by "
    "whoever gets hold of them; encryption at rest with KMS also logs every use of the key.",
    console="EC2 > Snapshots: snapshot the volume, copy the snapshot with encryption on, "
    "create a volume from the copy and swap it in; then turn on EBS default encryption.",
    cli="aws ec2 copy-snapshot --source-snapshot-id <snap-id> --source-region <region> "
    "--encrypted --kms-key-id alias/aws/ebs",
    iso27001=("8.24",),
    csf=("PR.DS-01",),
    needs=(),
)
def volume_unencrypted(resource, estate):
    if resource.configuration.get("Encrypted") is True:
        return passed()
    size = resource.configuration.get("Size")
    return failed(f"Volume {resource.name} ({size} GiB) is not encrypted.")


@check(
    id="ebs-default-encryption-off",
    title="EBS default encryption off in a region",
    service="ebs",
    resource_types=(("ebs", "ebs-default-encryption"),),
    severity=Severity.MEDIUM,
    threat=Threat.DISCLOSURE,
    rationale="Without default encryption, every new volume is encrypted only if its "
    "creator remembers to ask for it.",
    console="EC2 > Settings (Data protection and security) > EBS encryption > Manage: "
    "tick Always encrypt new EBS volumes.",
    cli="aws ec2 enable-ebs-encryption-by-default --region <region>",
    iso27001=("8.24",),
    csf=("PR.DS-01",),
    needs=(),
)
def default_encryption_off(resource, estate):
    value = resource.configuration.get("EbsEncryptionByDefault")
    if value is None:
        return not_evaluated("The region's default encryption setting was not read.")
    return passed() if value else failed(f"New volumes in {resource.region} are not encrypted.")


@check(
    id="ebs-snapshot-public",
    title="EBS snapshot shared publicly",
    service="ebs",
    resource_types=(("ebs", "snapshot"),),
    severity=Severity.CRITICAL,
    threat=Threat.DISCLOSURE,
    rationale="Anyone with an AWS account can create a volume from a public snapshot and "
    "read every file that was on the disk.",
    console="EC2 > Snapshots > the snapshot > Actions > Snapshot settings > Modify "
    "permissions: choose Private.",
    cli="aws ec2 modify-snapshot-attribute --snapshot-id <snap-id> --attribute "
    "createVolumePermission --operation-type remove --group-names all",
    iso27001=("8.3", "8.12"),
    csf=("PR.DS-01", "PR.AA-05"),
    needs=("createVolumePermission",),
)
def snapshot_public(resource, estate):
    if "Public" not in resource.configuration:
        return not_evaluated("Who may create volumes from it was not read.")
    if resource.configuration["Public"]:
        return failed(f"Snapshot {resource.name} can be copied by every AWS account (group all).")
    return passed()


@check(
    id="ebs-snapshot-unencrypted",
    title="EBS snapshot not encrypted",
    service="ebs",
    resource_types=(("ebs", "snapshot"),),
    severity=Severity.MEDIUM,
    threat=Threat.DISCLOSURE,
    rationale="A snapshot holds a full copy of the disk; unencrypted, it can be read by "
    "anyone it is shared with or who copies it, and volumes restored from it are "
    "unencrypted too.",
    console="EC2 > Snapshots > the snapshot > Actions > Copy snapshot: Encrypt this "
    "snapshot; then delete the unencrypted one.",
    cli="aws ec2 copy-snapshot --source-snapshot-id <snap-id> --source-region <region> "
    "--encrypted --kms-key-id alias/aws/ebs",
    iso27001=("8.24",),
    csf=("PR.DS-01",),
    needs=(),
)
def snapshot_unencrypted(resource, estate):
    if resource.configuration.get("Encrypted") is True:
        return passed()
    return failed(f"Snapshot {resource.name} is not encrypted.")
