"""Network checks: security groups open to the internet, instances reachable on admin
ports, and networks or groups confined to one Availability Zone."""

from __future__ import annotations

from assets.aws.checks.base import (
    Severity,
    Threat,
    as_list,
    dig,
    failed,
    not_evaluated,
    passed,
)
from assets.aws.checks.registry import check

WORLD = {"0.0.0.0/0", "::/0"}
ADMIN_PORTS = {22: "SSH", 3389: "RDP"}
DATABASE_PORTS = {
    1433: "SQL Server",
    1434: "SQL Server Browser",
    1521: "Oracle",
    2483: "Oracle (TCPS)",
    3306: "MySQL",
    5432: "PostgreSQL",
    5439: "Redshift",
    5601: "Kibana",
    6379: "Redis",
    7199: "Cassandra JMX",
    8888: "Cassandra OpsCenter",
    9042: "Cassandra",
    9160: "Cassandra Thrift",
    9200: "Elasticsearch",
    9300: "Elasticsearch transport",
    11211: "Memcached",
    27017: "MongoDB",
    27018: "MongoDB shard",
}
SG = (("ec2", "security-group"),)


def open_rules(config: dict):
    """(rule, port range text, source) for every ingress rule open to the internet."""
    for rule in as_list(config.get("IpPermissions")):
        sources = [r.get("CidrIp") for r in as_list(rule.get("IpRanges"))]
        sources += [r.get("CidrIpv6") for r in as_list(rule.get("Ipv6Ranges"))]
        for source in sources:
            if source in WORLD:
                yield rule, source


def _all_ports(rule: dict) -> bool:
    if str(rule.get("IpProtocol")) == "-1":
        return True
    return rule.get("FromPort") in (0, -1, None) and rule.get("ToPort") in (65535, -1, None)


def _covers(rule: dict, port: int) -> bool:
    if str(rule.get("IpProtocol")) == "-1":
        return True
    if str(rule.get("IpProtocol")) not in ("tcp", "6"):
        return False
    low, high = rule.get("FromPort"), rule.get("ToPort")
    if low is None or high is None:
        return True
    return low <= port <= high


def _rule_text(rule: dict) -> str:
    if str(rule.get("IpProtocol")) == "-1":
        return "all traffic"
    low, high = rule.get("FromPort"), rule.get("ToPort")
    ports = f"port {low}" if low == high else f"ports {low}-{high}"
    return f"{rule.get('IpProtocol')} {ports}"


def _open_ports(config: dict, ports: dict[int, str]) -> list[str]:
    causes = []
    for rule, source in open_rules(config):
        for port, label in sorted(ports.items()):
            if _covers(rule, port):
                causes.append(f"{label} ({port}) from {source} by the rule {_rule_text(rule)}")
    return causes


@check(
    id="ec2-sg-open-all-ports",
    title="Security group open to the internet on all ports",
    service="ec2",
    resource_types=SG,
    severity=Severity.CRITICAL,
    threat=Threat.NETWORK,
    rationale="Every service listening on the instances behind this group, including "
    "ones nobody meant to publish, can be reached and attacked from anywhere.",
    console="EC2 > Security Groups > the group > Inbound rules > Edit: delete the rule "
    "allowing all traffic from 0.0.0.0/0 or ::/0 and allow only the ports and sources "
    "the workload needs.",
    cli="aws ec2 revoke-security-group-ingress --group-id <sg-id> --ip-permissions "
    "IpProtocol=-1,IpRanges='[{CidrIp=0.0.0.0/0}]'",
    iso27001=("8.20", "8.22"),
    csf=("PR.IR-01", "PR.AA-05"),
    needs=(),
)
def sg_open_all_ports(resource, estate):
    causes = [
        f"{_rule_text(rule)} from {source}"
        for rule, source in open_rules(resource.configuration)
        if _all_ports(rule)
    ]
    return failed("Inbound " + "; ".join(causes) + ".") if causes else passed()


