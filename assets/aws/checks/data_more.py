"""More checks of the data services (issue 18): KMS keys pending deletion or
multi-region, SES identities without DKIM, EMR clusters reachable from the internet,
DynamoDB tables shared with other accounts or without auto scaling, and DAX clusters."""

from __future__ import annotations

from assets.aws.checks.base import Severity, Threat, dig, failed, not_evaluated, passed
from assets.aws.checks.network import open_rules
from assets.aws.checks.policies import foreign_accounts
from assets.aws.checks.registry import check

KEY = (("kms", "key"),)
TABLE = (("dynamodb", "table"),)
DAX = (("dax", "dax-cluster"),)


@check(
    id="kms-key-pending-deletion",
    title="KMS key scheduled for deletion",
    service="kms",
    resource_types=KEY,
    severity=Severity.HIGH,
    threat=Threat.DELETION,
    rationale="When the waiting period ends the key is gone for good, and with it every "
    "piece of data, backup and snapshot encrypted under it: a mistaken or malicious "
    "deletion is only reversible until then.",
    console="KMS > Customer managed keys > the key > Key actions > Cancel key deletion, "
    "then re-enable it; delete keys only once nothing encrypted under them is needed.",
    cli="aws kms cancel-key-deletion --key-id <key-id> && aws kms enable-key --key-id <key-id>",
    iso27001=("8.24", "8.13"),
    csf=("PR.DS-01", "PR.DS-11"),
    needs=("describe",),
)
def key_pending_deletion(resource, estate):
    configuration = resource.configuration
    if configuration.get("KeyManager") != "CUSTOMER":
        return passed()
    if configuration.get("KeyState") == "PendingDeletion":
        when = str(configuration.get("DeletionDate") or "at the end of its waiting period")[:10]
        return failed(f"Key {resource.name} will be deleted ({when}).")
    return passed()


@check(
    id="kms-key-multi-region",
    title="KMS multi-Region key",
    service="kms",
    resource_types=KEY,
    severity=Severity.LOW,
    threat=Threat.DISCLOSURE,
    rationale="A multi-Region key's replicas decrypt in other regions what was encrypted "
    "in this one: data can leave its region (and its residency commitments) with no "
    "re-encryption, and the key's policy must be kept right in every replica.",
    console="Use single-Region keys unless a documented need (global tables, "
    "cross-region disaster recovery) requires a multi-Region key; record that need.",
    cli="aws kms create-key --no-multi-region  (then re-encrypt and retire the old key)",
    iso27001=("8.24", "5.34"),
    csf=("PR.DS-01",),
    needs=("describe",),
)
def key_multi_region(resource, estate):
    configuration = resource.configuration
    if configuration.get("KeyManager") == "CUSTOMER" and configuration.get("MultiRegion") is True:
        return failed(f"Key {resource.name} is a multi-Region key.")
    return passed()


@check(
    id="ses-identity-dkim-off",
    title="SES identity without DKIM signing",
    service="ses",
    resource_types=(("ses", "identity"),),
    severity=Severity.MEDIUM,
    threat=Threat.INTEGRITY,
    rationale="Without DKIM, receivers cannot tell the organisation's mail from a "
    "forgery: phishing in its name is easier and its own mail lands in spam.",
    console="SES > Identities > the identity > Authentication > DomainKeys Identified "
    "Mail (DKIM): Edit, enable Easy DKIM and publish its CNAME records.",
    cli="aws sesv2 put-email-identity-dkim-attributes --email-identity <identity> "
    "--signing-enabled",
    iso27001=("5.14", "8.21"),
    csf=("PR.DS-02",),
    needs=("identity",),
)
def ses_dkim(resource, estate):
    dkim = resource.configuration.get("DkimAttributes")
    if not isinstance(dkim, dict):
        return not_evaluated("The identity's DKIM settings were not read.")
    if dkim.get("SigningEnabled") is True and dkim.get("Status") == "SUCCESS":
        return passed()
    state = (
        "off" if dkim.get("SigningEnabled") is not True else f"not verified ({dkim.get('Status')})"
    )
    return failed(f"DKIM signing of {resource.name} is {state}.")


@check(
    id="emr-cluster-publicly-accessible",
    title="EMR cluster reachable from the internet",
    service="emr",
    resource_types=(("emr", "cluster"),),
    severity=Severity.CRITICAL,
    threat=Threat.NETWORK,
    rationale="A master node with a public address whose security group lets in the "
    "whole internet exposes SSH and the cluster's web interfaces, which attackers scan "
    "for to run their own jobs on it.",
    console="EC2 > Security groups > the cluster's master group(s): remove the rules "
    "open to 0.0.0.0/0 and ::/0, and turn on EMR block public access for the region.",
    cli="aws ec2 revoke-security-group-ingress --group-id <master-sg> --ip-permissions "
    "<the open rule>  &&  aws emr put-block-public-access-configuration ...",
    iso27001=("8.20", "8.22"),
    csf=("PR.IR-01", "PR.AA-05"),
    needs=("describeCluster",),
)
def emr_publicly_accessible(resource, estate):
    configuration = resource.configuration
    attributes = configuration.get("Ec2InstanceAttributes")
    if not isinstance(attributes, dict):
        return not_evaluated("The cluster's description was not collected.")
    name = str(configuration.get("MasterPublicDnsName") or "")
    if not (name.endswith(".amazonaws.com") and not name.startswith("ip-")):
        return passed()  # no public address: nothing to reach
    groups = [attributes.get("EmrManagedMasterSecurityGroup")]
    groups += attributes.get("AdditionalMasterSecurityGroups") or []
    open_groups = []
    for group_id in filter(None, groups):
        group = estate.security_groups.get((resource.region, group_id))
        if group is None:
            return not_evaluated(f"Security group {group_id} of the master was not collected.")
        if list(open_rules(group.configuration)):
            open_groups.append(group.name)
    if open_groups:
        return failed(
            f"The master of {resource.name} ({name}) is open to the internet through "
            + ", ".join(open_groups)
            + "."
        )
    return passed()


