"""More EC2, VPC and Auto Scaling checks (issue 18): legacy and risky ports open to the
internet, wide public sources, launch-wizard and oversized security groups, old,
long-stopped, paravirtual or multi-homed instances, public instances with a role,
network ACLs open on every port or attached to nothing, and Auto Scaling groups without
load-balancer health checks, Spot rebalancing, several instance types or a launch
template."""

from __future__ import annotations

import datetime
import ipaddress
import re

from assets.aws.checks.base import (
    Severity,
    Threat,
    as_list,
    dig,
    failed,
    not_evaluated,
    passed,
)
from assets.aws.checks.iam import _when
from assets.aws.checks.network import (
    SG,
    WORLD,
    _all_ports,
    _exposure_outcome,
    _open_ports,
    _rule_text,
    _running,
)
from assets.aws.checks.policies import foreign_accounts
from assets.aws.checks.registry import check

# Clear-text, legacy or commonly attacked services that have no business on the internet.
RISKY_PORTS = {
    20: "FTP data",
    21: "FTP",
    23: "Telnet",
    25: "SMTP",
    88: "Kerberos",
    110: "POP3",
    135: "Windows RPC",
    139: "NetBIOS",
    143: "IMAP",
    389: "LDAP",
    445: "SMB/CIFS",
    464: "Kerberos password",
    636: "LDAPS",
    749: "Kerberos admin",
    3000: "development web server",
    4333: "mSQL",
    5000: "development web server",
    5500: "VNC",
    8080: "HTTP proxy or admin",
    8088: "HTTP admin",
    9092: "Kafka",
}
INSTANCE = (("ec2", "instance"),)
ACL = (("vpc", "network-acl"),)
ASG = (("autoscaling", "auto-scaling-group"),)
MAX_RULES = 50
INSTANCE_MAX_AGE_DAYS = 180
STOPPED_MAX_DAYS = 30
WIDE_PREFIX = 24  # a public IPv4 source broader than a /24


@check(
    id="ec2-sg-open-risky-ports",
    title="Security group open to the internet on legacy or risky ports",
    service="ec2",
    resource_types=SG,
    severity=Severity.HIGH,
    threat=Threat.NETWORK,
    rationale="FTP, Telnet, SMB, LDAP, Kerberos, mail and Kafka ports carry credentials or "
    "data in clear text or have a long record of remote exploits; exposed to everyone they "
    "are found by scanners within hours.",
    console="EC2 > Security Groups > the group > Inbound rules > Edit: remove the rules "
    "opening these ports to 0.0.0.0/0 or ::/0, or limit them to the networks that need them.",
    cli="aws ec2 revoke-security-group-ingress --group-id <sg-id> --protocol tcp "
    "--port 23 --cidr 0.0.0.0/0",
    iso27001=("8.20", "8.22"),
    csf=("PR.IR-01", "PR.PS-01"),
    needs=(),
)
def sg_open_risky_ports(resource, estate):
    causes = _open_ports(resource.configuration, RISKY_PORTS)
    return failed("Open: " + "; ".join(causes) + ".") if causes else passed()


@check(
    id="ec2-instance-public-risky-ports",
    title="Instance with a public IP reachable on legacy or risky ports",
    service="ec2",
    resource_types=INSTANCE,
    severity=Severity.HIGH,
    threat=Threat.NETWORK,
    rationale="An instance with a public address whose group admits FTP, Telnet, SMB, LDAP, "
    "Kerberos or Kafka from anywhere exposes services that leak credentials or are "
    "routinely exploited.",
    console="EC2 > Instances > the instance > Security: replace the group that opens these "
    "ports to the internet, or move the instance to a private subnet.",
    cli="aws ec2 modify-instance-attribute --instance-id <id> --groups <private-sg-id>",
    iso27001=("8.20", "8.22"),
    csf=("PR.IR-01",),
    needs=(),
)
def instance_public_risky_ports(resource, estate):
    return _exposure_outcome(resource, estate, RISKY_PORTS)


def _public_network(text) -> ipaddress.IPv4Network | ipaddress.IPv6Network | None:
    try:
        network = ipaddress.ip_network(str(text), strict=False)
    except ValueError:
        return None
    return network if network.is_global else None


def _sources(rule: dict) -> list[str]:
    return [r.get("CidrIp") for r in as_list(rule.get("IpRanges"))] + [
        r.get("CidrIpv6") for r in as_list(rule.get("Ipv6Ranges"))
    ]


