"""More RDS checks (issue 18): DB clusters (Aurora and Multi-AZ DB clusters), ports,
monitoring, support, network placement, TLS and engine versions of DB instances, and
the region's event subscriptions."""

from __future__ import annotations

import datetime

from assets.aws.checks.base import Severity, Threat, dig, failed, not_evaluated, passed
from assets.aws.checks.databases import DEFAULT_MASTER_USERS
from assets.aws.checks.registry import check

CLUSTER = (("rds", "db-cluster"),)
INSTANCE = (("rds", "db-instance"),)
SUBSCRIPTIONS = (("rds", "event-subscriptions"),)


def _modify(option: str) -> str:
    return f"aws rds modify-db-cluster --db-cluster-identifier <id> {option} --apply-immediately"


@check(
    id="rds-cluster-storage-unencrypted",
    title="RDS cluster storage not encrypted",
    service="rds",
    resource_types=CLUSTER,
    severity=Severity.HIGH,
    threat=Threat.DISCLOSURE,
    rationale="The cluster's shared storage, its backups and snapshots are readable by "
    "whoever obtains them.",
    console="RDS > Snapshots: snapshot the cluster, copy the snapshot with encryption "
    "enabled, restore the copy as a new cluster and switch the application over.",
    cli="aws rds copy-db-cluster-snapshot --source-db-cluster-snapshot-identifier <snap> "
    "--target-db-cluster-snapshot-identifier <snap>-encrypted --kms-key-id alias/aws/rds",
    iso27001=("8.24",),
    csf=("PR.DS-01",),
    needs=(),
)
def cluster_unencrypted(resource, estate):
    if resource.configuration.get("StorageEncrypted") is True:
        return passed()
    return failed(f"DB cluster {resource.name} stores its data unencrypted.")


@check(
    id="rds-cluster-deletion-protection-off",
    title="RDS cluster without deletion protection",
    service="rds",
    resource_types=CLUSTER,
    severity=Severity.MEDIUM,
    threat=Threat.DELETION,
    rationale="Without deletion protection one API call or a mistaken stack update deletes "
    "the cluster and every instance in it.",
    console="RDS > Databases > the cluster > Modify: Enable deletion protection.",
    cli=_modify("--deletion-protection"),
    iso27001=("8.13", "8.9"),
    csf=("PR.DS-11", "PR.PS-01"),
    needs=(),
)
def cluster_deletion_protection(resource, estate):
    if resource.configuration.get("DeletionProtection") is True:
        return passed()
    return failed(f"DB cluster {resource.name} can be deleted without first disabling a guard.")


@check(
    id="rds-cluster-single-az",
    title="RDS cluster in a single Availability Zone",
    service="rds",
    resource_types=CLUSTER,
    severity=Severity.MEDIUM,
    threat=Threat.AVAILABILITY,
    rationale="With every instance of the cluster in one zone, a zone outage stops the "
    "database; a replica in another zone takes over within a minute.",
    console="RDS > Databases > the cluster > Actions > Add reader: choose another "
    "Availability Zone.",
    cli="aws rds create-db-instance --db-cluster-identifier <id> --db-instance-identifier "
    "<id>-reader --engine <engine> --db-instance-class <class> --availability-zone <other zone>",
    iso27001=("8.14",),
    csf=("PR.IR-03",),
    needs=(),
)
def cluster_single_az(resource, estate):
    if resource.configuration.get("MultiAZ") is True:
        return passed()
    return failed(f"DB cluster {resource.name} has no instance in a second zone.")


# Only Aurora MySQL can rewind a cluster in place (backtracking).
BACKTRACK_ENGINES = {"aurora", "aurora-mysql"}


@check(
    id="rds-cluster-backtrack-off",
    title="Aurora MySQL cluster without backtracking",
    service="rds",
    resource_types=CLUSTER,
    severity=Severity.LOW,
    threat=Threat.INTEGRITY,
    rationale="Backtracking rewinds the cluster to a moment before a bad migration or a "
    "mass update in minutes, without restoring a backup into a new cluster.",
    console="Backtracking is chosen when the cluster is created: restore a snapshot into "
    "a new cluster with Enable Backtrack and a target window (e.g. 24 hours).",
    cli="aws rds restore-db-cluster-from-snapshot --db-cluster-identifier <new-id> "
    "--snapshot-identifier <snap> --engine aurora-mysql --backtrack-window 86400",
    iso27001=("8.13",),
    csf=("PR.DS-11",),
    needs=(),
)
def cluster_backtrack(resource, estate):
    if str(resource.configuration.get("Engine") or "") not in BACKTRACK_ENGINES:
        return passed()
    window = resource.configuration.get("BacktrackWindow")
    if isinstance(window, int) and window > 0:
        return passed()
    return failed(f"Aurora MySQL cluster {resource.name} cannot be backtracked.")