@check(
    id="ec2-sg-open-admin-ports",
    title="Security group open to the internet on SSH (22) or RDP (3389)",
    service="ec2",
    resource_types=SG,
    severity=Severity.HIGH,
    threat=Threat.NETWORK,
    rationale="Remote administration ports are scanned and brute-forced within minutes "
    "of being exposed; a leaked key or weak password then gives a shell.",
    console="EC2 > Security Groups > the group > Inbound rules > Edit: restrict the SSH/RDP "
    "rule to your administration network, or remove it and use Systems Manager Session "
    "Manager.",
    cli="aws ec2 revoke-security-group-ingress --group-id <sg-id> --protocol tcp "
    "--port 22 --cidr 0.0.0.0/0",
    iso27001=("8.20", "8.5"),
    csf=("PR.IR-01", "PR.AA-05"),
    needs=(),
)
def sg_open_admin_ports(resource, estate):
    causes = _open_ports(resource.configuration, ADMIN_PORTS)
    return failed("Open: " + "; ".join(causes) + ".") if causes else passed()


@check(
    id="ec2-sg-open-database-ports",
    title="Security group open to the internet on database or cache ports",
    service="ec2",
    resource_types=SG,
    severity=Severity.HIGH,
    threat=Threat.DISCLOSURE,
    rationale="Databases and caches (MySQL, PostgreSQL, SQL Server, Oracle, MongoDB, Redis, "
    "Memcached...) reachable from the internet are the most common source of mass data "
    "leaks; many answer without authentication.",
    console="EC2 > Security Groups > the group > Inbound rules > Edit: allow the database "
    "port only from the application tier's security group.",
    cli="aws ec2 revoke-security-group-ingress --group-id <sg-id> --protocol tcp "
    "--port 5432 --cidr 0.0.0.0/0",
    iso27001=("8.20", "8.22", "8.3"),
    csf=("PR.IR-01", "PR.DS-01"),
    needs=(),
)
def sg_open_database_ports(resource, estate):
    causes = _open_ports(resource.configuration, DATABASE_PORTS)
    return failed("Open: " + "; ".join(causes) + ".") if causes else passed()


def _instance_exposure(resource, estate, ports: dict[int, str]):
    """None when the instance has no public address (or is going away); else the
    causes (group: port from source) or a not-evaluated outcome."""
    config = resource.configuration
    public_ip = config.get("PublicIpAddress")
    if dig(config, "State", "Name") in ("terminated", "shutting-down") or not public_ip:
        return public_ip, []
    causes = []
    # The instance's groups and those of each of its network interfaces (an instance
    # launched with explicit interfaces may list its groups only there).
    groups = as_list(config.get("SecurityGroups")) + [
        group
        for interface in as_list(config.get("NetworkInterfaces"))
        for group in as_list(dig(interface, "Groups"))
    ]
    for group_id in dict.fromkeys(g.get("GroupId") for g in groups if isinstance(g, dict)):
        sg = estate.security_groups.get((resource.region, group_id))
        if sg is None:
            return public_ip, not_evaluated(f"Its security group {group_id} was not collected.")
        causes += [f"{group_id}: {c}" for c in _open_ports(sg.configuration, ports)]
    return public_ip, causes


def _exposure_outcome(resource, estate, ports):
    public_ip, causes = _instance_exposure(resource, estate, ports)
    if not isinstance(causes, list):
        return causes
    if causes:
        return failed(f"Public IP {public_ip}; " + "; ".join(causes) + ".")
    return passed()


