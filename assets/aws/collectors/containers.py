"""Container services: RDS DB instances (with their TLS parameters and whether their
engine version is still offered) and clusters (Aurora, Multi-AZ DB clusters), their
manual snapshots and the region's event subscriptions, EMR clusters (and the region's
EMR block public access setting), Elastic Beanstalk environments."""

from assets.aws.collectors.base import Collected, PartitionContext, guarded, plain, tag_dict

# Terminated clusters are history, not estate.
EMR_LIVE_STATES = ["STARTING", "BOOTSTRAPPING", "RUNNING", "WAITING", "TERMINATING"]


def collect_rds(ctx: PartitionContext) -> list[Collected]:
    rds = ctx.client("rds")
    results = _rds_databases(ctx, rds, "Instance", "db-instance")
    _rds_instance_context(ctx, rds, results)
    results += _rds_snapshots(ctx, rds, "", "db-snapshot", "snapshot")
    # DB clusters (Aurora and Multi-AZ DB clusters) and their manual snapshots.
    results += _rds_databases(ctx, rds, "Cluster", "db-cluster")
    results += _rds_snapshots(ctx, rds, "Cluster", "db-cluster-snapshot", "cluster-snapshot")
    results.append(_rds_event_subscriptions(ctx, rds, results))
    return results


def _rds_databases(ctx: PartitionContext, rds, kind: str, resource_type: str) -> list[Collected]:
    """DB instances (`kind` "Instance") or DB clusters ("Cluster"): the RDS API names
    their fields alike (DBInstanceArn, DBClusterArn...)."""
    arn_key, ident_key = f"DB{kind}Arn", f"DB{kind}Identifier"

    def convert(item):
        return Collected(
            arn=item[arn_key],
            resource_type=resource_type,
            name=item.get(ident_key) or item[arn_key],
            region=ctx.region,
            tags=tag_dict(item.get("TagList")),
            configuration=plain(item),
        )

    def fallback(item):
        arn = item[arn_key]
        return Collected(arn, resource_type, arn.rsplit(":", 1)[-1], ctx.region)

    items = ctx.paginate(rds, f"describe_db_{kind.lower()}s", f"DB{kind}s")
    return [c for c in map(guarded(convert, fallback), items) if c is not None]


TLS_PARAMETERS = ("rds.force_ssl", "require_secure_transport")


def _rds_instance_context(ctx: PartitionContext, rds, instances: list[Collected]) -> None:
    """What each DB instance's parameter group and AWS's engine catalogue say of it: the
    TLS parameters (`TlsParameters`: rds.force_ssl, require_secure_transport, as set)
    and whether its engine version is still offered (`EngineVersionStatus`:
    "available", "deprecated", or None when AWS no longer lists it). Each parameter
    group and engine version is read once for the region."""
    groups: dict[str, tuple[dict | None, dict]] = {}
    versions: dict[tuple[str, str], tuple[list | None, dict]] = {}

    def parameters(name: str) -> tuple[dict | None, dict]:
        if name not in groups:
            read: dict = {}
            answer = ctx.detail(
                read,
                "tlsParameters",
                lambda: {
                    p["ParameterName"]: p.get("ParameterValue")
                    for p in ctx.paginate(
                        rds, "describe_db_parameters", "Parameters", DBParameterGroupName=name
                    )
                    if p.get("ParameterName") in TLS_PARAMETERS
                },
            )
            groups[name] = (answer, read.get("_errors", {}))
        return groups[name]

    def offered(engine: str, version: str) -> tuple[list | None, dict]:
        if (engine, version) not in versions:
            read: dict = {}
            answer = ctx.detail(
                read,
                "engineVersion",
                lambda: list(
                    ctx.paginate(
                        rds,
                        "describe_db_engine_versions",
                        "DBEngineVersions",
                        Engine=engine,
                        EngineVersion=version,
                        IncludeAll=True,
                    )
                ),
            )
            versions[(engine, version)] = (answer, read.get("_errors", {}))
        return versions[(engine, version)]

    for instance in instances:
        configuration = instance.configuration
        for group in configuration.get("DBParameterGroups") or []:
            values, errors = parameters(group.get("DBParameterGroupName", ""))
            if values is None:
                configuration.setdefault("_errors", {}).update(errors)
            else:
                configuration["TlsParameters"] = values
        engine, version = configuration.get("Engine"), configuration.get("EngineVersion")
        if engine and version:
            listed, errors = offered(engine, version)
            if listed is None:
                configuration.setdefault("_errors", {}).update(errors)
            else:
                statuses = [v.get("Status") for v in listed if v.get("EngineVersion") == version]
                configuration["EngineVersionStatus"] = statuses[0] if statuses else None


def _rds_snapshots(
    ctx: PartitionContext, rds, kind: str, resource_type: str, arn_kind: str
) -> list[Collected]:
    """Manual DB snapshots (`kind` "") or DB cluster snapshots ("Cluster"; automated
    ones cannot be shared), with who may restore them: "all" in the restore attribute
    means anyone with an AWS account."""
    name = f"DB{kind}Snapshot"  # DBSnapshot, DBClusterSnapshot
    operation = "describe_db_cluster_snapshots" if kind else "describe_db_snapshots"
    attributes_call = (
        rds.describe_db_cluster_snapshot_attributes if kind else rds.describe_db_snapshot_attributes
    )
    snapshots = list(ctx.paginate(rds, operation, f"{name}s", SnapshotType="manual"))

    def arn_of(snapshot):
        ident = snapshot[f"{name}Identifier"]
        return f"arn:aws:rds:{ctx.region}:{ctx.account_id}:{arn_kind}:{ident}"

    def convert(snapshot):
        ident = snapshot[f"{name}Identifier"]
        configuration = plain(snapshot)
        answer = ctx.detail(
            configuration,
            "restoreAttribute",
            lambda: attributes_call(**{f"{name}Identifier": ident}),
        )
        if answer is not None:
            attributes = (answer.get(f"{name}AttributesResult") or {}).get(f"{name}Attributes")
            configuration["RestoreAllowedTo"] = sorted(
                value
                for attribute in attributes or []
                if attribute.get("AttributeName") == "restore"
                for value in attribute.get("AttributeValues") or []
            )
        return Collected(
            arn=snapshot.get(f"{name}Arn") or arn_of(snapshot),
            resource_type=resource_type,
            name=ident,
            region=ctx.region,
            tags=tag_dict(snapshot.get("TagList")),
            configuration=configuration,
        )

    def fallback(snapshot):
        ident = snapshot[f"{name}Identifier"]
        return Collected(arn_of(snapshot), resource_type, ident, ctx.region)

    return ctx.map(guarded(convert, fallback), snapshots)


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
