"""Container services: RDS DB instances and clusters (Aurora, Multi-AZ DB clusters), their
manual snapshots and the region's event subscriptions, EMR clusters (and the region's
EMR block public access setting), Elastic Beanstalk environments."""

from assets.aws.collectors.base import Collected, PartitionContext, guarded, plain, tag_dict

# Terminated clusters are history, not estate.
EMR_LIVE_STATES = ["STARTING", "BOOTSTRAPPING", "RUNNING", "WAITING", "TERMINATING"]


def collect_rds(ctx: PartitionContext) -> list[Collected]:
    rds = ctx.client("rds")

    def convert(instance):
        return Collected(
            arn=instance["DBInstanceArn"],
            resource_type="db-instance",
            name=instance.get("DBInstanceIdentifier") or instance["DBInstanceArn"],
            region=ctx.region,
            tags=tag_dict(instance.get("TagList")),
            configuration=plain(instance),
        )

    def fallback(instance):
        arn = instance["DBInstanceArn"]
        return Collected(arn, "db-instance", arn.rsplit(":", 1)[-1], ctx.region)

    instances = ctx.paginate(rds, "describe_db_instances", "DBInstances")
    results = [c for c in map(guarded(convert, fallback), instances) if c is not None]

    # Manual snapshots (automated ones cannot be shared), with who may restore them:
    # "all" in the restore attribute means anyone with an AWS account.
    snapshots = list(
        ctx.paginate(rds, "describe_db_snapshots", "DBSnapshots", SnapshotType="manual")
    )

    def convert_snapshot(snapshot):
        ident = snapshot["DBSnapshotIdentifier"]
        configuration = plain(snapshot)
        answer = ctx.detail(
            configuration,
            "restoreAttribute",
            lambda: rds.describe_db_snapshot_attributes(DBSnapshotIdentifier=ident),
        )
        if answer is not None:
            configuration["RestoreAllowedTo"] = _restore_allowed(
                answer.get("DBSnapshotAttributesResult"), "DBSnapshotAttributes"
            )
        return Collected(
            arn=snapshot.get("DBSnapshotArn")
            or f"arn:aws:rds:{ctx.region}:{ctx.account_id}:snapshot:{ident}",
            resource_type="db-snapshot",
            name=ident,
            region=ctx.region,
            tags=tag_dict(snapshot.get("TagList")),
            configuration=configuration,
        )

    def snapshot_fallback(snapshot):
        ident = snapshot["DBSnapshotIdentifier"]
        arn = f"arn:aws:rds:{ctx.region}:{ctx.account_id}:snapshot:{ident}"
        return Collected(arn, "db-snapshot", ident, ctx.region)

    results += ctx.map(guarded(convert_snapshot, snapshot_fallback), snapshots)
    results += _collect_rds_clusters(ctx, rds)
    results.append(_rds_event_subscriptions(ctx, rds, results))
    return results


def _restore_allowed(attributes_result: dict | None, key: str) -> list[str]:
    """Who may restore a snapshot, from its `restore` attribute ("all": every account)."""
    attributes = (attributes_result or {}).get(key) or []
    return sorted(
        value
        for attribute in attributes
        if attribute.get("AttributeName") == "restore"
        for value in attribute.get("AttributeValues") or []
    )


def _collect_rds_clusters(ctx: PartitionContext, rds) -> list[Collected]:
    """DB clusters (Aurora and Multi-AZ DB clusters) and their manual snapshots."""

    def convert(cluster):
        return Collected(
            arn=cluster["DBClusterArn"],
            resource_type="db-cluster",
            name=cluster.get("DBClusterIdentifier") or cluster["DBClusterArn"],
            region=ctx.region,
            tags=tag_dict(cluster.get("TagList")),
            configuration=plain(cluster),
        )

    def fallback(cluster):
        arn = cluster["DBClusterArn"]
        return Collected(arn, "db-cluster", arn.rsplit(":", 1)[-1], ctx.region)

    clusters = ctx.paginate(rds, "describe_db_clusters", "DBClusters")
    results = [c for c in map(guarded(convert, fallback), clusters) if c is not None]
    snapshots = list(
        ctx.paginate(
            rds, "describe_db_cluster_snapshots", "DBClusterSnapshots", SnapshotType="manual"
        )
    )

    def convert_snapshot(snapshot):
        ident = snapshot["DBClusterSnapshotIdentifier"]
        configuration = plain(snapshot)
        answer = ctx.detail(
            configuration,
            "restoreAttribute",
            lambda: rds.describe_db_cluster_snapshot_attributes(DBClusterSnapshotIdentifier=ident),
        )
        if answer is not None:
            configuration["RestoreAllowedTo"] = _restore_allowed(
                answer.get("DBClusterSnapshotAttributesResult"), "DBClusterSnapshotAttributes"
            )
        return Collected(
            arn=snapshot.get("DBClusterSnapshotArn")
            or f"arn:aws:rds:{ctx.region}:{ctx.account_id}:cluster-snapshot:{ident}",
            resource_type="db-cluster-snapshot",
            name=ident,
            region=ctx.region,
            tags=tag_dict(snapshot.get("TagList")),
            configuration=configuration,
        )

    def snapshot_fallback(snapshot):
        ident = snapshot["DBClusterSnapshotIdentifier"]
        arn = f"arn:aws:rds:{ctx.region}:{ctx.account_id}:cluster-snapshot:{ident}"
        return Collected(arn, "db-cluster-snapshot", ident, ctx.region)

    return results + ctx.map(guarded(convert_snapshot, snapshot_fallback), snapshots)


