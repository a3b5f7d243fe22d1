"""Abstracted data services: S3 (buckets and the account's public access block),
Glacier vaults, DynamoDB tables (with their resource policy and auto scaling) and DAX
clusters, SQS queues and SES identities."""

import json

from assets.aws.collectors.base import (
    GLOBAL_REGION,
    Collected,
    PartitionContext,
    guarded,
    plain,
    tag_dict,
)
from assets.aws.session import HOME_REGION, service_regions


def parse_policy(text):
    """A resource policy as a dict; kept as text when it is not valid JSON."""
    if not text:
        return None
    try:
        return json.loads(text)
    except (TypeError, ValueError):
        return text


def bucket_region(location: dict | None) -> str:
    """GetBucketLocation's answer as a region name (None means us-east-1, EU eu-west-1)."""
    constraint = (location or {}).get("LocationConstraint")
    if not constraint:
        return HOME_REGION
    return "eu-west-1" if constraint == "EU" else constraint


def collect_s3(ctx: PartitionContext) -> list[Collected]:
    s3 = ctx.client("s3", HOME_REGION)
    # No page size here: moto answers a ListBuckets page without its continuation token,
    # and AWS returns up to 10,000 buckets a page anyway.
    buckets = list(ctx.paginate(s3, "list_buckets", "Buckets", page_size=False))

    def convert(bucket):
        name = bucket["Name"]
        configuration = plain(bucket)
        location = ctx.detail(
            configuration, "location", lambda: s3.get_bucket_location(Bucket=name)
        )
        region = bucket.get("BucketRegion") or bucket_region(location)
        configuration["Region"] = region
        client = ctx.client("s3", region)

        def read(key, call, missing=(), pick=None):
            answer = ctx.detail(configuration, key, call, missing=missing)
            if answer is not None:
                configuration[key] = pick(answer) if pick else plain(answer)
            elif key not in configuration.get("_errors", {}):
                configuration[key] = None  # read, and not configured

        read("Versioning", lambda: client.get_bucket_versioning(Bucket=name))
        read(
            "Encryption",
            lambda: client.get_bucket_encryption(Bucket=name),
            missing=("ServerSideEncryptionConfigurationNotFoundError",),
            pick=lambda a: plain(a.get("ServerSideEncryptionConfiguration")),
        )
        read(
            "PublicAccessBlock",
            lambda: client.get_public_access_block(Bucket=name),
            missing=("NoSuchPublicAccessBlockConfiguration",),
            pick=lambda a: plain(a.get("PublicAccessBlockConfiguration")),
        )
        read("Acl", lambda: client.get_bucket_acl(Bucket=name))
        read(
            "Policy",
            lambda: client.get_bucket_policy(Bucket=name),
            missing=("NoSuchBucketPolicy",),
            pick=lambda a: parse_policy(a.get("Policy")),
        )
        read(
            "Replication",
            lambda: client.get_bucket_replication(Bucket=name),
            missing=("ReplicationConfigurationNotFoundError",),
            pick=lambda a: plain(a.get("ReplicationConfiguration")),
        )
        # ACLs disabled (BucketOwnerEnforced) is the only setting where ACLs grant nothing.
        read(
            "OwnershipControls",
            lambda: client.get_bucket_ownership_controls(Bucket=name),
            missing=("OwnershipControlsNotFoundError",),
            pick=lambda a: plain(a.get("OwnershipControls")),
        )
        read(
            "ObjectLock",
            lambda: client.get_object_lock_configuration(Bucket=name),
            missing=("ObjectLockConfigurationNotFoundError",),
            pick=lambda a: plain(a.get("ObjectLockConfiguration")),
        )
        read(
            "Lifecycle",
            lambda: client.get_bucket_lifecycle_configuration(Bucket=name),
            missing=("NoSuchLifecycleConfiguration",),
            pick=lambda a: plain(a.get("Rules") or []),
        )
        read(
            "Logging",
            lambda: client.get_bucket_logging(Bucket=name),
            pick=lambda a: plain(a.get("LoggingEnabled")),
        )
        # Who is told when objects are created or deleted (SNS, SQS, Lambda, EventBridge).
        read(
            "Notifications",
            lambda: client.get_bucket_notification_configuration(Bucket=name),
            pick=lambda a: {k: plain(v) for k, v in a.items() if k != "ResponseMetadata"},
        )
        tagging = ctx.detail(
            configuration,
            "tags",
            lambda: client.get_bucket_tagging(Bucket=name),
            missing=("NoSuchTagSet", "NoSuchTagSetError"),
        )
        return Collected(
            arn=f"arn:aws:s3:::{name}",
            resource_type="bucket",
            name=name,
            region=region,
            tags=tag_dict((tagging or {}).get("TagSet")),
            configuration=configuration,
        )

    def fallback(bucket):
        return Collected(f"arn:aws:s3:::{bucket['Name']}", "bucket", bucket["Name"], HOME_REGION)

    results = ctx.map(guarded(convert, fallback), buckets)

    # The account-wide block, which overrides every bucket's own setting.
    configuration: dict = {}
    block = ctx.detail(
        configuration,
        "PublicAccessBlock",
        lambda: ctx.client("s3control", HOME_REGION).get_public_access_block(
            AccountId=ctx.account_id
        ),
        missing=("NoSuchPublicAccessBlockConfiguration",),
    )
    if "_errors" not in configuration:
        configuration["PublicAccessBlock"] = plain(
            (block or {}).get("PublicAccessBlockConfiguration")
        )
    results.append(
        Collected(
            arn=f"arn:aws:s3::{ctx.account_id}:account-public-access-block",
            resource_type="account-public-access-block",
            name="S3 account public access block",
            region=GLOBAL_REGION,
            configuration=configuration,
        )
    )
    return results