@check(
    id="ec2-sg-public-source-all-ports",
    title="Security group open on all ports to a public address range",
    service="ec2",
    resource_types=SG,
    severity=Severity.HIGH,
    threat=Threat.NETWORK,
    rationale="A rule admitting every port from a public address (a partner, a home "
    "connection, a cloud range) trusts whoever holds that address now or later with every "
    "service on the instances.",
    console="EC2 > Security Groups > the group > Inbound rules > Edit: limit the rule to the "
    "ports the source needs.",
    cli="aws ec2 revoke-security-group-ingress --group-id <sg-id> --ip-permissions "
    "IpProtocol=-1,IpRanges='[{CidrIp=<cidr>}]'",
    iso27001=("8.20", "8.22"),
    csf=("PR.IR-01", "PR.AA-05"),
    needs=(),
)
def sg_public_source_all_ports(resource, estate):
    causes = [
        f"{_rule_text(rule)} from {source}"
        for rule in as_list(resource.configuration.get("IpPermissions"))
        if _all_ports(rule)
        for source in _sources(rule)
        if source not in WORLD and _public_network(source) is not None
    ]
    return failed("Inbound " + "; ".join(causes) + ".") if causes else passed()


@check(
    id="ec2-sg-wide-public-ipv4",
    title="Security group rule with a public IPv4 range wider than /24",
    service="ec2",
    resource_types=SG,
    severity=Severity.MEDIUM,
    threat=Threat.NETWORK,
    rationale="A public range of more than 256 addresses (other than the whole internet, "
    "which other checks report) usually means a mistyped mask or a whole provider trusted "
    "instead of the one address that needed access.",
    console="EC2 > Security Groups > the group > Inbound and Outbound rules > Edit: narrow "
    "the source or destination to the addresses actually needed.",
    cli="aws ec2 revoke-security-group-ingress --group-id <sg-id> --ip-permissions "
    "IpProtocol=tcp,FromPort=<port>,ToPort=<port>,IpRanges='[{CidrIp=<cidr>}]'",
    iso27001=("8.20",),
    csf=("PR.IR-01",),
    needs=(),
)
def sg_wide_public_ipv4(resource, estate):
    causes = []
    config = resource.configuration
    for direction, key in (("inbound", "IpPermissions"), ("outbound", "IpPermissionsEgress")):
        for rule in as_list(config.get(key)):
            for entry in as_list(rule.get("IpRanges")):
                source = entry.get("CidrIp")
                network = _public_network(source)
                if source in WORLD or network is None:
                    continue
                if network.prefixlen < WIDE_PREFIX:
                    causes.append(f"{direction} {_rule_text(rule)} with {source}")
    return failed("Wide public range: " + "; ".join(causes) + ".") if causes else passed()


@check(
    id="ec2-sg-launch-wizard",
    title="Security group created by the launch wizard",
    service="ec2",
    resource_types=SG,
    severity=Severity.LOW,
    threat=Threat.NETWORK,
    rationale="The console's launch wizard creates a group per launch, usually with SSH or "
    "RDP open to the world; such groups are rarely reviewed and spread by copying.",
    console="Create a named group with only the rules the workload needs, attach it to the "
    "instances, then delete the launch-wizard group.",
    cli="aws ec2 create-security-group --group-name <name> --description <text> --vpc-id <vpc-id>",
    iso27001=("8.9", "8.20"),
    csf=("PR.PS-01",),
    needs=(),
)
def sg_launch_wizard(resource, estate):
    name = str(resource.configuration.get("GroupName") or "")
    if name.startswith("launch-wizard"):
        return failed(f"Group {name} was created by the EC2 launch wizard.")
    return passed()


@check(
    id="ec2-sg-many-rules",
    title="Security group with more than 50 inbound or outbound rules",
    service="ec2",
    resource_types=SG,
    severity=Severity.LOW,
    threat=Threat.NETWORK,
    rationale="A group with dozens of rules cannot be reviewed reliably; forgotten openings "
    "hide among them.",
    console="EC2 > Security Groups > the group: split it by role, or replace lists of "
    "addresses with managed prefix lists.",
    cli="aws ec2 create-managed-prefix-list --prefix-list-name <name> --address-family "
    "IPv4 --max-entries <n> --entries Cidr=<cidr>",
    iso27001=("8.20",),
    csf=("PR.PS-01",),
    needs=(),
)
def sg_many_rules(resource, estate):
    def count(key):
        return sum(
            max(
                1,
                len(as_list(rule.get("IpRanges")))
                + len(as_list(rule.get("Ipv6Ranges")))
                + len(as_list(rule.get("UserIdGroupPairs")))
                + len(as_list(rule.get("PrefixListIds"))),
            )
            for rule in as_list(resource.configuration.get(key))
        )

    inbound, outbound = count("IpPermissions"), count("IpPermissionsEgress")
    if inbound > MAX_RULES or outbound > MAX_RULES:
        return failed(f"{inbound} inbound and {outbound} outbound rules (limit {MAX_RULES}).")
    return passed()


