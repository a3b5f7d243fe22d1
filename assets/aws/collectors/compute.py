"""Infrastructure services: EC2 (instances, key pairs, security groups, the account's own
AMIs, launch templates, the region's account settings), VPC (VPCs, subnets, route tables,
network ACLs, endpoints and endpoint services, peering and VPN connections, transit
gateways, Client VPN endpoints), EBS (volumes, self-owned snapshots, default encryption,
snapshot block public access) and Auto Scaling."""

import base64
import binascii
import gzip
import re

from assets.aws.collectors.base import Collected, PartitionContext, guarded, plain, tag_dict
from assets.aws.collectors.data import parse_policy

# What a secret looks like in an instance's user data (the boot script). The collector
# scans the script in memory and stores only what was found where (kind and line),
# never the script nor the secret.
SECRET_PATTERNS = (
    ("AWS access key id", re.compile(r"\b(?:AKIA|ASIA|ABIA|ACCA|A3T[A-Z0-9])[A-Z0-9]{16}\b")),
    (
        "AWS secret access key",
        re.compile(r"aws_secret_access_key\s*[=:]\s*[\"']?[A-Za-z0-9/+]{40}", re.IGNORECASE),
    ),
    (
        "private key",
        re.compile(r"-----BEGIN (?:RSA |EC |DSA |OPENSSH |ENCRYPTED )?PRIVATE KEY-----"),
    ),
    (
        "password or token",
        re.compile(
            r"(?:password|passwd|pwd|secret|token|api[_-]?key)[\"']?\s*[=:]\s*[\"']?[^\s\"'$]{8,}",
            re.IGNORECASE,
        ),
    ),
)


def user_data_text(encoded: str | None) -> str:
    """The boot script from DescribeInstanceAttribute's base64 value (gunzipped when
    cloud-init's compressed form was used); empty when there is none."""
    if not encoded:
        return ""
    try:
        raw = base64.b64decode(encoded)
    except (binascii.Error, ValueError):
        return ""
    if raw[:2] == b"\x1f\x8b":
        try:
            raw = gzip.decompress(raw)
        except (OSError, EOFError):
            return ""
    return raw.decode("utf-8", "replace")


def find_secrets(text: str) -> list[dict]:
    """[{"kind": ..., "line": n}] for every line of `text` that holds something that
    looks like a secret (one entry per kind and line)."""
    found = []
    for number, line in enumerate(text.splitlines(), start=1):
        for kind, pattern in SECRET_PATTERNS:
            if pattern.search(line):
                found.append({"kind": kind, "line": number})
    return found


def _name(tags: dict, fallback: str) -> str:
    return tags.get("Name") or fallback


def _ec2_arn(ctx: PartitionContext, kind: str, ident: str) -> str:
    return f"arn:aws:ec2:{ctx.region}:{ctx.account_id}:{kind}/{ident}"


def _plain_ec2(ctx, kind: str, id_key: str, resource_type: str):
    """A converter for EC2-style items: ARN from the id, name from the Name tag."""

    def convert(item):
        tags = tag_dict(item.get("Tags"))
        ident = item[id_key]
        return Collected(
            arn=_ec2_arn(ctx, kind, ident),
            resource_type=resource_type,
            name=_name(tags, ident),
            region=ctx.region,
            tags=tags,
            configuration=plain(item),
        )

    def fallback(item):
        ident = item[id_key]
        return Collected(_ec2_arn(ctx, kind, ident), resource_type, ident, ctx.region)

    return guarded(convert, fallback)