@check(
    id="ec2-instance-public-admin",
    title="Instance with a public IP reachable on SSH or RDP",
    service="ec2",
    resource_types=(("ec2", "instance"),),
    severity=Severity.HIGH,
    threat=Threat.NETWORK,
    rationale="An instance with a public address whose security group admits SSH or RDP "
    "from anywhere is directly exposed to password and key attacks.",
    console="EC2 > Instances > the instance > Security: remove the group that opens "
    "SSH/RDP to the internet, or move the instance to a private subnet behind a bastion "
    "or Session Manager.",
    cli="aws ec2 modify-instance-attribute --instance-id <id> --groups <private-sg-id>",
    iso27001=("8.20", "8.5"),
    csf=("PR.IR-01", "PR.AA-05"),
    needs=(),
)
def instance_public_admin(resource, estate):
    return _exposure_outcome(resource, estate, ADMIN_PORTS)


@check(
    id="ec2-instance-public-database",
    title="Instance with a public IP reachable on database or cache ports",
    service="ec2",
    resource_types=(("ec2", "instance"),),
    severity=Severity.HIGH,
    threat=Threat.DISCLOSURE,
    rationale="A database or cache running on an instance with a public address, behind a "
    "group that admits its port from anywhere, can be scanned, brute-forced and dumped "
    "from the internet.",
    console="EC2 > Instances > the instance > Security: replace the group that opens the "
    "database port to the internet with one that admits only the application tier, or "
    "move the instance to a private subnet.",
    cli="aws ec2 modify-instance-attribute --instance-id <id> --groups <private-sg-id>",
    iso27001=("8.20", "8.22", "8.3"),
    csf=("PR.IR-01", "PR.DS-01"),
    needs=(),
)
def instance_public_database(resource, estate):
    return _exposure_outcome(resource, estate, DATABASE_PORTS)


def _running(config: dict) -> bool:
    return dig(config, "State", "Name") not in ("terminated", "shutting-down")


@check(
    id="ec2-instance-public-ip",
    title="Instance with a public IPv4 address",
    service="ec2",
    resource_types=(("ec2", "instance"),),
    severity=Severity.MEDIUM,
    threat=Threat.NETWORK,
    rationale="An instance with a public address is one security-group mistake away from "
    "the internet; servers belong in private subnets behind a load balancer, NAT gateway "
    "or Session Manager.",
    console="Launch a replacement in a private subnet (or disassociate its Elastic IP) and "
    "reach it through a load balancer or Systems Manager Session Manager.",
    cli="aws ec2 disassociate-address --association-id <eipassoc-id>",
    iso27001=("8.20", "8.22"),
    csf=("PR.IR-01",),
    needs=(),
)
def instance_public_ip(resource, estate):
    config = resource.configuration
    public_ip = config.get("PublicIpAddress")
    if public_ip and _running(config):
        return failed(f"Instance {resource.name} has the public address {public_ip}.")
    return passed()


@check(
    id="ec2-instance-imdsv2-not-required",
    title="Instance metadata service without IMDSv2 required",
    service="ec2",
    resource_types=(("ec2", "instance"),),
    severity=Severity.HIGH,
    threat=Threat.CREDENTIALS,
    rationale="IMDSv1 answers any request from the instance, so a server-side request "
    "forgery in an application can read the instance role's temporary credentials; "
    "IMDSv2's session token blocks that.",
    console="EC2 > Instances > the instance > Actions > Instance settings > Modify "
    "instance metadata options: IMDSv2 Required.",
    cli="aws ec2 modify-instance-metadata-options --instance-id <id> --http-tokens required "
    "--http-endpoint enabled",
    iso27001=("8.9", "8.5"),
    csf=("PR.PS-01", "PR.AA-05"),
    needs=(),
)
def instance_imdsv2(resource, estate):
    config = resource.configuration
    if not _running(config):
        return passed()
    options = config.get("MetadataOptions")
    if not isinstance(options, dict):
        return not_evaluated("Its metadata options were not returned by AWS.")
    if options.get("HttpEndpoint") == "disabled" or options.get("HttpTokens") == "required":
        return passed()
    return failed(
        f"Instance {resource.name} accepts IMDSv1 (HttpTokens {options.get('HttpTokens')})."
    )