@check(
    id="dynamodb-table-cross-account",
    title="DynamoDB table shared with other accounts",
    service="dynamodb",
    resource_types=TABLE,
    severity=Severity.HIGH,
    threat=Threat.DISCLOSURE,
    rationale="A resource policy that lets other AWS accounts in gives their users access "
    "to the table's items, outside this account's IAM and its reviews.",
    console="DynamoDB > Tables > the table > Permissions: edit the resource-based policy "
    "to name only this account's principals (or remove it).",
    cli="aws dynamodb delete-resource-policy --resource-arn <table-arn>",
    iso27001=("5.15", "8.3"),
    csf=("PR.AA-05",),
    needs=("resourcePolicy",),
)
def dynamodb_cross_account(resource, estate):
    if "ResourcePolicy" not in resource.configuration:
        return not_evaluated("The table's resource policy was not read.")
    others = foreign_accounts(resource.configuration.get("ResourcePolicy"), resource.account_id)
    if others:
        return failed(f"Table {resource.name} lets in: {', '.join(others)}.")
    return passed()


@check(
    id="dynamodb-table-autoscaling-off",
    title="DynamoDB provisioned table without auto scaling",
    service="dynamodb",
    resource_types=TABLE,
    severity=Severity.MEDIUM,
    threat=Threat.AVAILABILITY,
    rationale="A table with fixed provisioned capacity throttles requests when the load "
    "rises past it: the application fails for its users until someone raises it.",
    console="DynamoDB > Tables > the table > Additional settings > Read/write capacity: "
    "turn on auto scaling for reads and writes (or switch to on-demand capacity).",
    cli="aws dynamodb update-table --table-name <table> --billing-mode PAY_PER_REQUEST",
    iso27001=("8.6", "8.14"),
    csf=("PR.IR-04",),
    needs=("autoScaling", "describeTable"),
)
def dynamodb_autoscaling(resource, estate):
    configuration = resource.configuration
    mode = dig(configuration, "BillingModeSummary", "BillingMode") or "PROVISIONED"
    if mode == "PAY_PER_REQUEST":
        return passed()
    scaled = set(configuration.get("AutoScaledDimensions") or [])
    missing = [
        kind for kind in ("Read", "Write") if f"dynamodb:table:{kind}CapacityUnits" not in scaled
    ]
    if missing:
        return failed(f"Table {resource.name}'s {' and '.join(missing).lower()} capacity is fixed.")
    return passed()


@check(
    id="dax-cluster-unencrypted",
    title="DAX cluster not encrypted at rest",
    service="dax",
    resource_types=DAX,
    severity=Severity.MEDIUM,
    threat=Threat.DISCLOSURE,
    rationale="The cache holds copies of the table's items; unencrypted, its disks and "
    "snapshots reveal them.",
    console="Encryption at rest is chosen at creation: create a new DAX cluster with "
    "encryption at rest on, point the application at it and delete the old one.",
    cli="aws dax create-cluster --cluster-name <name> --sse-specification Enabled=true ...",
    iso27001=("8.24",),
    csf=("PR.DS-01",),
    needs=(),
)
def dax_unencrypted(resource, estate):
    if dig(resource.configuration, "SSEDescription", "Status") in ("ENABLED", "ENABLING"):
        return passed()
    return failed(f"DAX cluster {resource.name} is not encrypted at rest.")


@check(
    id="dax-cluster-no-tls",
    title="DAX cluster without encryption in transit",
    service="dax",
    resource_types=DAX,
    severity=Severity.MEDIUM,
    threat=Threat.DISCLOSURE,
    rationale="Without TLS on its endpoint, items travel between the application and the "
    "cache in clear text on the network.",
    console="Encryption in transit is chosen at creation: create a new DAX cluster with "
    "TLS endpoint encryption and move the application to it.",
    cli="aws dax create-cluster --cluster-name <name> --cluster-endpoint-encryption-type TLS ...",
    iso27001=("8.24", "8.20"),
    csf=("PR.DS-02",),
    needs=(),
)
def dax_no_tls(resource, estate):
    if resource.configuration.get("ClusterEndpointEncryptionType") == "TLS":
        return passed()
    return failed(f"DAX cluster {resource.name} accepts unencrypted connections.")


@check(
    id="dax-cluster-single-az",
    title="DAX cluster in a single Availability Zone",
    service="dax",
    resource_types=DAX,
    severity=Severity.MEDIUM,
    threat=Threat.AVAILABILITY,
    rationale="With every node in one zone (or a single node), a zone outage takes the "
    "cache away and the whole load falls on the table at once.",
    console="DynamoDB > DAX > Clusters > the cluster: add nodes, in a subnet group "
    "spanning at least two Availability Zones.",
    cli="aws dax increase-replication-factor --cluster-name <name> --new-replication-factor 3 "
    "--availability-zones <zone-a> <zone-b> <zone-c>",
    iso27001=("8.14",),
    csf=("PR.IR-03",),
    needs=(),
)
def dax_single_az(resource, estate):
    configuration = resource.configuration
    zones = {n.get("AvailabilityZone") for n in configuration.get("Nodes") or []} - {None}
    # A cluster still being created lists no nodes yet: its node count tells.
    spread = len(zones) > 1 if zones else (configuration.get("TotalNodes") or 0) > 1
    if spread:
        return passed()
    return failed(f"DAX cluster {resource.name} has all its nodes in one zone.")