def collect_ec2(ctx: PartitionContext) -> list[Collected]:
    ec2 = ctx.client("ec2")
    instances = [
        instance
        for reservation in ctx.paginate(ec2, "describe_instances", "Reservations")
        for instance in reservation.get("Instances") or []
    ]
    # Key pairs and Elastic IPs have no paginator: the API returns them all at once.
    key_pairs = ec2.describe_key_pairs().get("KeyPairs") or []
    addresses = ec2.describe_addresses().get("Addresses") or []
    groups = list(ctx.paginate(ec2, "describe_security_groups", "SecurityGroups"))
    # The AMIs this account owns (not the public catalogue), with whether they are public.
    images = list(ctx.paginate(ec2, "describe_images", "Images", page_size=False, Owners=["self"]))
    # Which groups network interfaces use (an unused group is clutter that hides intent).
    interfaces = ctx.region_read(
        "networkInterfaces",
        lambda: list(ctx.paginate(ec2, "describe_network_interfaces", "NetworkInterfaces")),
    )
    convert_instance = _plain_ec2(ctx, "instance", "InstanceId", "instance")
    convert_key = _plain_ec2(ctx, "key-pair", "KeyPairId", "key-pair")
    convert_group = _plain_ec2(ctx, "security-group", "GroupId", "security-group")
    convert_image = _plain_ec2(ctx, "image", "ImageId", "image")
    convert_address = _plain_ec2(ctx, "elastic-ip", "AllocationId", "elastic-ip")

    def with_user_data(instance):
        collected = convert_instance(instance)
        if collected is None:
            return None
        configuration = collected.configuration
        answer = ctx.detail(
            configuration,
            "userData",
            lambda: ec2.describe_instance_attribute(
                InstanceId=instance["InstanceId"], Attribute="userData"
            ),
        )
        if answer is not None:
            text = user_data_text((answer.get("UserData") or {}).get("Value"))
            configuration["UserDataPresent"] = bool(text)
            configuration["UserDataSecrets"] = find_secrets(text)
        return collected

    results = ctx.map(with_user_data, instances)
    _instance_context(ctx, ec2, results)
    results.append(_ec2_settings(ctx, ec2))
    for image in images:
        collected = convert_image(image)
        if collected is not None:
            # An AMI's ARN has no account; its name is the one its owner gave it.
            collected.arn = f"arn:aws:ec2:{ctx.region}::image/{image['ImageId']}"
            if not collected.tags.get("Name"):
                collected.name = image.get("Name") or collected.name
        results.append(collected)
    in_use: dict[str, int] = {}
    for interface in interfaces.answer or []:
        for group in interface.get("Groups") or []:
            in_use[group.get("GroupId")] = in_use.get(group.get("GroupId"), 0) + 1
    for address in addresses:
        collected = convert_address(address)
        if collected is not None and not collected.tags.get("Name"):
            collected.name = address.get("PublicIp") or collected.name
        results.append(collected)
    for key in key_pairs:
        collected = convert_key(key)
        if collected is not None:
            collected.name = key.get("KeyName") or collected.name
        results.append(collected)
    for group in groups:
        collected = convert_group(group)
        if collected is not None:
            if not collected.tags.get("Name"):
                collected.name = group.get("GroupName") or collected.name
            if not interfaces.failed_on(collected.configuration):
                collected.configuration["NetworkInterfaceCount"] = in_use.get(
                    group.get("GroupId"), 0
                )
        results.append(collected)
    results += _launch_templates(ctx, ec2)
    return [r for r in results if r is not None]


def _instance_context(ctx: PartitionContext, ec2, instances: list[Collected]) -> None:
    """What the region says about each instance beyond DescribeInstances: whether Systems
    Manager manages it (`SsmManaged`) and when its image is deprecated
    (`ImageDeprecationTime`; `ImageFound` false when the image is no longer described)."""
    if not instances:
        return
    ssm = ctx.client("ssm")
    managed = ctx.region_read(
        "ssmInstanceInformation",
        lambda: {
            item.get("InstanceId")
            for item in ctx.paginate(
                ssm, "describe_instance_information", "InstanceInformationList", page_size=False
            )
        },
    )
    image_ids = sorted({i.configuration.get("ImageId") for i in instances} - {None})

    def deprecations() -> dict:
        found = {}
        for start in range(0, len(image_ids), 200):
            chunk = image_ids[start : start + 200]
            answer = ec2.describe_images(
                Filters=[{"Name": "image-id", "Values": chunk}], IncludeDeprecated=True
            )
            for image in answer.get("Images") or []:
                found[image["ImageId"]] = plain(image.get("DeprecationTime"))
        return found

    images = ctx.region_read("images", deprecations)
    for instance in instances:
        configuration = instance.configuration
        if not managed.failed_on(configuration):
            configuration["SsmManaged"] = configuration.get("InstanceId") in managed.answer
        if not images.failed_on(configuration):
            image_id = configuration.get("ImageId")
            configuration["ImageFound"] = image_id in images.answer
            configuration["ImageDeprecationTime"] = images.answer.get(image_id)