@check(
    id="ec2-key-pair-unused",
    title="EC2 key pair used by no instance",
    service="ec2",
    resource_types=(("ec2", "key-pair"),),
    severity=Severity.LOW,
    threat=Threat.CREDENTIALS,
    rationale="A key pair nobody uses is a credential whose private key may still sit on a "
    "laptop or in a repository; anyone holding it can start instances that trust it.",
    console="EC2 > Key Pairs: delete the key pairs that no running instance uses, after "
    "checking no launch template refers to them.",
    cli="aws ec2 delete-key-pair --key-name <name>",
    iso27001=("5.18", "8.5"),
    csf=("PR.AA-01",),
    needs=(),
)
def key_pair_unused(resource, estate):
    name = resource.configuration.get("KeyName") or resource.name
    for instance in estate.by_type.get(("ec2", "instance"), []):
        config = instance.configuration
        if (
            instance.region == resource.region
            and _running(config)
            and config.get("KeyName") == name
        ):
            return passed()
    return failed(f"No instance in {resource.region} uses the key pair {name}.")


@check(
    id="ec2-sg-default-allows-traffic",
    title="Default security group of a VPC with rules",
    service="ec2",
    resource_types=SG,
    severity=Severity.MEDIUM,
    threat=Threat.NETWORK,
    rationale="Every resource launched without a group lands in the VPC's default group; "
    "when it allows traffic, forgotten resources talk to each other and out freely.",
    console="VPC > Security groups > the group named default > remove every inbound and "
    "outbound rule, and give resources groups of their own.",
    cli="aws ec2 revoke-security-group-ingress --group-id <sg-id> --ip-permissions "
    "'<rules>' && aws ec2 revoke-security-group-egress --group-id <sg-id> "
    "--ip-permissions '<rules>'",
    iso27001=("8.20", "8.22"),
    csf=("PR.IR-01",),
    needs=(),
)
def sg_default_rules(resource, estate):
    config = resource.configuration
    if config.get("GroupName") != "default":
        return passed()
    inbound = len(as_list(config.get("IpPermissions")))
    outbound = len(as_list(config.get("IpPermissionsEgress")))
    if inbound or outbound:
        return failed(
            f"The default group of {config.get('VpcId')} has {inbound} inbound and "
            f"{outbound} outbound rule(s)."
        )
    return passed()


@check(
    id="vpc-single-az",
    title="Subnets of a VPC in a single Availability Zone",
    service="vpc",
    resource_types=(("vpc", "vpc"),),
    severity=Severity.MEDIUM,
    threat=Threat.AVAILABILITY,
    rationale="When every subnet sits in one Availability Zone, the loss of that zone "
    "takes down everything deployed in the VPC.",
    console="VPC > Subnets > Create subnet: add a subnet in a second Availability Zone and "
    "spread the workload (Auto Scaling group, RDS subnet group) over both.",
    cli="aws ec2 create-subnet --vpc-id <vpc-id> --cidr-block <cidr> "
    "--availability-zone <second-az>",
    iso27001=("8.14",),
    csf=("PR.IR-03",),
    needs=(),
)
def vpc_single_az(resource, estate):
    vpc_id = resource.configuration.get("VpcId")
    subnets = estate.subnets_of_vpc.get((resource.region, vpc_id), [])
    zones = sorted({s.configuration.get("AvailabilityZone") for s in subnets} - {None})
    if len(zones) == 1:
        return failed(f"All {len(subnets)} subnet(s) of {vpc_id} are in {zones[0]}.")
    return passed()


