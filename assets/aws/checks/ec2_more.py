"""EC2 and EBS checks on the region's account settings and on what the region says about
each instance (issue 18): IMDSv2 required by default, block public access for AMIs and
snapshots, volumes never snapshotted, instances that Systems Manager does not manage or
that run a deprecated image, and Client VPN endpoints that keep no connection log."""

from __future__ import annotations

from assets.aws.checks.base import Severity, Threat, dig, failed, not_evaluated, passed
from assets.aws.checks.iam import _when
from assets.aws.checks.network import _running
from assets.aws.checks.registry import check

SETTINGS = (("ec2", "ec2-settings"),)
INSTANCE = (("ec2", "instance"),)


def _setting(resource, key: str, what: str):
    """The setting `key` of a region's record, or a "not evaluated" outcome."""
    value = resource.configuration.get(key)
    if value is None:
        return None, not_evaluated(f"The region's {what} was not read.")
    return value, None


@check(
    id="ec2-imdsv2-not-default",
    title="IMDSv2 not required by default for new instances in a region",
    service="ec2",
    resource_types=SETTINGS,
    severity=Severity.MEDIUM,
    threat=Threat.CREDENTIALS,
    rationale="Unless the account's default requires session tokens, every instance "
    "launched without explicit metadata options answers IMDSv1, whose role credentials a "
    "server-side request forgery can steal.",
    console="EC2 > Settings (Data protection and security) > IMDS defaults > Manage: set "
    "Metadata version to V2 only (token required).",
    cli="aws ec2 modify-instance-metadata-defaults --http-tokens required --region <region>",
    iso27001=("8.9", "8.5"),
    csf=("PR.PS-01", "PR.AA-05"),
    needs=("instanceMetadataDefaults",),
)
def imdsv2_not_default(resource, estate):
    defaults, outcome = _setting(resource, "InstanceMetadataDefaults", "metadata defaults")
    if outcome:
        return outcome
    if defaults.get("HttpTokens") == "required":
        return passed()
    return failed(
        f"New instances in {resource.region} get IMDSv1 unless their launch asks for tokens."
    )


@check(
    id="ec2-ami-block-public-access-off",
    title="Block public access for AMIs off in a region",
    service="ec2",
    resource_types=SETTINGS,
    severity=Severity.MEDIUM,
    threat=Threat.DISCLOSURE,
    rationale="With the block off, anyone who may modify an image can share it with every "
    "AWS account, and with it the software, keys and data baked into it.",
    console="EC2 > Settings (Data protection and security) > Block public access for AMIs "
    "> Manage: tick Block new public sharing.",
    cli="aws ec2 enable-image-block-public-access --image-block-public-access-state "
    "block-new-sharing --region <region>",
    iso27001=("8.9", "8.12"),
    csf=("PR.DS-01", "PR.PS-01"),
    needs=("imageBlockPublicAccess",),
)
def ami_block_public_access(resource, estate):
    state, outcome = _setting(resource, "ImageBlockPublicAccessState", "AMI sharing setting")
    if outcome:
        return outcome
    if state == "block-new-sharing":
        return passed()
    return failed(f"AMIs in {resource.region} may be made public ({state}).")


@check(
    id="ebs-snapshot-block-public-access-off",
    title="Block public access for EBS snapshots off in a region",
    service="ebs",
    resource_types=(("ebs", "snapshot-block-public-access"),),
    severity=Severity.MEDIUM,
    threat=Threat.DISCLOSURE,
    rationale="With the block off, one modify-snapshot-attribute call shares a disk's "
    "whole content with every AWS account.",
    console="EC2 > Settings (Data protection and security) > Block public access for EBS "
    "snapshots > Manage: choose Block all public sharing.",
    cli="aws ec2 enable-snapshot-block-public-access --state block-all-sharing --region <region>",
    iso27001=("8.9", "8.12"),
    csf=("PR.DS-01", "PR.PS-01"),
    needs=("state",),
)
def snapshot_block_public_access(resource, estate):
    state, outcome = _setting(resource, "State", "snapshot sharing setting")
    if outcome:
        return outcome
    if state in ("block-all-sharing", "block-new-sharing"):
        return passed()
    return failed(f"EBS snapshots in {resource.region} may be made public ({state}).")


def _snapshotted_volumes(estate) -> set[tuple[str, str]]:
    return {
        (snapshot.region, snapshot.configuration.get("VolumeId"))
        for snapshot in estate.by_type.get(("ebs", "snapshot"), [])
    }