def _ec2_settings(ctx: PartitionContext, ec2) -> Collected:
    """The region's EC2 account settings, stored as one record: the instance-metadata
    defaults new instances get and block public access for AMIs."""
    configuration: dict = {}
    defaults = ctx.detail(
        configuration, "instanceMetadataDefaults", ec2.get_instance_metadata_defaults
    )
    if defaults is not None:
        configuration["InstanceMetadataDefaults"] = plain(defaults.get("AccountLevel") or {})
    image = ctx.detail(
        configuration, "imageBlockPublicAccess", ec2.get_image_block_public_access_state
    )
    if image is not None:
        configuration["ImageBlockPublicAccessState"] = image.get("ImageBlockPublicAccessState")
    return Collected(
        arn=f"arn:aws:ec2:{ctx.region}:{ctx.account_id}:account-settings",
        resource_type="ec2-settings",
        name=f"EC2 account settings ({ctx.region})",
        region=ctx.region,
        configuration=configuration,
    )


def _launch_templates(ctx: PartitionContext, ec2) -> list[Collected]:
    """Launch templates with their default version's settings. The user data itself is
    not stored: only whether there is some and the secrets found in it (kind and line)."""
    convert = _plain_ec2(ctx, "launch-template", "LaunchTemplateId", "launch-template")
    templates = list(ctx.paginate(ec2, "describe_launch_templates", "LaunchTemplates"))

    def with_default_version(template):
        collected = convert(template)
        if collected is None:
            return None
        collected.name = template.get("LaunchTemplateName") or collected.name
        configuration = collected.configuration
        answer = ctx.detail(
            configuration,
            "defaultVersion",
            lambda: ec2.describe_launch_template_versions(
                LaunchTemplateId=template["LaunchTemplateId"], Versions=["$Default"]
            ),
        )
        if answer is not None:
            versions = answer.get("LaunchTemplateVersions") or [{}]
            data = plain(versions[0].get("LaunchTemplateData") or {})
            text = user_data_text(data.pop("UserData", None))
            data["UserDataPresent"] = bool(text)
            data["UserDataSecrets"] = find_secrets(text)
            configuration["DefaultVersion"] = data
        return collected

    return ctx.map(with_default_version, templates)