@check(
    id="ec2-instance-old",
    title="Instance running for more than 180 days",
    service="ec2",
    resource_types=INSTANCE,
    severity=Severity.LOW,
    threat=Threat.INTEGRITY,
    rationale="An instance that has not been replaced for half a year is usually patched "
    "by hand, if at all, and drifts from its image; regular replacement keeps servers "
    "current and reproducible.",
    console="Build a fresh image (or use the latest one), launch a replacement and retire "
    "the old instance, or automate it with an Auto Scaling instance refresh.",
    cli="aws autoscaling start-instance-refresh --auto-scaling-group-name <group>",
    iso27001=("8.8", "8.9"),
    csf=("ID.RA-01", "PR.PS-02"),
    needs=(),
)
def instance_old(resource, estate):
    config = resource.configuration
    if dig(config, "State", "Name") != "running":
        return passed()
    launched = _when(config.get("LaunchTime"))
    if launched is None:
        return not_evaluated("Its launch time was not returned.")
    age = (estate.now - launched).days
    if age > INSTANCE_MAX_AGE_DAYS:
        return failed(f"Instance {resource.name} has been running for {age} days.")
    return passed()


# "User initiated (2024-01-31 10:00:00 GMT)"
STOPPED_AT = re.compile(r"\((\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}) GMT\)")


@check(
    id="ec2-instance-stopped-long",
    title="Instance stopped for more than 30 days",
    service="ec2",
    resource_types=INSTANCE,
    severity=Severity.LOW,
    threat=Threat.INTEGRITY,
    rationale="A long-stopped instance misses every patch, still holds its volumes, "
    "credentials and data, and comes back outdated when someone starts it again.",
    console="EC2 > Instances: snapshot what must be kept, then terminate the instance.",
    cli="aws ec2 terminate-instances --instance-ids <id>",
    iso27001=("8.8", "8.10"),
    csf=("PR.PS-03",),
    needs=(),
)
def instance_stopped_long(resource, estate):
    config = resource.configuration
    if dig(config, "State", "Name") != "stopped":
        return passed()
    match = STOPPED_AT.search(str(config.get("StateTransitionReason") or ""))
    if match is None:
        return not_evaluated("AWS did not say when it was stopped.")
    stopped = datetime.datetime.strptime(match.group(1), "%Y-%m-%d %H:%M:%S").replace(
        tzinfo=datetime.UTC
    )
    days = (estate.now - stopped).days
    if days > STOPPED_MAX_DAYS:
        return failed(f"Instance {resource.name} has been stopped for {days} days.")
    return passed()


@check(
    id="ec2-instance-paravirtual",
    title="Instance using paravirtual (PV) virtualisation",
    service="ec2",
    resource_types=INSTANCE,
    severity=Severity.MEDIUM,
    threat=Threat.INTEGRITY,
    rationale="Paravirtual instances run only on retired instance generations and old "
    "kernels that no longer get security fixes; HVM is the supported type.",
    console="Migrate the workload to an HVM image and a current instance type, then "
    "terminate the paravirtual instance.",
    cli="aws ec2 run-instances --image-id <hvm-ami-id> --instance-type <current-type>",
    iso27001=("8.8",),
    csf=("ID.RA-01",),
    needs=(),
)
def instance_paravirtual(resource, estate):
    config = resource.configuration
    if _running(config) and config.get("VirtualizationType") == "paravirtual":
        return failed(f"Instance {resource.name} uses paravirtual virtualisation.")
    return passed()


@check(
    id="ec2-instance-multiple-enis",
    title="Instance attached to more than one network interface",
    service="ec2",
    resource_types=INSTANCE,
    severity=Severity.LOW,
    threat=Threat.NETWORK,
    rationale="An instance with several interfaces can bridge subnets or security zones "
    "that were meant to stay apart; each extra interface needs a reason.",
    console="EC2 > Network Interfaces: detach the interfaces the instance does not need.",
    cli="aws ec2 detach-network-interface --attachment-id <eni-attach-id>",
    iso27001=("8.22",),
    csf=("PR.IR-01",),
    needs=(),
)
def instance_multiple_enis(resource, estate):
    config = resource.configuration
    interfaces = as_list(config.get("NetworkInterfaces"))
    if _running(config) and len(interfaces) > 1:
        ids = ", ".join(str(i.get("NetworkInterfaceId")) for i in interfaces)
        return failed(f"{len(interfaces)} network interfaces: {ids}.")
    return passed()