@check(
    id="ebs-volume-no-snapshot",
    title="EBS volume without any snapshot",
    service="ebs",
    resource_types=(("ebs", "volume"),),
    severity=Severity.LOW,
    threat=Threat.AVAILABILITY,
    rationale="A volume that was never snapshotted (nor backed up by a plan, which also "
    "makes snapshots) cannot be restored after a deletion, corruption or ransomware.",
    console="EC2 > Elastic Block Store > Volumes > the volume > Actions > Create snapshot; "
    "better, select it in an AWS Backup plan or a Data Lifecycle Manager policy.",
    cli="aws ec2 create-snapshot --volume-id <vol-id> --description <why>",
    iso27001=("8.13",),
    csf=("PR.DS-11",),
    needs=(),
)
def volume_no_snapshot(resource, estate):
    volumes = estate.cached("snapshotted-volumes", lambda: _snapshotted_volumes(estate))
    if (resource.region, resource.configuration.get("VolumeId")) in volumes:
        return passed()
    return failed(f"Volume {resource.name} has no snapshot.")


@check(
    id="ec2-instance-not-ssm-managed",
    title="Running instance not managed by Systems Manager",
    service="ec2",
    resource_types=INSTANCE,
    severity=Severity.MEDIUM,
    threat=Threat.INTEGRITY,
    rationale="Without Systems Manager the instance gets no Patch Manager runs, no "
    "inventory and no Session Manager access, which leaves SSH keys and unpatched "
    "software as the way in.",
    console="Give the instance a role with AmazonSSMManagedInstanceCore (or turn on "
    "Default Host Management Configuration) and make sure the SSM agent runs and can "
    "reach Systems Manager (VPC endpoints or NAT).",
    cli="aws ec2 associate-iam-instance-profile --instance-id <id> "
    "--iam-instance-profile Name=<ssm-profile>",
    iso27001=("8.8", "8.9"),
    csf=("ID.AM-08", "PR.PS-02"),
    needs=("ssmInstanceInformation",),
)
def instance_not_ssm_managed(resource, estate):
    config = resource.configuration
    if dig(config, "State", "Name") != "running":
        return passed()  # only a running instance can report to Systems Manager
    managed = config.get("SsmManaged")
    if managed is None:
        return not_evaluated("Systems Manager's managed instances were not read.")
    return passed() if managed else failed(f"Instance {resource.name} is not managed by SSM.")


@check(
    id="ec2-instance-deprecated-ami",
    title="Instance running a deprecated image",
    service="ec2",
    resource_types=INSTANCE,
    severity=Severity.MEDIUM,
    threat=Threat.INTEGRITY,
    rationale="An image past its deprecation date is no longer maintained by its "
    "publisher: its operating system and packages miss the fixes published since.",
    console="Build or pick a current image (EC2 > AMIs, or the publisher's latest), then "
    "replace the instance or update its launch template and roll the group.",
    cli="aws ec2 describe-images --image-ids <ami-id> --query 'Images[].DeprecationTime'",
    iso27001=("8.8", "8.19"),
    csf=("ID.RA-01", "PR.PS-02"),
    needs=("images",),
)
def instance_deprecated_ami(resource, estate):
    config = resource.configuration
    if not _running(config):
        return passed()
    if "ImageFound" not in config:
        return not_evaluated("The instance's image was not looked up.")
    deprecated = _when(config.get("ImageDeprecationTime"))
    if deprecated is None or deprecated > estate.now:
        return passed()
    return failed(
        f"Instance {resource.name} runs {config.get('ImageId')}, deprecated since "
        f"{deprecated:%Y-%m-%d}."
    )


@check(
    id="ec2-client-vpn-no-connection-log",
    title="Client VPN endpoint without connection logging",
    service="vpc",
    resource_types=(("vpc", "client-vpn-endpoint"),),
    severity=Severity.MEDIUM,
    threat=Threat.INTEGRITY,
    rationale="Without its connection log nobody can tell who connected to the private "
    "network from where and when, which an investigation of a stolen VPN profile needs.",
    console="VPC > Client VPN endpoints > the endpoint > Actions > Modify: turn on "
    "Connection logging and choose a CloudWatch Logs group and stream.",
    cli="aws ec2 modify-client-vpn-endpoint --client-vpn-endpoint-id <id> "
    "--connection-log-options Enabled=true,CloudwatchLogGroup=<group>",
    iso27001=("8.15", "8.16"),
    csf=("DE.CM-01",),
    needs=(),
)
def client_vpn_no_log(resource, estate):
    if dig(resource.configuration, "ConnectionLogOptions", "Enabled"):
        return passed()
    return failed(f"Client VPN endpoint {resource.name} logs no connections.")