def collect_vpc(ctx: PartitionContext) -> list[Collected]:
    ec2 = ctx.client("ec2")
    convert_vpc = _plain_ec2(ctx, "vpc", "VpcId", "vpc")
    convert_subnet = _plain_ec2(ctx, "subnet", "SubnetId", "subnet")
    vpcs = [convert_vpc(v) for v in ctx.paginate(ec2, "describe_vpcs", "Vpcs")]
    # The region's flow logs, once, then on each VPC: the ids of its active ones.
    flow_logs = ctx.region_read(
        "flowLogs", lambda: list(ctx.paginate(ec2, "describe_flow_logs", "FlowLogs"))
    )
    for vpc in vpcs:
        if vpc is None or flow_logs.failed_on(vpc.configuration):
            continue
        vpc_id = vpc.configuration.get("VpcId")
        vpc.configuration["FlowLogs"] = sorted(
            f.get("FlowLogId", "")
            for f in flow_logs.answer
            if f.get("ResourceId") == vpc_id and f.get("FlowLogStatus", "ACTIVE") == "ACTIVE"
        )
    results = vpcs + [convert_subnet(s) for s in ctx.paginate(ec2, "describe_subnets", "Subnets")]
    convert_acl = _plain_ec2(ctx, "network-acl", "NetworkAclId", "network-acl")
    results += [convert_acl(a) for a in ctx.paginate(ec2, "describe_network_acls", "NetworkAcls")]
    convert_endpoint = _plain_ec2(ctx, "vpc-endpoint", "VpcEndpointId", "vpc-endpoint")
    for endpoint in ctx.paginate(ec2, "describe_vpc_endpoints", "VpcEndpoints"):
        collected = convert_endpoint(endpoint)
        if collected is not None:
            # The endpoint policy comes as JSON text: stored as the document it is.
            collected.configuration["PolicyDocument"] = parse_policy(endpoint.get("PolicyDocument"))
        results.append(collected)
    convert_gateway = _plain_ec2(ctx, "transit-gateway", "TransitGatewayId", "transit-gateway")
    gateways = ctx.paginate(ec2, "describe_transit_gateways", "TransitGateways")
    results += [convert_gateway(g) for g in gateways]
    for kind, operation, key, id_key in (
        ("route-table", "describe_route_tables", "RouteTables", "RouteTableId"),
        (
            "vpc-peering-connection",
            "describe_vpc_peering_connections",
            "VpcPeeringConnections",
            "VpcPeeringConnectionId",
        ),
        (
            "client-vpn-endpoint",
            "describe_client_vpn_endpoints",
            "ClientVpnEndpoints",
            "ClientVpnEndpointId",
        ),
    ):
        convert = _plain_ec2(ctx, kind, id_key, kind)
        results += [convert(item) for item in ctx.paginate(ec2, operation, key)]
    # VPN connections have no paginator: the API returns them all at once.
    convert_vpn = _plain_ec2(ctx, "vpn-connection", "VpnConnectionId", "vpn-connection")
    results += [convert_vpn(c) for c in ec2.describe_vpn_connections().get("VpnConnections") or []]
    results += _endpoint_services(ctx, ec2)
    return [r for r in results if r is not None]


def _endpoint_services(ctx: PartitionContext, ec2) -> list[Collected]:
    """The endpoint services this account offers (PrivateLink), with the principals
    allowed to connect to each (`AllowedPrincipals`)."""
    convert = _plain_ec2(ctx, "vpc-endpoint-service", "ServiceId", "vpc-endpoint-service")
    services = ctx.paginate(
        ec2, "describe_vpc_endpoint_service_configurations", "ServiceConfigurations"
    )

    def with_principals(service):
        collected = convert(service)
        if collected is None:
            return None
        collected.name = collected.tags.get("Name") or service.get("ServiceName") or collected.name
        answer = ctx.detail(
            collected.configuration,
            "allowedPrincipals",
            lambda: list(
                ctx.paginate(
                    ec2,
                    "describe_vpc_endpoint_service_permissions",
                    "AllowedPrincipals",
                    ServiceId=service["ServiceId"],
                )
            ),
        )
        if answer is not None:
            collected.configuration["AllowedPrincipals"] = [
                principal.get("Principal") for principal in answer
            ]
        return collected

    return ctx.map(with_principals, services)