@check(
    id="ec2-instance-public-with-profile",
    title="Instance with a public IP and an IAM role",
    service="ec2",
    resource_types=INSTANCE,
    severity=Severity.MEDIUM,
    threat=Threat.CREDENTIALS,
    rationale="Whoever compromises an internet-facing instance also gets its role's "
    "credentials; such instances should sit behind a load balancer or have a role "
    "limited to what they strictly need.",
    console="Move the instance to a private subnet behind a load balancer, or narrow its "
    "role's permissions to the minimum.",
    cli="aws ec2 disassociate-iam-instance-profile --association-id <iip-assoc-id>",
    iso27001=("8.2", "8.20"),
    csf=("PR.AA-05", "PR.IR-01"),
    needs=(),
)
def instance_public_with_profile(resource, estate):
    config = resource.configuration
    public_ip = config.get("PublicIpAddress")
    profile = dig(config, "IamInstanceProfile", "Arn")
    if _running(config) and public_ip and profile:
        return failed(f"Public IP {public_ip} and instance profile {profile}.")
    return passed()


def _nacl_all_open(config: dict) -> list[str]:
    """The internet sources whose first matching inbound rule allows all traffic."""
    entries = sorted(
        (e for e in as_list(config.get("Entries")) if not e.get("Egress")),
        key=lambda e: e.get("RuleNumber") or 0,
    )
    causes = []
    for entry in entries:
        source = entry.get("CidrBlock") or entry.get("Ipv6CidrBlock")
        if source not in WORLD:
            continue
        if entry.get("RuleAction") == "allow" and str(entry.get("Protocol")) == "-1":
            causes.append(f"all traffic from {source} by rule {entry.get('RuleNumber')}")
        if entry.get("RuleAction") == "deny" and str(entry.get("Protocol")) == "-1":
            break  # everything from there is denied first
    return causes


@check(
    id="vpc-nacl-open-all-ports",
    title="Network ACL letting in all traffic from the internet",
    service="vpc",
    resource_types=ACL,
    severity=Severity.MEDIUM,
    threat=Threat.NETWORK,
    rationale="An ACL that allows everything from anywhere adds no protection: the "
    "subnet's only filter is then each instance's security group.",
    console="VPC > Network ACLs > the ACL > Inbound rules > Edit: replace the allow-all "
    "rule with rules for the ports the subnet serves (and ephemeral ports for replies).",
    cli="aws ec2 replace-network-acl-entry --network-acl-id <acl-id> --ingress "
    "--rule-number 100 --protocol tcp --port-range From=443,To=443 --cidr-block 0.0.0.0/0 "
    "--rule-action allow",
    iso27001=("8.20", "8.22"),
    csf=("PR.IR-01",),
    needs=(),
)
def nacl_open_all(resource, estate):
    if "Entries" not in resource.configuration:
        return not_evaluated("The ACL's rules were not returned.")
    causes = _nacl_all_open(resource.configuration)
    return failed("Lets in " + "; ".join(causes) + ".") if causes else passed()


@check(
    id="vpc-nacl-unused",
    title="Network ACL associated with no subnet",
    service="vpc",
    resource_types=ACL,
    severity=Severity.LOW,
    threat=Threat.NETWORK,
    rationale="An unused ACL is clutter whose rules nobody reviews; attached later to a "
    "subnet by mistake it can open or cut traffic unexpectedly.",
    console="VPC > Network ACLs: delete the ACLs with no subnet associations.",
    cli="aws ec2 delete-network-acl --network-acl-id <acl-id>",
    iso27001=("8.9",),
    csf=("PR.PS-01",),
    needs=(),
)
def nacl_unused(resource, estate):
    config = resource.configuration
    if config.get("IsDefault"):
        return passed()  # AWS creates it and it cannot be deleted
    if "Associations" not in config:
        return not_evaluated("The ACL's associations were not returned.")
    if as_list(config.get("Associations")):
        return passed()
    return failed(f"ACL {resource.name} is associated with no subnet.")


