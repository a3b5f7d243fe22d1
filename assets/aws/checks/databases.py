"""RDS and DynamoDB checks: encryption, redundancy, backups, public access."""

from __future__ import annotations

from assets.aws.checks.base import Severity, Threat, dig, failed, not_evaluated, passed
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


# Master user names every attacker tries first (Prowler's rds_instance_default_admin).
DEFAULT_MASTER_USERS = {"admin", "administrator", "postgres", "root", "sa", "master", "mysql"}


@check(
    id="rds-default-master-user",
    title="RDS instance with a default master user name",
    service="rds",
    resource_types=RDS,
    severity=Severity.MEDIUM,
    threat=Threat.CREDENTIALS,
    rationale="A password-guessing attack needs a user name and a password; with the "
    "engine's default master user name (postgres, admin, root) it only needs the password.",
    console="The master user name cannot be changed: restore a snapshot as a new instance "
    "with a non-default master user name, or create a named administrator and stop "
    "using the default one.",
    cli="aws rds restore-db-instance-from-db-snapshot --db-instance-identifier <new-id> "
    "--db-snapshot-identifier <snap>  (then create a named administrator)",
    iso27001=("8.5", "5.17"),
    csf=("PR.AA-01",),
    needs=(),
)
def rds_default_master_user(resource, estate):
    user = str(resource.configuration.get("MasterUsername") or "")
    if user.lower() in DEFAULT_MASTER_USERS:
        return failed(f"DB instance {resource.name} uses the default master user name {user!r}.")
    return passed()


@check(
    id="rds-minor-upgrades-off",
    title="RDS instance without automatic minor version upgrades",
    service="rds",
    resource_types=RDS,
    severity=Severity.LOW,
    threat=Threat.INTEGRITY,
    rationale="Minor engine versions carry the security fixes; without automatic upgrades "
    "the instance keeps known vulnerabilities until someone remembers to patch it.",
    console="RDS > Databases > the instance > Modify > Maintenance: Enable auto minor "
    "version upgrade.",
    cli="aws rds modify-db-instance --db-instance-identifier <id> "
    "--auto-minor-version-upgrade --apply-immediately",
    iso27001=("8.8",),
    csf=("ID.RA-01", "PR.PS-02"),
    needs=(),
)
def rds_minor_upgrades(resource, estate):
    if resource.configuration.get("AutoMinorVersionUpgrade") is False:
        return failed(f"DB instance {resource.name} does not take minor version upgrades.")
    return passed()


@check(
    id="rds-copy-tags-to-snapshots-off",
    title="RDS instance does not copy its tags to snapshots",
    service="rds",
    resource_types=RDS,
    severity=Severity.LOW,
    threat=Threat.DISCLOSURE,
    rationale="Snapshots without the instance's tags lose their owner and classification: "
    "nobody knows whose customer data an old snapshot holds, so nobody deletes or guards it.",
    console="RDS > Databases > the instance > Modify > Backup: Copy tags to snapshots.",
    cli="aws rds modify-db-instance --db-instance-identifier <id> --copy-tags-to-snapshot "
    "--apply-immediately",
    iso27001=("5.9", "5.12"),
    csf=("ID.AM-07",),
    needs=(),
)
def rds_copy_tags(resource, estate):
    if resource.configuration.get("CopyTagsToSnapshot") is False:
        return failed(f"DB instance {resource.name}'s snapshots will carry no tags.")
    return passed()


@check(
    id="dynamodb-deletion-protection-off",
    title="DynamoDB table without deletion protection",
    service="dynamodb",
    resource_types=DYNAMODB,
    severity=Severity.MEDIUM,
    threat=Threat.DELETION,
    rationale="Without deletion protection one DeleteTable call (a script, a stack update) "
    "destroys the table and, unless backups exist, its data.",
    console="DynamoDB > Tables > the table > Additional settings > Deletion protection: Turn on.",
    cli="aws dynamodb update-table --table-name <table> --deletion-protection-enabled",
    iso27001=("8.13", "8.9"),
    csf=("PR.DS-11", "PR.PS-01"),
    needs=("describeTable",),
)
def dynamodb_deletion_protection(resource, estate):
    if resource.configuration.get("DeletionProtectionEnabled") is True:
        return passed()
    return failed(f"Table {resource.name} can be deleted by a single call.")


# DB instance snapshots and DB cluster (Aurora) snapshots.
RDS_SNAPSHOT = (("rds", "db-snapshot"), ("rds", "db-cluster-snapshot"))