def collect_glacier(ctx: PartitionContext) -> list[Collected]:
    glacier = ctx.client("glacier")
    vaults = list(ctx.paginate(glacier, "list_vaults", "VaultList", page_size=False))

    def convert(vault):
        name = vault["VaultName"]
        configuration = plain(vault)
        policy = ctx.detail(
            configuration,
            "Policy",
            lambda: glacier.get_vault_access_policy(vaultName=name),
            missing=("ResourceNotFoundException",),
        )
        configuration["Policy"] = parse_policy(((policy or {}).get("policy") or {}).get("Policy"))
        tags = ctx.detail(
            configuration, "tags", lambda: glacier.list_tags_for_vault(vaultName=name)
        )
        return Collected(
            arn=vault["VaultARN"],
            resource_type="vault",
            name=name,
            region=ctx.region,
            tags=tag_dict((tags or {}).get("Tags")),
            configuration=configuration,
        )

    def fallback(vault):
        return Collected(vault["VaultARN"], "vault", vault.get("VaultName", ""), ctx.region)

    return ctx.map(guarded(convert, fallback), vaults)


def collect_dynamodb(ctx: PartitionContext) -> list[Collected]:
    dynamodb = ctx.client("dynamodb")
    names = list(ctx.paginate(dynamodb, "list_tables", "TableNames"))
    # Which tables' capacities follow the load (Application Auto Scaling targets), read
    # once for the region: {"table/<name>": the scaled dimensions}.
    scaling: dict = {}
    targets = ctx.detail(
        scaling,
        "autoScaling",
        lambda: list(
            ctx.paginate(
                ctx.client("application-autoscaling"),
                "describe_scalable_targets",
                "ScalableTargets",
                ServiceNamespace="dynamodb",
            )
        ),
    )
    scaled: dict[str, list[str]] = {}
    for target in targets or []:
        scaled.setdefault(target.get("ResourceId", ""), []).append(
            target.get("ScalableDimension", "")
        )

    def convert(name):
        configuration: dict = {}
        described = ctx.detail(
            configuration, "describeTable", lambda: dynamodb.describe_table(TableName=name)
        )
        table = plain((described or {}).get("Table") or {})
        configuration.update(table)
        arn = (
            table.get("TableArn") or f"arn:aws:dynamodb:{ctx.region}:{ctx.account_id}:table/{name}"
        )
        backups = ctx.detail(
            configuration,
            "ContinuousBackups",
            lambda: dynamodb.describe_continuous_backups(TableName=name),
        )
        if backups is not None:
            configuration["ContinuousBackups"] = plain(backups.get("ContinuousBackupsDescription"))
        policy = ctx.detail(
            configuration,
            "resourcePolicy",
            lambda: dynamodb.get_resource_policy(ResourceArn=arn),
            missing=("PolicyNotFoundException",),
        )
        if "resourcePolicy" not in configuration.get("_errors", {}):
            configuration["ResourcePolicy"] = parse_policy((policy or {}).get("Policy"))
        if targets is None:  # the region's targets were not read: neither were the table's
            configuration.setdefault("_errors", {}).update(scaling.get("_errors", {}))
        else:
            configuration["AutoScaledDimensions"] = sorted(scaled.get(f"table/{name}", []))
        tags = ctx.detail(
            configuration, "tags", lambda: dynamodb.list_tags_of_resource(ResourceArn=arn)
        )
        return Collected(
            arn=arn,
            resource_type="table",
            name=name,
            region=ctx.region,
            tags=tag_dict((tags or {}).get("Tags")),
            configuration=configuration,
        )

    def fallback(name):
        arn = f"arn:aws:dynamodb:{ctx.region}:{ctx.account_id}:table/{name}"
        return Collected(arn, "table", name, ctx.region)

    return ctx.map(guarded(convert, fallback), names) + _collect_dax(ctx)