@check(
    id="autoscaling-single-az",
    title="Auto Scaling group in a single Availability Zone",
    service="autoscaling",
    resource_types=(("autoscaling", "auto-scaling-group"),),
    severity=Severity.MEDIUM,
    threat=Threat.AVAILABILITY,
    rationale="An Auto Scaling group confined to one zone cannot replace its instances "
    "elsewhere when that zone fails.",
    console="EC2 > Auto Scaling Groups > the group > Details > Network > Edit: add subnets "
    "in at least two Availability Zones.",
    cli="aws autoscaling update-auto-scaling-group --auto-scaling-group-name <name> "
    "--vpc-zone-identifier <subnet-a>,<subnet-b>",
    iso27001=("8.14",),
    csf=("PR.IR-03",),
    needs=(),
)
def autoscaling_single_az(resource, estate):
    zones = sorted(set(as_list(resource.configuration.get("AvailabilityZones"))))
    if len(zones) < 2:
        where = zones[0] if zones else "no zone"
        return failed(f"Its instances can only run in {where}.")
    return passed()


@check(
    id="vpc-flow-logs-off",
    title="VPC without flow logs",
    service="vpc",
    resource_types=(("vpc", "vpc"),),
    severity=Severity.MEDIUM,
    threat=Threat.NETWORK,
    rationale="Without flow logs there is no record of which addresses talked to the "
    "network's resources: an intrusion or a data exfiltration cannot be investigated.",
    console="VPC > Your VPCs > the VPC > Flow logs > Create flow log: all traffic, to "
    "CloudWatch Logs or S3.",
    cli="aws ec2 create-flow-logs --resource-type VPC --resource-ids <vpc-id> "
    "--traffic-type ALL --log-destination-type s3 --log-destination <bucket-arn>",
    iso27001=("8.15", "8.16"),
    csf=("DE.CM-01", "PR.PS-04"),
    needs=("flowLogs",),
)
def vpc_flow_logs(resource, estate):
    logs = resource.configuration.get("FlowLogs")
    if logs is None:
        return not_evaluated("Its flow logs were not collected.")
    if logs:
        return passed()
    return failed(
        f"No active flow log records the traffic of {resource.configuration.get('VpcId')}."
    )


@check(
    id="vpc-subnet-public-ip-on-launch",
    title="Subnet that gives instances a public IP automatically",
    service="vpc",
    resource_types=(("vpc", "subnet"),),
    severity=Severity.LOW,
    threat=Threat.NETWORK,
    rationale="Every instance launched into the subnet gets a public address whether or "
    "not its owner meant to publish it.",
    console="VPC > Subnets > the subnet > Actions > Edit subnet settings: clear "
    "Enable auto-assign public IPv4 address.",
    cli="aws ec2 modify-subnet-attribute --subnet-id <subnet-id> --no-map-public-ip-on-launch",
    iso27001=("8.20", "8.22"),
    csf=("PR.IR-01",),
    needs=(),
)
def subnet_public_ip(resource, estate):
    if resource.configuration.get("MapPublicIpOnLaunch") is True:
        return failed(
            f"Subnet {resource.configuration.get('SubnetId')} assigns a public IPv4 address "
            "to every instance launched in it."
        )
    return passed()


@check(
    id="ec2-instance-no-iam-profile",
    title="Instance without an IAM instance profile",
    service="ec2",
    resource_types=(("ec2", "instance"),),
    severity=Severity.LOW,
    threat=Threat.CREDENTIALS,
    rationale="An instance without a role gets its AWS access from long-lived access keys "
    "stored on its disk, or is managed without Systems Manager; a role gives it "
    "short-lived credentials scoped to its job.",
    console="EC2 > Instances > the instance > Actions > Security > Modify IAM role: "
    "choose a least-privilege role.",
    cli="aws ec2 associate-iam-instance-profile --instance-id <id> "
    "--iam-instance-profile Name=<profile>",
    iso27001=("5.17", "8.2"),
    csf=("PR.AA-05",),
    needs=(),
)
def instance_profile(resource, estate):
    config = resource.configuration
    if not _running(config) or config.get("IamInstanceProfile"):
        return passed()
    return failed(f"Instance {resource.name} has no IAM role.")