@check(
    id="autoscaling-elb-health-check-off",
    title="Auto Scaling group behind a load balancer without ELB health checks",
    service="autoscaling",
    resource_types=ASG,
    severity=Severity.MEDIUM,
    threat=Threat.AVAILABILITY,
    rationale="With only EC2 status checks, an instance whose application has stopped "
    "answering stays in service and keeps receiving a share of the traffic.",
    console="EC2 > Auto Scaling Groups > the group > Details > Health checks: turn on "
    "Elastic Load Balancing health checks.",
    cli="aws autoscaling update-auto-scaling-group --auto-scaling-group-name <group> "
    "--health-check-type ELB --health-check-grace-period 300",
    iso27001=("8.14", "8.16"),
    csf=("PR.IR-03", "DE.CM-01"),
    needs=(),
)
def autoscaling_elb_health(resource, estate):
    config = resource.configuration
    balanced = as_list(config.get("LoadBalancerNames")) + as_list(config.get("TargetGroupARNs"))
    if not balanced:
        return passed()
    kinds = str(config.get("HealthCheckType") or "EC2")
    if "ELB" in kinds.split(","):
        return passed()
    return failed(
        f"Behind {len(balanced)} load balancer(s) or target group(s); health checks {kinds} only."
    )


def _mixed_overrides(config: dict) -> list[dict]:
    return as_list(dig(config, "MixedInstancesPolicy", "LaunchTemplate", "Overrides"))


@check(
    id="autoscaling-capacity-rebalance-off",
    title="Auto Scaling group using Spot Instances without capacity rebalancing",
    service="autoscaling",
    resource_types=ASG,
    severity=Severity.LOW,
    threat=Threat.AVAILABILITY,
    rationale="Without capacity rebalancing the group waits for the two-minute interruption "
    "notice before replacing a Spot Instance, so capacity dips each time Spot is reclaimed.",
    console="EC2 > Auto Scaling Groups > the group > Details > Allocation strategies: turn "
    "on Capacity rebalancing.",
    cli="aws autoscaling update-auto-scaling-group --auto-scaling-group-name <group> "
    "--capacity-rebalance",
    iso27001=("8.14",),
    csf=("PR.IR-03",),
    needs=(),
)
def autoscaling_capacity_rebalance(resource, estate):
    config = resource.configuration
    distribution = dig(config, "MixedInstancesPolicy", "InstancesDistribution") or {}
    on_demand = distribution.get("OnDemandPercentageAboveBaseCapacity", 100)
    if "MixedInstancesPolicy" not in config or on_demand == 100:
        return passed()  # no Spot Instances: nothing to rebalance
    if config.get("CapacityRebalance"):
        return passed()
    return failed(f"{100 - on_demand}% Spot above the base capacity, capacity rebalancing off.")


@check(
    id="autoscaling-single-instance-type",
    title="Auto Scaling group limited to one instance type",
    service="autoscaling",
    resource_types=ASG,
    severity=Severity.LOW,
    threat=Threat.AVAILABILITY,
    rationale="A group that can launch only one instance type cannot scale out when that "
    "type runs short in a zone; several types keep capacity available.",
    console="EC2 > Auto Scaling Groups > the group > Edit > Instance type requirements: "
    "override the launch template with several instance types.",
    cli="aws autoscaling update-auto-scaling-group --auto-scaling-group-name <group> "
    "--mixed-instances-policy file://policy.json",
    iso27001=("8.14",),
    csf=("PR.IR-03",),
    needs=(),
)
def autoscaling_single_type(resource, estate):
    config = resource.configuration
    types = {o.get("InstanceType") for o in _mixed_overrides(config) if o.get("InstanceType")}
    requirements = any(o.get("InstanceRequirements") for o in _mixed_overrides(config))
    if len(types) > 1 or requirements:
        return passed()
    return failed(f"Group {resource.name} launches a single instance type.")


@check(
    id="autoscaling-launch-configuration",
    title="Auto Scaling group using a launch configuration instead of a launch template",
    service="autoscaling",
    resource_types=ASG,
    severity=Severity.LOW,
    threat=Threat.INTEGRITY,
    rationale="Launch configurations are deprecated: they cannot require IMDSv2 on every "
    "option, get no new instance types or features, and cannot be versioned.",
    console="EC2 > Auto Scaling Groups > the group: copy its launch configuration to a "
    "launch template (Launch configurations > Copy to launch template) and switch the "
    "group to it.",
    cli="aws autoscaling update-auto-scaling-group --auto-scaling-group-name <group> "
    "--launch-template LaunchTemplateName=<template>,Version='$Latest'",
    iso27001=("8.9",),
    csf=("PR.PS-01",),
    needs=(),
)
def autoscaling_launch_configuration(resource, estate):
    name = resource.configuration.get("LaunchConfigurationName")
    if name:
        return failed(f"Group {resource.name} uses the launch configuration {name}.")
    return passed()


