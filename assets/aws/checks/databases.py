"""RDS and DynamoDB checks: encryption, redundancy, backups, public access."""

from __future__ import annotations

from assets.aws.checks.base import Severity, Threat, dig, failed, passed
from assets.aws.checks.registry import check

RDS = (("rds", "db-instance"),)
DYNAMODB = (("dynamodb", "table"),)


@check(
    id="rds-storage-unencrypted",
    title="RDS storage not encrypted",
    service="rds",
    resource_types=RDS,
    severity=Severity.HIGH,
    threat=Threat.DISCLOSURE,
    rationale="The database's storage, automated backups, read replicas and snapshots are "
    "all readable by whoever obtains them.",
    console="RDS > Snapshots: take a snapshot, Copy snapshot with encryption enabled, "
    "restore the copy as a new instance, and switch the application over.",
    cli="aws rds copy-db-snapshot --source-db-snapshot-identifier <snap> "
    "--target-db-snapshot-identifier <snap>-encrypted --kms-key-id alias/aws/rds",
    iso27001=("8.24",),
    csf=("PR.DS-01",),
    needs=(),
)
def rds_unencrypted(resource, estate):
    if resource.configuration.get("StorageEncrypted") is True:
        return passed()
    return failed(f"DB instance {resource.name} stores its data unencrypted.")


@check(
    id="rds-deletion-protection-off",
    title="RDS instance without deletion protection",
    service="rds",
    resource_types=RDS,
    severity=Severity.MEDIUM,
    threat=Threat.DELETION,
    rationale="Without deletion protection one API call or console click (a script, a "
    "mistaken stack update) deletes the database.",
    console="RDS > Databases > the instance > Modify: Enable deletion protection.",
    cli="aws rds modify-db-instance --db-instance-identifier <id> --deletion-protection "
    "--apply-immediately",
    iso27001=("8.13", "8.9"),
    csf=("PR.DS-11", "PR.PS-01"),
    needs=(),
)
def rds_deletion_protection(resource, estate):
    if resource.configuration.get("DeletionProtection") is True:
        return passed()
    return failed(f"DB instance {resource.name} can be deleted without first disabling a guard.")


@check(
    id="rds-single-az",
    title="RDS instance in a single Availability Zone",
    service="rds",
    resource_types=RDS,
    severity=Severity.MEDIUM,
    threat=Threat.AVAILABILITY,
    rationale="Without a Multi-AZ standby, a zone outage or a hardware failure stops the "
    "database until it is restored.",
    console="RDS > Databases > the instance > Modify > Availability & durability: "
    "Create a standby instance.",
    cli="aws rds modify-db-instance --db-instance-identifier <id> --multi-az --apply-immediately",
    iso27001=("8.14",),
    csf=("PR.IR-03",),
    needs=(),
)
def rds_single_az(resource, estate):
    if resource.configuration.get("MultiAZ") is True:
        return passed()
    zone = resource.configuration.get("AvailabilityZone") or "one zone"
    return failed(f"DB instance {resource.name} runs only in {zone}.")


@check(
    id="rds-backups-off",
    title="RDS automated backups off",
    service="rds",
    resource_types=RDS,
    severity=Severity.HIGH,
    threat=Threat.DELETION,
    rationale="With a backup retention of 0 days there is no point-in-time restore: a "
    "bad migration or a deleted table cannot be undone.",
    console="RDS > Databases > the instance > Modify > Backup: set the backup retention "
    "period to 7 days or more.",
    cli="aws rds modify-db-instance --db-instance-identifier <id> "
    "--backup-retention-period 7 --apply-immediately",
    iso27001=("8.13",),
    csf=("PR.DS-11",),
    needs=(),
)
def rds_backups_off(resource, estate):
    days = resource.configuration.get("BackupRetentionPeriod")
    if isinstance(days, int) and days > 0:
        return passed()
    return failed(f"Backup retention period of {resource.name} is {days or 0} days.")


@check(
    id="rds-publicly-accessible",
    title="RDS instance publicly accessible",
    service="rds",
    resource_types=RDS,
    severity=Severity.HIGH,
    threat=Threat.NETWORK,
    rationale="A publicly accessible instance gets a public DNS address; one permissive "
    "security group rule away from being reachable by anyone.",
    console="RDS > Databases > the instance > Modify > Connectivity > Additional "
    "configuration: Not publicly accessible.",
    cli="aws rds modify-db-instance --db-instance-identifier <id> "
    "--no-publicly-accessible --apply-immediately",
    iso27001=("8.20", "8.22"),
    csf=("PR.IR-01",),
    needs=(),
)
def rds_public(resource, estate):
    if resource.configuration.get("PubliclyAccessible") is True:
        endpoint = dig(resource.configuration, "Endpoint", "Address") or "a public address"
        return failed(f"DB instance {resource.name} answers on {endpoint}.")
    return passed()


@check(
    id="dynamodb-pitr-off",
    title="DynamoDB point-in-time recovery off",
    service="dynamodb",
    resource_types=DYNAMODB,
    severity=Severity.MEDIUM,
    threat=Threat.DELETION,
    rationale="Without point-in-time recovery, an application bug or a mistaken delete "
    "cannot be rolled back to the second before it happened.",
    console="DynamoDB > Tables > the table > Backups > Point-in-time recovery > Edit: turn it on.",
    cli="aws dynamodb update-continuous-backups --table-name <table> "
    "--point-in-time-recovery-specification PointInTimeRecoveryEnabled=true",
    iso27001=("8.13",),
    csf=("PR.DS-11",),
    needs=("describeTable", "ContinuousBackups"),
)
def dynamodb_pitr(resource, estate):
    status = dig(
        resource.configuration,
        "ContinuousBackups",
        "PointInTimeRecoveryDescription",
        "PointInTimeRecoveryStatus",
    )
    if status == "ENABLED":
        return passed()
    return failed(f"Point-in-time recovery of table {resource.name} is {status or 'off'}.")


@check(
    id="dynamodb-not-kms",
    title="DynamoDB table not encrypted with KMS",
    service="dynamodb",
    resource_types=DYNAMODB,
    severity=Severity.LOW,
    threat=Threat.DISCLOSURE,
    rationale="Tables are always encrypted, but with an AWS-owned key by default: only a "
    "KMS key lets you control, audit and revoke access to the data through the key.",
    console="DynamoDB > Tables > the table > Additional settings > Encryption > Manage "
    "encryption: AWS managed key or a customer managed KMS key.",
    cli="aws dynamodb update-table --table-name <table> "
    "--sse-specification Enabled=true,SSEType=KMS",
    iso27001=("8.24",),
    csf=("PR.DS-01",),
    needs=("describeTable",),
)
def dynamodb_kms(resource, estate):
    sse = resource.configuration.get("SSEDescription") or {}
    if sse.get("SSEType") == "KMS" and sse.get("Status") in ("ENABLED", "UPDATING"):
        return passed()
    return failed(f"Table {resource.name} uses the AWS-owned key, not a KMS key.")