@check(
    id="ec2-instance-detailed-monitoring-off",
    title="Instance without detailed monitoring",
    service="ec2",
    resource_types=(("ec2", "instance"),),
    severity=Severity.LOW,
    threat=Threat.AVAILABILITY,
    rationale="Basic monitoring samples every five minutes: a saturated or failing "
    "instance is noticed late; detailed monitoring samples every minute.",
    console="EC2 > Instances > the instance > Actions > Monitor and troubleshoot > "
    "Manage detailed monitoring: Enable.",
    cli="aws ec2 monitor-instances --instance-ids <id>",
    iso27001=("8.16",),
    csf=("DE.CM-01",),
    needs=(),
)
def instance_monitoring(resource, estate):
    config = resource.configuration
    if not _running(config):
        return passed()
    state = dig(config, "Monitoring", "State")
    if state in ("enabled", "pending"):
        return passed()
    return failed(f"Instance {resource.name} has only basic (5-minute) monitoring.")


@check(
    id="ec2-ami-public",
    title="AMI shared publicly",
    service="ec2",
    resource_types=(("ec2", "image"),),
    severity=Severity.CRITICAL,
    threat=Threat.DISCLOSURE,
    rationale="Anyone with an AWS account can launch a public image and read its disks: "
    "the application, its configuration and any key or password baked into it.",
    console="EC2 > AMIs > the image > Actions > Edit AMI permissions: Private (share with "
    "named accounts or the organisation only).",
    cli="aws ec2 modify-image-attribute --image-id <ami-id> --launch-permission "
    '"Remove=[{Group=all}]"',
    iso27001=("8.3", "8.12"),
    csf=("PR.DS-01", "PR.AA-05"),
    needs=(),
)
def ami_public(resource, estate):
    public = resource.configuration.get("Public")
    if public is None:
        return not_evaluated("Whether the image is public was not returned.")
    if public:
        return failed(f"Image {resource.name} can be launched by every AWS account.")
    return passed()


@check(
    id="ec2-instance-user-data-secrets",
    title="EC2 instance with secrets in its user data",
    service="ec2",
    resource_types=(("ec2", "instance"),),
    severity=Severity.CRITICAL,
    threat=Threat.CREDENTIALS,
    rationale="User data is readable by anyone who may describe the instance and by every "
    "process on it through the metadata service; a key or password written there is "
    "as good as published inside the account.",
    console="Move the secret to Secrets Manager or SSM Parameter Store and have the boot "
    "script fetch it with the instance role; then rotate the exposed secret and replace "
    "the user data (stop the instance, Actions > Instance settings > Edit user data).",
    cli="aws ec2 modify-instance-attribute --instance-id <id> --attribute userData "
    "--value file://clean-user-data.b64",
    iso27001=("5.17", "8.5"),
    csf=("PR.AA-01",),
    needs=("userData",),
)
def instance_user_data_secrets(resource, estate):
    config = resource.configuration
    if "UserDataSecrets" not in config:
        return not_evaluated("The instance's user data was not read.")
    found = as_list(config["UserDataSecrets"])
    if not found:
        return passed()
    where = ", ".join(f"{f.get('kind')} on line {f.get('line')}" for f in found)
    return failed(f"The user data of {resource.name} holds what looks like a secret: {where}.")


NACL_PORTS = {**ADMIN_PORTS}


def _nacl_open(config: dict) -> list[str]:
    """The admin ports (and "all ports") that the ACL's inbound rules let in from the
    internet, honouring the rule order: a lower-numbered deny wins."""
    entries = sorted(
        (e for e in as_list(config.get("Entries")) if not e.get("Egress")),
        key=lambda e: e.get("RuleNumber") or 0,
    )
    causes = []
    for port, label in sorted(NACL_PORTS.items()):
        for entry in entries:
            source = entry.get("CidrBlock") or entry.get("Ipv6CidrBlock")
            protocol = str(entry.get("Protocol"))
            ports = entry.get("PortRange") or {}
            if protocol not in ("-1", "6"):
                continue
            if protocol == "6" and not (
                (ports.get("From") or 0) <= port <= (ports.get("To") or 65535)
            ):
                continue
            if source not in WORLD:
                # A narrower source matches only part of the internet: the next rules
                # still decide for the rest.
                continue
            if entry.get("RuleAction") == "allow":
                how = (
                    "all traffic"
                    if protocol == "-1"
                    else f"tcp {ports.get('From')}-{ports.get('To')}"
                )
                causes.append(
                    f"{label} ({port}) from {source} by rule {entry.get('RuleNumber')} ({how})"
                )
            break
    return causes


