"""SQS, SES, Glacier and EMR checks: encryption and resource policies open to
everyone, and EMR's block public access."""

from __future__ import annotations

from assets.aws.checks.base import Severity, Threat, as_list, dig, failed, not_evaluated, passed
from assets.aws.checks.registry import check
from assets.aws.checks.s3 import _open_policy

SQS = (("sqs", "queue"),)


@check(
    id="sqs-not-encrypted",
    title="SQS queue without server-side encryption",
    service="sqs",
    resource_types=SQS,
    severity=Severity.MEDIUM,
    threat=Threat.DISCLOSURE,
    rationale="Messages often carry personal or business data; without SSE they are "
    "stored in clear on AWS's side.",
    console="SQS > Queues > the queue > Edit > Encryption: Enabled (SSE-SQS or SSE-KMS).",
    cli="aws sqs set-queue-attributes --queue-url <url> --attributes KmsMasterKeyId=alias/aws/sqs",
    iso27001=("8.24",),
    csf=("PR.DS-01",),
    needs=("attributes",),
)
def sqs_encryption(resource, estate):
    config = resource.configuration
    if config.get("KmsMasterKeyId") or str(config.get("SqsManagedSseEnabled")).lower() == "true":
        return passed()
    return failed(f"Queue {resource.name} stores messages unencrypted.")


@check(
    id="sqs-policy-public",
    title="SQS queue policy open to *",
    service="sqs",
    resource_types=SQS,
    severity=Severity.HIGH,
    threat=Threat.INTEGRITY,
    rationale="Anyone may send (forged) messages to, or read messages from, a queue whose "
    "policy allows Principal * without a condition.",
    console="SQS > Queues > the queue > Access policy > Edit: name the principals, or add "
    "an aws:SourceArn / aws:SourceAccount condition.",
    cli="aws sqs set-queue-attributes --queue-url <url> --attributes Policy=file://restricted.json",
    iso27001=("8.3", "5.15"),
    csf=("PR.AA-05", "PR.DS-01"),
    needs=("attributes",),
)
def sqs_policy(resource, estate):
    return _open_policy(resource, "Queue", resource.configuration.get("Policy"))


@check(
    id="ses-identity-policy-public",
    title="SES identity policy open to *",
    service="ses",
    resource_types=(("ses", "identity"),),
    severity=Severity.HIGH,
    threat=Threat.INTEGRITY,
    rationale="An identity policy allowing Principal * lets anyone send mail as your "
    "domain or address: phishing with your name on it.",
    console="Amazon SES > Identities > the identity > Authorization: edit or delete the "
    "policy that allows everyone; name the sending accounts instead.",
    cli="aws sesv2 delete-email-identity-policy --email-identity <identity> --policy-name <policy>",
    iso27001=("5.15", "8.3"),
    csf=("PR.AA-05",),
    needs=("identity",),
)
def ses_policy(resource, estate):
    causes = []
    for name, document in sorted((resource.configuration.get("Policies") or {}).items()):
        outcome = _open_policy(resource, f"Identity ({name})", document)
        if outcome.detail:
            causes.append(outcome.detail)
    return failed(" ".join(causes)) if causes else passed()


@check(
    id="glacier-vault-policy-public",
    title="Glacier vault policy open to *",
    service="glacier",
    resource_types=(("glacier", "vault"),),
    severity=Severity.HIGH,
    threat=Threat.DISCLOSURE,
    rationale="A vault access policy allowing Principal * exposes the archives (or their "
    "deletion) to anyone.",
    console="S3 Glacier > Vaults > the vault > Permissions > Edit policy: name the "
    "principals or delete the statement.",
    cli="aws glacier set-vault-access-policy --account-id - --vault-name <vault> "
    "--policy file://restricted.json",
    iso27001=("8.3", "8.13"),
    csf=("PR.AA-05", "PR.DS-11"),
    needs=("Policy",),
)
def glacier_policy(resource, estate):
    return _open_policy(resource, "Vault", resource.configuration.get("Policy"))


@check(
    id="emr-block-public-access-off",
    title="EMR block public access off",
    service="emr",
    resource_types=(("emr", "block-public-access"),),
    severity=Severity.HIGH,
    threat=Threat.NETWORK,
    rationale="With block public access off, a cluster can be launched with a security "
    "group that opens its ports (Hadoop, Spark UIs, SSH) to the internet.",
    console="Amazon EMR > Block public access > Edit: On (allow only port 22 if needed).",
    cli="aws emr put-block-public-access-configuration --block-public-access-configuration "
    "BlockPublicSecurityGroupRules=true",
    iso27001=("8.20",),
    csf=("PR.IR-01",),
    needs=("blockPublicAccess",),
)
def emr_block(resource, estate):
    block = resource.configuration.get("BlockPublicAccessConfiguration")
    if block is None:
        return not_evaluated("The region's EMR block public access setting was not read.")
    if block.get("BlockPublicSecurityGroupRules"):
        allowed = [
            f"{r.get('MinRange')}-{r.get('MaxRange')}"
            for r in as_list(block.get("PermittedPublicSecurityGroupRuleRanges"))
            if dig(r, "MinRange") not in (None, 22) or dig(r, "MaxRange") not in (None, 22)
        ]
        if allowed:
            return failed("Block public access is on but permits ports " + ", ".join(allowed) + ".")
        return passed()
    return failed(f"Block public access is off in {resource.region}.")


@check(
    id="emr-cluster-master-public",
    title="EMR cluster whose master node has a public address",
    service="emr",
    resource_types=(("emr", "cluster"),),
    severity=Severity.HIGH,
    threat=Threat.NETWORK,
    rationale="A master node with a public address is one security group rule away from "
    "exposing its web interfaces (YARN, Spark, Hue) and SSH, which attackers scan for "
    "to run their own jobs on the cluster.",
    console="Launch the cluster in a private subnet (no auto-assigned public IP) and reach "
    "it through Session Manager, a bastion or a VPN; a running cluster cannot be moved.",
    cli="aws emr create-cluster ... --ec2-attributes SubnetId=<private-subnet-id>",
    iso27001=("8.20", "8.22"),
    csf=("PR.IR-01",),
    needs=("describeCluster",),
)
def emr_master_public(resource, estate):
    config = resource.configuration
    if "MasterPublicDnsName" not in config and "Status" not in config:
        return not_evaluated("The cluster's description was not collected.")
    name = str(config.get("MasterPublicDnsName") or "")
    # AWS gives a public master an *.amazonaws.com name, a private one an ip-* name
    # (or the bare private address).
    if name.endswith(".amazonaws.com") and not name.startswith("ip-"):
        return failed(f"The master node of {resource.name} is reachable at {name}.")
    return passed()