@check(
    id="rds-cluster-copy-tags-to-snapshots-off",
    title="RDS cluster does not copy its tags to snapshots",
    service="rds",
    resource_types=CLUSTER,
    severity=Severity.LOW,
    threat=Threat.DISCLOSURE,
    rationale="Snapshots without the cluster's tags lose their owner and classification, "
    "so nobody knows whose data an old snapshot holds, guards it or deletes it.",
    console="RDS > Databases > the cluster > Modify > Backup: Copy tags to snapshots.",
    cli=_modify("--copy-tags-to-snapshot"),
    iso27001=("5.9", "5.12"),
    csf=("ID.AM-07",),
    needs=(),
)
def cluster_copy_tags(resource, estate):
    if resource.configuration.get("CopyTagsToSnapshot") is False:
        return failed(f"DB cluster {resource.name}'s snapshots will carry no tags.")
    return passed()


@check(
    id="rds-cluster-default-master-user",
    title="RDS cluster with a default master user name",
    service="rds",
    resource_types=CLUSTER,
    severity=Severity.MEDIUM,
    threat=Threat.CREDENTIALS,
    rationale="With the engine's default master user name (admin, postgres, root) a "
    "password-guessing attack only has to guess the password.",
    console="The master user name cannot be changed: restore a snapshot into a new "
    "cluster with another master user name, or create a named administrator and stop "
    "using the default one.",
    cli="aws rds restore-db-cluster-from-snapshot --db-cluster-identifier <new-id> "
    "--snapshot-identifier <snap> --engine <engine>  (then create a named administrator)",
    iso27001=("8.5", "5.17"),
    csf=("PR.AA-01",),
    needs=(),
)
def cluster_default_master_user(resource, estate):
    user = str(resource.configuration.get("MasterUsername") or "")
    if user.lower() in DEFAULT_MASTER_USERS:
        return failed(f"DB cluster {resource.name} uses the default master user name {user!r}.")
    return passed()


@check(
    id="rds-cluster-iam-auth-off",
    title="RDS cluster without IAM database authentication",
    service="rds",
    resource_types=CLUSTER,
    severity=Severity.MEDIUM,
    threat=Threat.CREDENTIALS,
    rationale="Without IAM authentication everyone logs in with long-lived database "
    "passwords, shared and rarely rotated; IAM tokens last 15 minutes and follow the "
    "person's access.",
    console="RDS > Databases > the cluster > Modify > Database authentication: Password "
    "and IAM database authentication.",
    cli=_modify("--enable-iam-database-authentication"),
    iso27001=("8.5", "5.17"),
    csf=("PR.AA-03",),
    needs=(),
)
def cluster_iam_auth(resource, estate):
    engine = str(resource.configuration.get("Engine") or "")
    if not any(name in engine for name in ("aurora", "mysql", "postgres")):
        return passed()
    if resource.configuration.get("IAMDatabaseAuthenticationEnabled") is True:
        return passed()
    return failed(f"DB cluster {resource.name} accepts database passwords only.")


@check(
    id="rds-cluster-logs-not-exported",
    title="RDS cluster exporting no logs to CloudWatch Logs",
    service="rds",
    resource_types=CLUSTER,
    severity=Severity.MEDIUM,
    threat=Threat.INTEGRITY,
    rationale="The cluster's own logs (connections, errors, audit) rotate away within "
    "days; nobody can alert on them or look back after an incident.",
    console="RDS > Databases > the cluster > Modify > Log exports: select the engine's logs.",
    cli=_modify("--cloudwatch-logs-export-configuration EnableLogTypes=audit,error"),
    iso27001=("8.15", "8.16"),
    csf=("PR.PS-04", "DE.CM-01"),
    needs=(),
)
def cluster_logs_exported(resource, estate):
    if resource.configuration.get("EnabledCloudwatchLogsExports"):
        return passed()
    return failed(f"DB cluster {resource.name} exports none of its logs.")