def _collect_dax(ctx: PartitionContext) -> list[Collected]:
    """DAX clusters (DynamoDB's in-memory cache): encryption at rest and in transit, and
    the zones of their nodes. Not every region has DAX: there, nothing is asked, so that
    the region's tables are still read."""
    if ctx.region not in service_regions("dax"):
        return []
    clusters = list(ctx.paginate(ctx.client("dax"), "describe_clusters", "Clusters"))

    def convert(cluster):
        return Collected(
            arn=cluster["ClusterArn"],
            resource_type="dax-cluster",
            name=cluster.get("ClusterName") or cluster["ClusterArn"],
            region=ctx.region,
            configuration=plain(cluster),
        )

    def fallback(cluster):
        arn = cluster["ClusterArn"]
        return Collected(arn, "dax-cluster", arn.rsplit("/", 1)[-1], ctx.region)

    return [c for c in map(guarded(convert, fallback), clusters) if c is not None]


def collect_sqs(ctx: PartitionContext) -> list[Collected]:
    sqs = ctx.client("sqs")
    urls = list(ctx.paginate(sqs, "list_queues", "QueueUrls"))

    def convert(url):
        name = url.rstrip("/").rsplit("/", 1)[-1]
        configuration: dict = {"QueueUrl": url}
        answer = ctx.detail(
            configuration,
            "attributes",
            lambda: sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"]),
        )
        attributes = dict((answer or {}).get("Attributes") or {})
        if "Policy" in attributes:
            attributes["Policy"] = parse_policy(attributes["Policy"])
        configuration.update(attributes)
        tags = ctx.detail(configuration, "tags", lambda: sqs.list_queue_tags(QueueUrl=url))
        return Collected(
            arn=attributes.get("QueueArn") or f"arn:aws:sqs:{ctx.region}:{ctx.account_id}:{name}",
            resource_type="queue",
            name=name,
            region=ctx.region,
            tags=tag_dict((tags or {}).get("Tags")),
            configuration=configuration,
        )

    def fallback(url):
        name = url.rstrip("/").rsplit("/", 1)[-1]
        return Collected(
            f"arn:aws:sqs:{ctx.region}:{ctx.account_id}:{name}", "queue", name, ctx.region
        )

    return ctx.map(guarded(convert, fallback), urls)


def collect_ses(ctx: PartitionContext) -> list[Collected]:
    # SES v2 returns an identity's policies, DKIM state and tags in one call.
    ses = ctx.client("sesv2")
    identities = list(
        ctx.pages_by_token(ses.list_email_identities, "EmailIdentities", PageSize=1000)
    )

    def convert(summary):
        identity = summary["IdentityName"]
        configuration = plain(summary)
        answer = ctx.detail(
            configuration, "identity", lambda: ses.get_email_identity(EmailIdentity=identity)
        )
        details = plain(answer or {})
        tags = tag_dict(details.pop("Tags", None))
        details["Policies"] = {
            k: parse_policy(v) for k, v in (details.get("Policies") or {}).items()
        }
        configuration.update(details)
        return Collected(
            arn=f"arn:aws:ses:{ctx.region}:{ctx.account_id}:identity/{identity}",
            resource_type="identity",
            name=identity,
            region=ctx.region,
            tags=tags,
            configuration=configuration,
        )

    def fallback(summary):
        identity = summary["IdentityName"]
        arn = f"arn:aws:ses:{ctx.region}:{ctx.account_id}:identity/{identity}"
        return Collected(arn, "identity", identity, ctx.region)

    return ctx.map(guarded(convert, fallback), identities)