@check(
    id="vpc-nacl-open-admin-ports",
    title="Network ACL open to the internet on SSH or RDP",
    service="vpc",
    resource_types=(("vpc", "network-acl"),),
    severity=Severity.MEDIUM,
    threat=Threat.NETWORK,
    rationale="The network ACL is the subnet's second line of defence: when it lets SSH "
    "or RDP in from anywhere, one permissive security group rule is all that stands "
    "between the servers and the internet's password guessers.",
    console="VPC > Network ACLs > the ACL > Inbound rules > Edit: deny TCP 22 and 3389 from "
    "0.0.0.0/0 and ::/0 in a rule numbered below the allow rules, or allow them only from "
    "your administration network.",
    cli="aws ec2 create-network-acl-entry --network-acl-id <acl-id> --ingress "
    "--rule-number 50 --protocol tcp --port-range From=22,To=22 --cidr-block 0.0.0.0/0 "
    "--rule-action deny",
    iso27001=("8.20", "8.22"),
    csf=("PR.IR-01",),
    needs=(),
)
def nacl_open_admin(resource, estate):
    if "Entries" not in resource.configuration:
        return not_evaluated("The ACL's rules were not returned.")
    causes = _nacl_open(resource.configuration)
    if causes:
        return failed("Lets in " + "; ".join(causes) + ".")
    return passed()


def _referenced_groups(estate, region: str) -> set[str]:
    """Ids of the groups that another group's rule, or a database, refers to."""
    found = set()
    for group in estate.by_type.get(("ec2", "security-group"), []):
        if group.region != region:
            continue
        for rule in as_list(group.configuration.get("IpPermissions")) + as_list(
            group.configuration.get("IpPermissionsEgress")
        ):
            found.update(p.get("GroupId") for p in as_list(rule.get("UserIdGroupPairs")))
    for database in estate.by_type.get(("rds", "db-instance"), []):
        if database.region == region:
            found.update(
                g.get("VpcSecurityGroupId")
                for g in as_list(database.configuration.get("VpcSecurityGroups"))
            )
    return found


@check(
    id="ec2-sg-unused",
    title="Security group used by nothing",
    service="ec2",
    resource_types=SG,
    severity=Severity.LOW,
    threat=Threat.NETWORK,
    rationale="Groups nobody uses pile up with rules nobody reviews; the next instance "
    "launched with one inherits whatever it allows.",
    console="VPC > Security groups: check the group's Network interfaces (none) and that no "
    "other group or launch template refers to it, then delete it.",
    cli="aws ec2 delete-security-group --group-id <sg-id>",
    iso27001=("8.9", "8.20"),
    csf=("PR.PS-01",),
    needs=("networkInterfaces",),
)
def sg_unused(resource, estate):
    config = resource.configuration
    if config.get("GroupName") == "default":
        return passed()  # AWS creates it and it cannot be deleted
    count = config.get("NetworkInterfaceCount")
    if count is None:
        return not_evaluated("The region's network interfaces were not read.")
    referenced = estate.cached(
        ("referenced-groups", resource.region),
        lambda: _referenced_groups(estate, resource.region),
    )
    if count or config.get("GroupId") in referenced:
        return passed()
    return failed(
        f"No network interface, other group or database uses {resource.name} "
        f"({config.get('GroupId')})."
    )
