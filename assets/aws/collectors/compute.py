"""Infrastructure services: EC2 (instances, key pairs, security groups), VPC (VPCs,
subnets), EBS (volumes, self-owned snapshots, default encryption) and Auto Scaling."""

from assets.aws.collectors.base import Collected, PartitionContext, guarded, plain, tag_dict


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
    # Key pairs have no paginator: the API returns them all in one response.
    key_pairs = ec2.describe_key_pairs().get("KeyPairs") or []
    groups = list(ctx.paginate(ec2, "describe_security_groups", "SecurityGroups"))
    convert_instance = _plain_ec2(ctx, "instance", "InstanceId", "instance")
    convert_key = _plain_ec2(ctx, "key-pair", "KeyPairId", "key-pair")
    convert_group = _plain_ec2(ctx, "security-group", "GroupId", "security-group")
    results = [convert_instance(i) for i in instances]
    for key in key_pairs:
        collected = convert_key(key)
        if collected is not None:
            collected.name = key.get("KeyName") or collected.name
        results.append(collected)
    for group in groups:
        collected = convert_group(group)
        if collected is not None and not collected.tags.get("Name"):
            collected.name = group.get("GroupName") or collected.name
        results.append(collected)
    return [r for r in results if r is not None]


def collect_vpc(ctx: PartitionContext) -> list[Collected]:
    ec2 = ctx.client("ec2")
    convert_vpc = _plain_ec2(ctx, "vpc", "VpcId", "vpc")
    convert_subnet = _plain_ec2(ctx, "subnet", "SubnetId", "subnet")
    vpcs = [convert_vpc(v) for v in ctx.paginate(ec2, "describe_vpcs", "Vpcs")]
    # The region's flow logs, once, then on each VPC: the ids of its active ones.
    read: dict = {}
    flow_logs = ctx.detail(
        read, "flowLogs", lambda: list(ctx.paginate(ec2, "describe_flow_logs", "FlowLogs"))
    )
    for vpc in vpcs:
        if vpc is None:
            continue
        if flow_logs is None:
            vpc.configuration.setdefault("_errors", {}).update(read.get("_errors", {}))
            continue
        vpc_id = vpc.configuration.get("VpcId")
        vpc.configuration["FlowLogs"] = sorted(
            f.get("FlowLogId", "")
            for f in flow_logs
            if f.get("ResourceId") == vpc_id and f.get("FlowLogStatus", "ACTIVE") == "ACTIVE"
        )
    results = vpcs + [convert_subnet(s) for s in ctx.paginate(ec2, "describe_subnets", "Subnets")]
    return [r for r in results if r is not None]


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
    return [c for c in map(guarded(convert, fallback), groups) if c is not None]