def _launch_configuration(resource):
    """The group's launch configuration as collected, None when it uses none, or a
    not-evaluated outcome when it was not returned."""
    config = resource.configuration
    name = config.get("LaunchConfigurationName")
    if not name:
        return None
    launch = config.get("LaunchConfiguration")
    if not isinstance(launch, dict):
        return not_evaluated(f"Its launch configuration {name} was not returned.")
    return launch


@check(
    id="autoscaling-launch-configuration-public-ip",
    title="Auto Scaling launch configuration giving instances a public IP",
    service="autoscaling",
    resource_types=ASG,
    severity=Severity.MEDIUM,
    threat=Threat.NETWORK,
    rationale="Every instance the group launches gets a public address, one security-group "
    "mistake away from the internet; scaled servers belong behind a load balancer.",
    console="Create a launch template without a public address, switch the group to it and "
    "run an instance refresh.",
    cli="aws ec2 create-launch-template --launch-template-name <name> --launch-template-data "
    '\'{"NetworkInterfaces":[{"DeviceIndex":0,"AssociatePublicIpAddress":false}]}\'',
    iso27001=("8.20", "8.22"),
    csf=("PR.IR-01",),
    needs=("launchConfigurations",),
)
def autoscaling_lc_public_ip(resource, estate):
    launch = _launch_configuration(resource)
    if not isinstance(launch, dict):
        return launch or passed()
    if launch.get("AssociatePublicIpAddress"):
        return failed(
            f"Launch configuration {resource.configuration['LaunchConfigurationName']} "
            "gives every instance a public IP."
        )
    return passed()


@check(
    id="autoscaling-launch-configuration-imdsv1",
    title="Auto Scaling launch configuration without IMDSv2 required",
    service="autoscaling",
    resource_types=ASG,
    severity=Severity.HIGH,
    threat=Threat.CREDENTIALS,
    rationale="Every instance the group launches answers IMDSv1, so a request forgery in "
    "the application can read the role's credentials.",
    console="Create a launch template with metadata version V2 only, switch the group to "
    "it and run an instance refresh.",
    cli="aws ec2 create-launch-template --launch-template-name <name> --launch-template-data "
    '\'{"MetadataOptions":{"HttpTokens":"required"}}\'',
    iso27001=("8.9", "8.5"),
    csf=("PR.PS-01", "PR.AA-05"),
    needs=("launchConfigurations",),
)
def autoscaling_lc_imdsv1(resource, estate):
    launch = _launch_configuration(resource)
    if not isinstance(launch, dict):
        return launch or passed()
    options = launch.get("MetadataOptions") or {}
    if options.get("HttpEndpoint") == "disabled" or options.get("HttpTokens") == "required":
        return passed()
    return failed(
        f"Launch configuration {resource.configuration['LaunchConfigurationName']} accepts "
        f"IMDSv1 (HttpTokens {options.get('HttpTokens') or 'optional'})."
    )


@check(
    id="autoscaling-launch-configuration-secrets",
    title="Secrets in an Auto Scaling launch configuration's user data",
    service="autoscaling",
    resource_types=ASG,
    severity=Severity.HIGH,
    threat=Threat.CREDENTIALS,
    rationale="User data is readable by anyone allowed to describe launch configurations "
    "and by every process on the instances; keys and passwords in it leak.",
    console="Move the secret to Secrets Manager or Parameter Store, rotate it, and replace "
    "the launch configuration with a launch template whose boot script fetches it.",
    cli="aws secretsmanager create-secret --name <name> --secret-string <value>",
    iso27001=("5.17", "8.24"),
    csf=("PR.AA-01", "PR.DS-01"),
    needs=("launchConfigurations",),
)
def autoscaling_lc_secrets(resource, estate):
    launch = _launch_configuration(resource)
    if not isinstance(launch, dict):
        return launch or passed()
    found = as_list(launch.get("UserDataSecrets"))
    if found:
        where = ", ".join(f"{f.get('kind')} on line {f.get('line')}" for f in found)
        return failed(
            f"Launch configuration {resource.configuration['LaunchConfigurationName']}: {where}."
        )
    return passed()