@check(
    id="rds-cluster-minor-upgrades-off",
    title="RDS cluster without automatic minor version upgrades",
    service="rds",
    resource_types=CLUSTER,
    severity=Severity.LOW,
    threat=Threat.INTEGRITY,
    rationale="Minor engine versions carry the security fixes; without automatic upgrades "
    "the cluster keeps known vulnerabilities until someone patches it by hand.",
    console="RDS > Databases > the cluster > Modify > Maintenance: Enable auto minor "
    "version upgrade.",
    cli=_modify("--auto-minor-version-upgrade"),
    iso27001=("8.8",),
    csf=("ID.RA-01", "PR.PS-02"),
    needs=(),
)
def cluster_minor_upgrades(resource, estate):
    # Aurora sets this per instance; a cluster reports it only when it is set there.
    if resource.configuration.get("AutoMinorVersionUpgrade") is False:
        return failed(f"DB cluster {resource.name} does not take minor version upgrades.")
    return passed()


# Each engine's well-known port: the first one a scanner tries.
DEFAULT_PORTS = {
    "mysql": 3306,
    "mariadb": 3306,
    "aurora": 3306,
    "aurora-mysql": 3306,
    "postgres": 5432,
    "aurora-postgresql": 5432,
    "oracle": 1521,
    "sqlserver": 1433,
    "db2": 50000,
}


def _engine_family(engine: str) -> str:
    for prefix in ("aurora-mysql", "aurora-postgresql", "oracle", "sqlserver", "db2"):
        if engine.startswith(prefix):
            return prefix
    return engine


@check(
    id="rds-default-port",
    title="RDS database on its engine's default port",
    service="rds",
    resource_types=(*INSTANCE, *CLUSTER),
    severity=Severity.LOW,
    threat=Threat.NETWORK,
    rationale="Scanners and worms knock on the engines' default ports first; another "
    "port is no protection on its own, but it keeps the database out of the bulk of "
    "automated probing and its logs quieter.",
    console="RDS > Databases > the database > Modify > Connectivity: Database port; "
    "update the applications' connection strings and the security groups.",
    cli="aws rds modify-db-instance --db-instance-identifier <id> --db-port-number <port>",
    iso27001=("8.20",),
    csf=("PR.IR-01",),
    needs=(),
)
def default_port(resource, estate):
    configuration = resource.configuration
    port = configuration.get("Port") or dig(configuration, "Endpoint", "Port")
    port = port or configuration.get("DbInstancePort")
    default = DEFAULT_PORTS.get(_engine_family(str(configuration.get("Engine") or "")))
    if not isinstance(port, int) or default is None:
        return not_evaluated("The database's engine or port was not read.")
    if port == default:
        return failed(f"{resource.name} listens on {port}, its engine's default port.")
    return passed()


@check(
    id="rds-enhanced-monitoring-off",
    title="RDS instance without Enhanced Monitoring",
    service="rds",
    resource_types=INSTANCE,
    severity=Severity.LOW,
    threat=Threat.AVAILABILITY,
    rationale="Without Enhanced Monitoring only hypervisor-level metrics exist: memory, "
    "processes and disk pressure inside the instance stay invisible until it fails.",
    console="RDS > Databases > the instance > Modify > Monitoring: Enable Enhanced "
    "monitoring (granularity 60 seconds).",
    cli="aws rds modify-db-instance --db-instance-identifier <id> --monitoring-interval 60 "
    "--monitoring-role-arn <rds-monitoring-role> --apply-immediately",
    iso27001=("8.16",),
    csf=("DE.CM-09",),
    needs=(),
)
def enhanced_monitoring(resource, estate):
    interval = resource.configuration.get("MonitoringInterval")
    if isinstance(interval, int) and interval > 0:
        return passed()
    return failed(f"DB instance {resource.name} has no Enhanced Monitoring.")


@check(
    id="rds-extended-support",
    title="RDS instance enrolled in paid Extended Support",
    service="rds",
    resource_types=INSTANCE,
    severity=Severity.MEDIUM,
    threat=Threat.INTEGRITY,
    rationale="Extended Support keeps a major engine version past its end of standard "
    "support, at a charge: the version is at the end of its life and the upgrade is due.",
    console="RDS > Databases > the instance > Modify: upgrade to a supported major "
    "version; new instances can opt out of Extended Support when created.",
    cli="aws rds modify-db-instance --db-instance-identifier <id> --engine-version "
    "<supported major version> --allow-major-version-upgrade",
    iso27001=("8.8",),
    csf=("ID.RA-01",),
    needs=(),
)
def extended_support(resource, estate):
    if resource.configuration.get("EngineLifecycleSupport") == "open-source-rds-extended-support":
        return failed(f"DB instance {resource.name} runs an engine version in Extended Support.")
    return passed()