def collect_ebs(ctx: PartitionContext) -> list[Collected]:
    ec2 = ctx.client("ec2")
    convert_volume = _plain_ec2(ctx, "volume", "VolumeId", "volume")
    results = [convert_volume(v) for v in ctx.paginate(ec2, "describe_volumes", "Volumes")]

    snapshots = list(ctx.paginate(ec2, "describe_snapshots", "Snapshots", OwnerIds=["self"]))

    def convert_snapshot(snapshot):
        tags = tag_dict(snapshot.get("Tags"))
        ident = snapshot["SnapshotId"]
        configuration = plain(snapshot)
        # Who may create volumes from it: {"Group": "all"} means shared publicly.
        attribute = ctx.detail(
            configuration,
            "createVolumePermission",
            lambda: ec2.describe_snapshot_attribute(
                SnapshotId=ident, Attribute="createVolumePermission"
            ),
        )
        if attribute is not None:
            permissions = plain(attribute.get("CreateVolumePermissions") or [])
            configuration["CreateVolumePermissions"] = permissions
            configuration["Public"] = any(p.get("Group") == "all" for p in permissions)
        return Collected(
            arn=f"arn:aws:ec2:{ctx.region}::snapshot/{ident}",
            resource_type="snapshot",
            name=_name(tags, ident),
            region=ctx.region,
            tags=tags,
            configuration=configuration,
        )

    def snapshot_fallback(snapshot):
        ident = snapshot["SnapshotId"]
        return Collected(
            f"arn:aws:ec2:{ctx.region}::snapshot/{ident}", "snapshot", ident, ctx.region
        )

    results += ctx.map(guarded(convert_snapshot, snapshot_fallback), snapshots)
    # Block public access for snapshots: may any snapshot of the region be shared
    # publicly? A setting of the region, stored as a record like the default encryption.
    blocking: dict = {}
    state = ctx.detail(blocking, "state", ec2.get_snapshot_block_public_access_state)
    if state is not None:
        blocking["State"] = state.get("State")
    results.append(
        Collected(
            arn=f"arn:aws:ec2:{ctx.region}:{ctx.account_id}:snapshot-block-public-access",
            resource_type="snapshot-block-public-access",
            name=f"EBS snapshot block public access ({ctx.region})",
            region=ctx.region,
            configuration=blocking,
        )
    )

    # The region's default: are new volumes encrypted whether or not their creator asks?
    # Not a resource in AWS's sense; stored as one so that the checks can read it.
    default = ec2.get_ebs_encryption_by_default()
    configuration = {"EbsEncryptionByDefault": bool(default.get("EbsEncryptionByDefault"))}
    results.append(
        Collected(
            arn=f"arn:aws:ec2:{ctx.region}:{ctx.account_id}:ebs-default-encryption",
            resource_type="ebs-default-encryption",
            name=f"EBS default encryption ({ctx.region})",
            region=ctx.region,
            configuration=configuration,
        )
    )
    return [r for r in results if r is not None]


def collect_autoscaling(ctx: PartitionContext) -> list[Collected]:
    client = ctx.client("autoscaling")

    def convert(group):
        tags = tag_dict(group.get("Tags"))
        return Collected(
            arn=group["AutoScalingGroupARN"],
            resource_type="auto-scaling-group",
            name=group.get("AutoScalingGroupName") or group["AutoScalingGroupARN"],
            region=ctx.region,
            tags=tags,
            configuration=plain(group),
        )

    def fallback(group):
        arn = group["AutoScalingGroupARN"]
        return Collected(arn, "auto-scaling-group", arn.rsplit("/", 1)[-1], ctx.region)

    groups = ctx.paginate(client, "describe_auto_scaling_groups", "AutoScalingGroups")
    results = [c for c in map(guarded(convert, fallback), groups) if c is not None]
    # The launch configurations the groups use: whether their instances get a public
    # address, require IMDSv2, or carry secrets in their boot script (only what was
    # found where is kept, never the script).
    configurations = ctx.region_read(
        "launchConfigurations",
        lambda: list(
            ctx.paginate(client, "describe_launch_configurations", "LaunchConfigurations")
        ),
    )
    by_name = {c.get("LaunchConfigurationName"): c for c in configurations.answer or []}
    for collected in results:
        name = collected.configuration.get("LaunchConfigurationName")
        if not name or configurations.failed_on(collected.configuration):
            continue
        launch = by_name.get(name)
        if launch is None:
            continue
        collected.configuration["LaunchConfiguration"] = {
            "AssociatePublicIpAddress": launch.get("AssociatePublicIpAddress"),
            "MetadataOptions": plain(launch.get("MetadataOptions") or {}),
            "UserDataSecrets": find_secrets(user_data_text(launch.get("UserData"))),
        }
    return results