@check(
    id="ec2-elastic-ip-unassigned",
    title="Elastic IP address attached to nothing",
    service="ec2",
    resource_types=(("ec2", "elastic-ip"),),
    severity=Severity.LOW,
    threat=Threat.NETWORK,
    rationale="An address kept but attached to nothing is usually a forgotten leftover: "
    "partners' allowlists and DNS records may still trust it, and whatever it is attached "
    "to next inherits that trust (it is also billed while idle).",
    console="EC2 > Elastic IPs > the address: associate it with what needs it, or Release "
    "Elastic IP address after removing the DNS records and allowlist entries naming it.",
    cli="aws ec2 release-address --allocation-id <allocation-id>",
    iso27001=("5.9", "8.20"),
    csf=("ID.AM-08",),
    needs=(),
)
def elastic_ip_unassigned(resource, estate):
    configuration = resource.configuration
    if configuration.get("AssociationId") or configuration.get("InstanceId"):
        return passed()
    if configuration.get("NetworkInterfaceId"):
        return passed()
    address = configuration.get("PublicIp") or resource.name
    return failed(f"Elastic IP {address} is attached to no instance or interface.")


LAUNCH_TEMPLATE = (("ec2", "launch-template"),)


def _template_data(resource):
    """The default version's launch data, or None when it was not read."""
    data = resource.configuration.get("DefaultVersion")
    return data if isinstance(data, dict) else None


@check(
    id="ec2-launch-template-imdsv2-optional",
    title="Launch template does not require IMDSv2",
    service="ec2",
    resource_types=LAUNCH_TEMPLATE,
    severity=Severity.HIGH,
    threat=Threat.CREDENTIALS,
    rationale="Every instance launched from the template (by hand, by Auto Scaling, by a "
    "pipeline) answers IMDSv1, whose role credentials a server-side request forgery in "
    "any application on it can read.",
    console="EC2 > Launch templates > the template > Actions > Modify template (Create new "
    "version) > Advanced details: Metadata version V2 only (token required); set the new "
    "version as default.",
    cli="aws ec2 create-launch-template-version --launch-template-id <id> --source-version "
    '\'$Default\' --launch-template-data \'{"MetadataOptions":{"HttpTokens":"required"}}\'',
    iso27001=("8.9", "8.5"),
    csf=("PR.PS-01",),
    needs=("defaultVersion",),
)
def launch_template_imdsv2(resource, estate):
    data = _template_data(resource)
    if data is None:
        return not_evaluated("The template's default version was not read.")
    options = data.get("MetadataOptions") or {}
    if options.get("HttpEndpoint") == "disabled" or options.get("HttpTokens") == "required":
        return passed()
    return failed(f"Instances launched from {resource.name} accept IMDSv1.")


@check(
    id="ec2-launch-template-public-ip",
    title="Launch template gives instances a public IP address",
    service="ec2",
    resource_types=LAUNCH_TEMPLATE,
    severity=Severity.MEDIUM,
    threat=Threat.NETWORK,
    rationale="Every instance launched from the template gets an address on the internet, "
    "one security group rule away from being reachable by anyone.",
    console="EC2 > Launch templates > the template > Modify template (Create new version) > "
    "Network settings > Advanced network configuration: Auto-assign public IP: Disable.",
    cli="aws ec2 create-launch-template-version --launch-template-id <id> --source-version "
    "'$Default' --launch-template-data "
    '\'{"NetworkInterfaces":[{"DeviceIndex":0,"AssociatePublicIpAddress":false}]}\'',
    iso27001=("8.20", "8.22"),
    csf=("PR.IR-01",),
    needs=("defaultVersion",),
)
def launch_template_public_ip(resource, estate):
    data = _template_data(resource)
    if data is None:
        return not_evaluated("The template's default version was not read.")
    interfaces = as_list(data.get("NetworkInterfaces"))
    if any(i.get("AssociatePublicIpAddress") is True for i in interfaces if isinstance(i, dict)):
        return failed(f"Instances launched from {resource.name} get a public IP address.")
    return passed()


@check(
    id="ec2-launch-template-secrets",
    title="Secrets in a launch template's user data",
    service="ec2",
    resource_types=LAUNCH_TEMPLATE,
    severity=Severity.CRITICAL,
    threat=Threat.CREDENTIALS,
    rationale="A launch template's user data is readable by whoever may describe templates "
    "and by every instance launched from it: a key or password written there is as good "
    "as published inside the account.",
    console="Move the secret to Secrets Manager or SSM Parameter Store, fetched at boot with "
    "the instance role; create a template version without it, make it the default, "
    "delete the old versions and rotate the exposed secret.",
    cli="aws ec2 delete-launch-template-versions --launch-template-id <id> --versions <n>",
    iso27001=("5.17", "8.5"),
    csf=("PR.AA-01",),
    needs=("defaultVersion",),
)
def launch_template_secrets(resource, estate):
    data = _template_data(resource)
    if data is None or "UserDataSecrets" not in data:
        return not_evaluated("The template's default version was not read.")
    found = as_list(data["UserDataSecrets"])
    if not found:
        return passed()
    where = ", ".join(f"{f.get('kind')} on line {f.get('line')}" for f in found)
    return failed(
        f"The user data of template {resource.name} holds what looks like a secret: {where}."
    )