@check(
    id="rds-instance-outside-vpc",
    title="RDS instance not placed in a VPC",
    service="rds",
    resource_types=INSTANCE,
    severity=Severity.HIGH,
    threat=Threat.NETWORK,
    rationale="An instance without a DB subnet group sits outside any VPC (EC2-Classic): "
    "no security group of a VPC, network ACL or flow log stands between it and the "
    "network.",
    console="RDS > Subnet groups > Create DB subnet group in the VPC, then restore the "
    "instance's latest snapshot into it (or modify it to use the group) and switch over.",
    cli="aws rds restore-db-instance-from-db-snapshot --db-instance-identifier <new-id> "
    "--db-snapshot-identifier <snap> --db-subnet-group-name <group>",
    iso27001=("8.20", "8.22"),
    csf=("PR.IR-01",),
    needs=(),
)
def instance_outside_vpc(resource, estate):
    if dig(resource.configuration, "DBSubnetGroup", "VpcId"):
        return passed()
    return failed(f"DB instance {resource.name} is in no VPC.")


# The parameter each engine family reads to refuse unencrypted connections, and the
# values that switch it on.
TLS_REQUIRED = {
    "postgres": ("rds.force_ssl", {"1"}),
    "aurora-postgresql": ("rds.force_ssl", {"1"}),
    "sqlserver": ("rds.force_ssl", {"1"}),
    "mysql": ("require_secure_transport", {"1", "ON", "on"}),
    "mariadb": ("require_secure_transport", {"1", "ON", "on"}),
    "aurora-mysql": ("require_secure_transport", {"1", "ON", "on"}),
}


@check(
    id="rds-instance-tls-not-required",
    title="RDS instance accepts unencrypted connections",
    service="rds",
    resource_types=INSTANCE,
    severity=Severity.MEDIUM,
    threat=Threat.DISCLOSURE,
    rationale="Unless the parameter group requires TLS, a client may connect in clear "
    "text, and queries, results and passwords cross the network readable.",
    console="RDS > Parameter groups > the instance's (custom) group > Edit: rds.force_ssl = "
    "1 (PostgreSQL, SQL Server) or require_secure_transport = ON (MySQL, MariaDB); a "
    "default group cannot be edited: create one and attach it.",
    cli="aws rds modify-db-parameter-group --db-parameter-group-name <group> --parameters "
    "ParameterName=rds.force_ssl,ParameterValue=1,ApplyMethod=immediate",
    iso27001=("8.24", "8.20"),
    csf=("PR.DS-02",),
    needs=("tlsParameters",),
)
def instance_tls_not_required(resource, estate):
    configuration = resource.configuration
    if configuration.get("DBClusterIdentifier"):
        return passed()  # a cluster member takes its cluster's parameters
    family = _engine_family(str(configuration.get("Engine") or ""))
    if family not in TLS_REQUIRED:
        return not_evaluated(
            f"TLS for {family or 'this engine'} is set in an option group, not collected."
        )
    values = configuration.get("TlsParameters")
    if values is None:
        return not_evaluated("The instance's parameter group was not read.")
    name, on = TLS_REQUIRED[family]
    if str(values.get(name)) in on:
        return passed()
    return failed(f"DB instance {resource.name} does not require TLS ({name} is not on).")


@check(
    id="rds-instance-deprecated-engine",
    title="RDS instance on an engine version AWS no longer offers",
    service="rds",
    resource_types=INSTANCE,
    severity=Severity.MEDIUM,
    threat=Threat.INTEGRITY,
    rationale="A deprecated engine version gets no more security fixes, and AWS will "
    "upgrade it on its own schedule, not the business's.",
    console="RDS > Databases > the instance > Modify: choose a current engine version "
    "(test the upgrade on a snapshot's restore first).",
    cli="aws rds modify-db-instance --db-instance-identifier <id> --engine-version <current> "
    "--allow-major-version-upgrade",
    iso27001=("8.8", "8.19"),
    csf=("ID.RA-01", "PR.PS-02"),
    needs=("engineVersion",),
)
def instance_deprecated_engine(resource, estate):
    configuration = resource.configuration
    if "EngineVersionStatus" not in configuration:
        return not_evaluated("The engine version's status was not read.")
    status = configuration["EngineVersionStatus"]
    if status == "available":
        return passed()
    engine = f"{configuration.get('Engine')} {configuration.get('EngineVersion')}"
    return failed(f"DB instance {resource.name} runs {engine}, {status or 'no longer listed'}.")


# How long before its certificate expires an instance is reported (AWS e-mails at 60 days).
CERTIFICATE_WARNING_DAYS = 30


