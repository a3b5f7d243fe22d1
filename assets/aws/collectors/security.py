"""Security services: CloudTrail (trails, and which trails record each region) and KMS
(customer keys with their rotation and key policy)."""

from assets.aws.collectors.base import Collected, PartitionContext, guarded, plain
from assets.aws.collectors.data import parse_policy


def collect_cloudtrail(ctx: PartitionContext) -> list[Collected]:
    """The trails whose home is this region, each with its logging status, event and
    Insights selectors; and one *trail-coverage* record per region listing every trail that
    records it (multi-region trails homed elsewhere included), so a check can say
    whether the region's API activity is logged at all."""
    client = ctx.client("cloudtrail")
    # describe_trails returns every trail at once (no paging); with shadow trails it
    # also lists the multi-region trails homed in other regions.
    trails = client.describe_trails(includeShadowTrails=True).get("trailList") or []

    def status_of(configuration: dict, arn: str):
        return ctx.detail(configuration, "status", lambda: client.get_trail_status(Name=arn))

    def convert(trail):
        arn = trail["TrailARN"]
        configuration = plain(trail)
        status = status_of(configuration, arn)
        if status is not None:
            configuration["IsLogging"] = bool(status.get("IsLogging"))
            delivered = status.get("LatestCloudWatchLogsDeliveryTime")
            configuration["LatestCloudWatchLogsDeliveryTime"] = plain(delivered) or None
        selectors = ctx.detail(
            configuration, "eventSelectors", lambda: client.get_event_selectors(TrailName=arn)
        )
        if selectors is not None:
            configuration["EventSelectors"] = plain(selectors.get("EventSelectors") or [])
            configuration["AdvancedEventSelectors"] = plain(
                selectors.get("AdvancedEventSelectors") or []
            )
        # Insights (unusual API call rates or error rates); none configured is an answer.
        insights = ctx.detail(
            configuration,
            "insightSelectors",
            lambda: client.get_insight_selectors(TrailName=arn),
            missing=("InsightNotEnabledException",),
        )
        if "insightSelectors" not in configuration.get("_errors", {}):
            configuration["InsightSelectors"] = plain(
                (insights or {}).get("InsightSelectors") or []
            )
        return Collected(
            arn=arn,
            resource_type="trail",
            name=trail.get("Name") or arn,
            region=ctx.region,
            configuration=configuration,
        )

    def fallback(trail):
        arn = trail["TrailARN"]
        return Collected(arn, "trail", arn.rsplit("/", 1)[-1], ctx.region)

    home = [t for t in trails if t.get("HomeRegion") == ctx.region]
    results = ctx.map(guarded(convert, fallback), home)

    coverage: dict = {"Trails": []}
    for trail in trails:
        entry = {
            "TrailARN": trail.get("TrailARN"),
            "Name": trail.get("Name"),
            "HomeRegion": trail.get("HomeRegion"),
            "IsMultiRegionTrail": bool(trail.get("IsMultiRegionTrail")),
        }
        status = status_of(coverage, trail["TrailARN"])
        entry["IsLogging"] = None if status is None else bool(status.get("IsLogging"))
        coverage["Trails"].append(entry)
    results.append(
        Collected(
            arn=f"arn:aws:cloudtrail:{ctx.region}:{ctx.account_id}:trail-coverage",
            resource_type="trail-coverage",
            name=f"CloudTrail coverage ({ctx.region})",
            region=ctx.region,
            configuration=coverage,
        )
    )
    return results


def collect_kms(ctx: PartitionContext) -> list[Collected]:
    """Every KMS key of the region with its metadata, aliases and (for customer-managed
    symmetric keys, the only ones AWS can rotate) its rotation status."""
    client = ctx.client("kms")
    keys = list(ctx.paginate(client, "list_keys", "Keys"))
    aliases: dict[str, list[str]] = {}
    for alias in ctx.paginate(client, "list_aliases", "Aliases"):
        if alias.get("TargetKeyId"):
            aliases.setdefault(alias["TargetKeyId"], []).append(alias.get("AliasName", ""))

    def convert(key):
        key_id = key["KeyId"]
        configuration: dict = {"KeyId": key_id, "Aliases": sorted(aliases.get(key_id, []))}
        described = ctx.detail(configuration, "describe", lambda: client.describe_key(KeyId=key_id))
        metadata = plain((described or {}).get("KeyMetadata") or {})
        configuration.update(metadata)
        rotatable = (
            metadata.get("KeyManager") == "CUSTOMER"
            and metadata.get("KeySpec", "SYMMETRIC_DEFAULT") == "SYMMETRIC_DEFAULT"
            and metadata.get("Origin", "AWS_KMS") == "AWS_KMS"
            and metadata.get("KeyState") == "Enabled"
        )
        if metadata.get("KeyManager") == "CUSTOMER":
            # Who may use the key: a policy open to "*" lets anyone decrypt with it.
            policy = ctx.detail(
                configuration,
                "policy",
                lambda: client.get_key_policy(KeyId=key_id, PolicyName="default"),
            )
            if policy is not None:
                configuration["Policy"] = parse_policy(policy.get("Policy"))
        if rotatable:
            rotation = ctx.detail(
                configuration, "rotation", lambda: client.get_key_rotation_status(KeyId=key_id)
            )
            if rotation is not None:
                configuration["KeyRotationEnabled"] = bool(rotation.get("KeyRotationEnabled"))
        arn = key.get("KeyArn") or f"arn:aws:kms:{ctx.region}:{ctx.account_id}:key/{key_id}"
        return Collected(
            arn=arn,
            resource_type="key",
            name=(configuration["Aliases"] or [key_id])[0],
            region=ctx.region,
            configuration=configuration,
        )

    def fallback(key):
        key_id = key["KeyId"]
        arn = key.get("KeyArn") or f"arn:aws:kms:{ctx.region}:{ctx.account_id}:key/{key_id}"
        return Collected(arn, "key", key_id, ctx.region)

    return ctx.map(guarded(convert, fallback), keys)