@check(
    id="ec2-transit-gateway-auto-accept",
    title="Transit gateway accepts shared attachments automatically",
    service="vpc",
    resource_types=(("vpc", "transit-gateway"),),
    severity=Severity.HIGH,
    threat=Threat.NETWORK,
    rationale="With auto-accept on, any account the gateway is shared with can attach its "
    "own VPC and route into the organisation's networks without anyone approving it.",
    console="VPC > Transit gateways > the gateway > Actions > Modify: untick Auto accept "
    "shared attachments; accept each attachment by hand.",
    cli="aws ec2 modify-transit-gateway --transit-gateway-id <id> "
    "--options AutoAcceptSharedAttachments=disable",
    iso27001=("8.20", "8.22"),
    csf=("PR.IR-01", "PR.AA-05"),
    needs=(),
)
def transit_gateway_auto_accept(resource, estate):
    if dig(resource.configuration, "Options", "AutoAcceptSharedAttachments") == "enable":
        return failed(f"Transit gateway {resource.name} attaches any shared VPC unasked.")
    return passed()


ENDPOINT = (("vpc", "vpc-endpoint"),)


@check(
    id="vpc-endpoint-policy-open",
    title="VPC endpoint policy lets in principals outside the account",
    service="vpc",
    resource_types=ENDPOINT,
    severity=Severity.MEDIUM,
    threat=Threat.DISCLOSURE,
    rationale="An endpoint policy open to any principal (the default) or to other accounts "
    "lets the VPC's workloads reach any bucket or table of the service through it, "
    "including an outsider's: a path for data to leave without crossing the internet.",
    console="VPC > Endpoints > the endpoint > Policy > Edit policy: allow only this "
    "account's or organisation's principals (aws:PrincipalOrgID) and resources.",
    cli="aws ec2 modify-vpc-endpoint --vpc-endpoint-id <id> --policy-document "
    "file://own-organisation-only.json",
    iso27001=("8.20", "8.22"),
    csf=("PR.AA-05", "PR.IR-01"),
    needs=(),
)
def endpoint_policy_open(resource, estate):
    document = resource.configuration.get("PolicyDocument")
    if document is None:
        return passed()  # endpoint types without a policy
    others = foreign_accounts(document, resource.account_id)
    if others:
        return failed(f"Endpoint {resource.name}'s policy lets in: {', '.join(others)}.")
    return passed()


@check(
    id="vpc-endpoint-single-az",
    title="VPC interface endpoint in a single Availability Zone",
    service="vpc",
    resource_types=ENDPOINT,
    severity=Severity.MEDIUM,
    threat=Threat.AVAILABILITY,
    rationale="An interface endpoint with network interfaces in one zone stops answering "
    "when that zone fails, and the workloads in the other zones lose the service with it.",
    console="VPC > Endpoints > the endpoint > Actions > Manage subnets: add a subnet in a "
    "second Availability Zone.",
    cli="aws ec2 modify-vpc-endpoint --vpc-endpoint-id <id> --add-subnet-ids <subnet-in-zone-b>",
    iso27001=("8.14",),
    csf=("PR.IR-03",),
    needs=(),
)
def endpoint_single_az(resource, estate):
    configuration = resource.configuration
    if configuration.get("VpcEndpointType") != "Interface":
        return passed()  # gateway endpoints are regional
    zones = estate.cached(
        "subnet zones",
        lambda: {
            (s.region, s.configuration.get("SubnetId")): s.configuration.get("AvailabilityZone")
            for s in estate.by_type.get(("vpc", "subnet"), [])
        },
    )
    found = set()
    for subnet in as_list(configuration.get("SubnetIds")):
        zone = zones.get((resource.region, subnet))
        if zone is None:
            return not_evaluated(f"Subnet {subnet} of the endpoint was not collected.")
        found.add(zone)
    if len(found) > 1:
        return passed()
    return failed(f"Endpoint {resource.name} has interfaces in {len(found)} zone(s) only.")