@check(
    id="rds-snapshot-public",
    title="RDS snapshot shared publicly",
    service="rds",
    resource_types=RDS_SNAPSHOT,
    severity=Severity.CRITICAL,
    threat=Threat.DISCLOSURE,
    rationale="Anyone with an AWS account can restore a public snapshot into a database of "
    "their own and read every table.",
    console="RDS > Snapshots > the snapshot > Actions > Share snapshot: set DB snapshot "
    "visibility to Private.",
    cli="aws rds modify-db-snapshot-attribute --db-snapshot-identifier <snap> "
    "--attribute-name restore --values-to-remove all",
    iso27001=("8.3", "8.12"),
    csf=("PR.DS-01", "PR.AA-05"),
    needs=("restoreAttribute",),
)
def rds_snapshot_public(resource, estate):
    allowed = resource.configuration.get("RestoreAllowedTo")
    if allowed is None:
        return not_evaluated("Who may restore the snapshot was not read.")
    if "all" in allowed:
        return failed(f"Snapshot {resource.name} can be restored by every AWS account.")
    return passed()


@check(
    id="rds-snapshot-unencrypted",
    title="RDS snapshot not encrypted",
    service="rds",
    resource_types=RDS_SNAPSHOT,
    severity=Severity.MEDIUM,
    threat=Threat.DISCLOSURE,
    rationale="A snapshot is a full copy of the database; unencrypted, whoever it is "
    "shared with or copied to reads it, and databases restored from it are unencrypted.",
    console="RDS > Snapshots > the snapshot > Actions > Copy snapshot: Enable encryption; "
    "then delete the unencrypted snapshot.",
    cli="aws rds copy-db-snapshot --source-db-snapshot-identifier <snap> "
    "--target-db-snapshot-identifier <snap>-encrypted --kms-key-id alias/aws/rds",
    iso27001=("8.24",),
    csf=("PR.DS-01",),
    needs=(),
)
def rds_snapshot_unencrypted(resource, estate):
    # A DB snapshot says Encrypted, a DB cluster snapshot StorageEncrypted.
    configuration = resource.configuration
    if configuration.get("Encrypted") is True or configuration.get("StorageEncrypted") is True:
        return passed()
    return failed(f"Snapshot {resource.name} is not encrypted.")


@check(
    id="rds-iam-auth-off",
    title="RDS instance without IAM database authentication",
    service="rds",
    resource_types=RDS,
    severity=Severity.MEDIUM,
    threat=Threat.CREDENTIALS,
    rationale="Without IAM authentication every application and person logs in with a "
    "long-lived database password, which is shared, copied into configuration and "
    "rarely rotated; IAM tokens last 15 minutes and follow the person's access.",
    console="RDS > Databases > the instance > Modify > Database authentication: Password "
    "and IAM database authentication.",
    cli="aws rds modify-db-instance --db-instance-identifier <id> "
    "--enable-iam-database-authentication --apply-immediately",
    iso27001=("8.5", "5.17"),
    csf=("PR.AA-03",),
    needs=(),
)
def rds_iam_auth(resource, estate):
    engine = str(resource.configuration.get("Engine") or "")
    # Only the MySQL, MariaDB and PostgreSQL engines support IAM authentication.
    if not any(name in engine for name in ("mysql", "mariadb", "postgres")):
        return passed()
    if resource.configuration.get("IAMDatabaseAuthenticationEnabled") is True:
        return passed()
    return failed(f"DB instance {resource.name} accepts database passwords only.")


@check(
    id="rds-logs-not-exported",
    title="RDS instance exporting no logs to CloudWatch Logs",
    service="rds",
    resource_types=RDS,
    severity=Severity.MEDIUM,
    threat=Threat.INTEGRITY,
    rationale="The database's own logs (connections, errors, audit) stay on the instance, "
    "rotate away within days and vanish with it; nobody can alert on them or look back "
    "after an incident.",
    console="RDS > Databases > the instance > Modify > Log exports: select the engine's "
    "logs (postgresql, or audit, error, general and slowquery).",
    cli="aws rds modify-db-instance --db-instance-identifier <id> "
    "--cloudwatch-logs-export-configuration EnableLogTypes=postgresql --apply-immediately",
    iso27001=("8.15", "8.16"),
    csf=("PR.PS-04", "DE.CM-01"),
    needs=(),
)
def rds_logs_exported(resource, estate):
    exported = resource.configuration.get("EnabledCloudwatchLogsExports") or []
    if exported:
        return passed()
    return failed(f"DB instance {resource.name} exports none of its logs.")