def _rds_event_subscriptions(ctx: PartitionContext, rds, collected: list) -> Collected:
    """The region's RDS event subscriptions, stored as one record (like EBS default
    encryption: not a resource in AWS's sense) with whether the region has databases
    to watch, so that the checks can tell "nobody is told" from "nothing to tell"."""
    configuration = {
        "InstancesInRegion": sum(1 for c in collected if c.resource_type == "db-instance"),
        "ClustersInRegion": sum(1 for c in collected if c.resource_type == "db-cluster"),
    }
    answer = ctx.detail(
        configuration,
        "eventSubscriptions",
        lambda: list(ctx.paginate(rds, "describe_event_subscriptions", "EventSubscriptionsList")),
    )
    configuration["EventSubscriptions"] = plain(answer) if answer is not None else None
    return Collected(
        arn=f"arn:aws:rds:{ctx.region}:{ctx.account_id}:event-subscriptions",
        resource_type="event-subscriptions",
        name=f"RDS event subscriptions ({ctx.region})",
        region=ctx.region,
        configuration=configuration,
    )


def collect_emr(ctx: PartitionContext) -> list[Collected]:
    emr = ctx.client("emr")
    # list_clusters takes no page size: AWS returns 50 a page.
    summaries = list(
        ctx.paginate(
            emr, "list_clusters", "Clusters", page_size=False, ClusterStates=EMR_LIVE_STATES
        )
    )

    def convert(summary):
        configuration = plain(summary)
        described = ctx.detail(
            configuration, "describeCluster", lambda: emr.describe_cluster(ClusterId=summary["Id"])
        )
        if described is not None:
            configuration = {**configuration, **plain(described.get("Cluster") or {})}
        return Collected(
            arn=summary["ClusterArn"],
            resource_type="cluster",
            name=summary.get("Name") or summary["Id"],
            region=ctx.region,
            tags=tag_dict(configuration.get("Tags")),
            configuration=configuration,
        )

    def fallback(summary):
        return Collected(summary["ClusterArn"], "cluster", summary["Id"], ctx.region)

    results = ctx.map(guarded(convert, fallback), summaries)

    configuration: dict = {}
    block = ctx.detail(
        configuration, "blockPublicAccess", emr.get_block_public_access_configuration
    )
    if block is not None:
        configuration.update(plain(block))
    results.append(
        Collected(
            arn=f"arn:aws:elasticmapreduce:{ctx.region}:{ctx.account_id}:block-public-access",
            resource_type="block-public-access",
            name=f"EMR block public access ({ctx.region})",
            region=ctx.region,
            configuration=configuration,
        )
    )
    return results


def collect_elasticbeanstalk(ctx: PartitionContext) -> list[Collected]:
    """Applications, and environments with their tags and configuration settings
    (managed platform updates, health reporting, log streaming), flattened as
    `OptionSettings` {"namespace:option": value}."""
    eb = ctx.client("elasticbeanstalk")
    applications = eb.describe_applications().get("Applications") or []  # no paging
    environments = list(
        ctx.paginate(eb, "describe_environments", "Environments", IncludeDeleted=False)
    )

    def convert_application(application):
        name = application["ApplicationName"]
        arn = application.get("ApplicationArn") or (
            f"arn:aws:elasticbeanstalk:{ctx.region}:{ctx.account_id}:application/{name}"
        )
        return Collected(arn, "application", name, ctx.region, configuration=plain(application))

    def application_fallback(application):
        name = application["ApplicationName"]
        arn = f"arn:aws:elasticbeanstalk:{ctx.region}:{ctx.account_id}:application/{name}"
        return Collected(arn, "application", name, ctx.region)

    def convert(environment):
        configuration = plain(environment)
        arn = environment["EnvironmentArn"]
        tags = ctx.detail(
            configuration, "listTags", lambda: eb.list_tags_for_resource(ResourceArn=arn)
        )
        settings = ctx.detail(
            configuration,
            "configurationSettings",
            lambda: eb.describe_configuration_settings(
                ApplicationName=environment["ApplicationName"],
                EnvironmentName=environment["EnvironmentName"],
            ),
        )
        if settings is not None:
            configuration["OptionSettings"] = {
                f"{option.get('Namespace')}:{option.get('OptionName')}": option.get("Value")
                for found in settings.get("ConfigurationSettings") or []
                for option in found.get("OptionSettings") or []
            }
        return Collected(
            arn=arn,
            resource_type="environment",
            name=environment.get("EnvironmentName") or arn,
            region=ctx.region,
            tags=tag_dict((tags or {}).get("ResourceTags")),
            configuration=configuration,
        )

    def fallback(environment):
        arn = environment["EnvironmentArn"]
        return Collected(arn, "environment", arn.rsplit("/", 1)[-1], ctx.region)

    results = list(map(guarded(convert_application, application_fallback), applications))
    results += ctx.map(guarded(convert, fallback), environments)
    return [r for r in results if r is not None]