@check(
    id="rds-certificate-expiring",
    title="RDS instance's server certificate expires soon",
    service="rds",
    resource_types=INSTANCE,
    severity=Severity.HIGH,
    threat=Threat.AVAILABILITY,
    rationale="When the instance's certificate authority expires, clients that verify the "
    "server certificate (as they should) can no longer connect: the application stops, "
    "or someone turns verification off to get it running again.",
    console="RDS > Databases > the instance > Modify > Connectivity > Certificate "
    "authority: choose a current CA (rds-ca-rsa2048-g1) and apply it in the next "
    "maintenance window; update the clients' trust bundle first.",
    cli="aws rds modify-db-instance --db-instance-identifier <id> "
    "--ca-certificate-identifier rds-ca-rsa2048-g1",
    iso27001=("8.24", "8.14"),
    csf=("PR.DS-02", "PR.IR-03"),
    needs=(),
)
def certificate_expiring(resource, estate):
    valid_till = dig(resource.configuration, "CertificateDetails", "ValidTill")
    try:
        expires = datetime.datetime.fromisoformat(str(valid_till))
    except ValueError:
        return not_evaluated("The instance's certificate details were not reported.")
    if expires.tzinfo is None:
        expires = expires.replace(tzinfo=datetime.UTC)
    days = (expires - estate.now).days
    if days < 0:
        return failed(f"DB instance {resource.name}'s certificate expired on {expires:%Y-%m-%d}.")
    if days < CERTIFICATE_WARNING_DAYS:
        return failed(f"DB instance {resource.name}'s certificate expires on {expires:%Y-%m-%d}.")
    return passed()


def _subscribed(configuration: dict, source_type: str, categories: set[str]):
    """Whether an enabled subscription tells someone of `categories` of `source_type`
    (a subscription without categories covers them all); None when it was not read."""
    subscriptions = configuration.get("EventSubscriptions")
    if subscriptions is None:
        return None
    return any(
        item.get("Enabled") is not False
        and item.get("SourceType") == source_type
        and (not item.get("EventCategoriesList") or categories <= set(item["EventCategoriesList"]))
        for item in subscriptions
    )


def _subscription_check(source_type: str, categories: set[str], what: str, count_key: str):
    def evaluate(resource, estate):
        configuration = resource.configuration
        if not configuration.get(count_key):
            return passed()  # nothing of the kind in the region to hear about
        found = _subscribed(configuration, source_type, categories)
        if found is None:
            return not_evaluated("The region's event subscriptions were not read.")
        if found:
            return passed()
        listed = ", ".join(sorted(categories))
        return failed(f"Nobody is told of {what} events ({listed}) in {resource.region}.")

    return evaluate


_SUBSCRIBE = "aws rds create-event-subscription --subscription-name <name> --sns-topic-arn "


def _register_subscription_check(
    check_id: str, title: str, source: str, categories: set[str], what: str, count_key: str
):
    check(
        id=check_id,
        title=title,
        service="rds",
        resource_types=SUBSCRIPTIONS,
        severity=Severity.LOW,
        threat=Threat.AVAILABILITY,
        rationale=f"Without an event subscription for {what}, {', '.join(sorted(categories))} "
        "events happen unnoticed: nobody hears of a failover, a forced maintenance or a "
        "change made outside the change process.",
        console="RDS > Event subscriptions > Create event subscription: source type "
        f"{source}, event categories {', '.join(sorted(categories))}, to an SNS topic "
        "that reaches the operations team.",
        cli=f"{_SUBSCRIBE}<topic> --source-type {source} --event-categories "
        + " ".join(f'"{c}"' for c in sorted(categories)),
        iso27001=("8.16",),
        csf=("DE.CM-09",),
        needs=("eventSubscriptions",),
    )(_subscription_check(source, categories, what, count_key))


_register_subscription_check(
    "rds-instance-events-unwatched",
    "No RDS event subscription for DB instances' critical events",
    "db-instance",
    {"failure", "maintenance", "configuration change"},
    "DB instance",
    "InstancesInRegion",
)
_register_subscription_check(
    "rds-cluster-events-unwatched",
    "No RDS event subscription for DB clusters' critical events",
    "db-cluster",
    {"failure", "maintenance"},
    "DB cluster",
    "ClustersInRegion",
)
_register_subscription_check(
    "rds-parameter-group-events-unwatched",
    "No RDS event subscription for parameter group changes",
    "db-parameter-group",
    {"configuration change"},
    "DB parameter group",
    "InstancesInRegion",
)
_register_subscription_check(
    "rds-security-group-events-unwatched",
    "No RDS event subscription for DB security group events",
    "db-security-group",
    {"configuration change", "failure"},
    "DB security group",
    "InstancesInRegion",
)
