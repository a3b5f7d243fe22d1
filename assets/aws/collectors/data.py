"""Abstracted data services: S3 (buckets with a sample of their objects' ACLs, access
points, Multi-Region Access Points and the account's public access block), Glacier
vaults, DynamoDB tables (with their resource policy and auto scaling), DAX clusters, SQS
queues, SES identities and AWS Backup's plans (what they protect)."""

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

OBJECT_SAMPLE = 10  # objects whose ACL is read, per bucket whose ACLs can grant access
PUBLIC_GROUPS = (
    "http://acs.amazonaws.com/groups/global/AllUsers",
    "http://acs.amazonaws.com/groups/global/AuthenticatedUsers",
)
# HeadBucket's errors that still prove the bucket exists (someone else's, or elsewhere).
EXISTING_BUCKET = {"AccessDenied", "301", "PermanentRedirect"}
MULTI_REGION_ACCESS_POINTS_REGION = "us-west-2"  # their control plane's only region
# Bucket names AWS services create for an account on first use, predictable from the
# account and region: whoever creates one first (in any account) receives the
# service's files ("shadow resources", Aqua Security's research of 2024).
SHADOW_BUCKETS = {
    "AWS Glue": "aws-glue-assets-{account}-{region}",
    "Amazon SageMaker": "sagemaker-{region}-{account}",
    "Amazon EMR Studio": "aws-emr-studio-{account}-{region}",
    "AWS CodeStar": "aws-codestar-{region}-{account}",
}


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
        _sample_object_acls(ctx, client, name, configuration)
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
    regions = sorted({r.region for r in results if r is not None and r.resource_type == "bucket"})
    results += _access_points(ctx, regions)
    results.append(_shadow_buckets(ctx, s3, {b["Name"] for b in buckets}))

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


def _acls_can_grant(configuration: dict) -> bool:
    """Can an object ACL in this bucket give anyone access? Not when ACLs are disabled
    (BucketOwnerEnforced) or ignored by the bucket's public access block."""
    rules = (configuration.get("OwnershipControls") or {}).get("Rules") or []
    if any(rule.get("ObjectOwnership") == "BucketOwnerEnforced" for rule in rules):
        return False
    return not (configuration.get("PublicAccessBlock") or {}).get("IgnorePublicAcls")


def _sample_object_acls(ctx: PartitionContext, client, name: str, configuration: dict) -> None:
    """Where object ACLs can grant access, read the ACLs of the bucket's first objects
    (`ObjectSample`: how many were read, and the keys readable by everyone or by any AWS
    account). A spot check, as in Prowler: only disabling ACLs proves there are none."""
    if not _acls_can_grant(configuration):
        return
    listed = ctx.detail(
        configuration,
        "objectSample",
        lambda: client.list_objects_v2(Bucket=name, MaxKeys=OBJECT_SAMPLE),
    )
    if listed is None:
        return
    keys = [item["Key"] for item in listed.get("Contents") or []]

    def public(key):
        acl = ctx.detail(
            configuration, "objectAcl", lambda: client.get_object_acl(Bucket=name, Key=key)
        )
        grants = (acl or {}).get("Grants") or []
        uris = {(grant.get("Grantee") or {}).get("URI") for grant in grants}
        return key if uris & set(PUBLIC_GROUPS) else None

    configuration["ObjectSample"] = {
        "Sampled": len(keys),
        "PublicKeys": [key for key in map(public, keys) if key is not None],
    }


def _access_points(ctx: PartitionContext, regions: list[str]) -> list[Collected]:
    """The account's S3 access points (in the regions of its buckets: an access point
    lives in its bucket's region) and Multi-Region Access Points, each with its public
    access block."""
    results = []
    for region in regions:
        control = ctx.client("s3control", region)
        listed = ctx.pages_by_token(
            control.list_access_points, "AccessPointList", AccountId=ctx.account_id
        )

        def convert(point, control=control, region=region):
            configuration = plain(point)
            answer = ctx.detail(
                configuration,
                "accessPoint",
                lambda: control.get_access_point(AccountId=ctx.account_id, Name=point["Name"]),
            )
            if answer is not None:
                configuration["PublicAccessBlock"] = plain(
                    answer.get("PublicAccessBlockConfiguration")
                )
            arn = point.get("AccessPointArn") or (
                f"arn:aws:s3:{region}:{ctx.account_id}:accesspoint/{point['Name']}"
            )
            return Collected(arn, "access-point", point["Name"], region, {}, configuration)

        def fallback(point, region=region):
            arn = f"arn:aws:s3:{region}:{ctx.account_id}:accesspoint/{point['Name']}"
            return Collected(arn, "access-point", point["Name"], region)

        results += ctx.map(guarded(convert, fallback), list(listed))
    control = ctx.client("s3control", MULTI_REGION_ACCESS_POINTS_REGION)
    for point in ctx.pages_by_token(
        control.list_multi_region_access_points, "AccessPoints", AccountId=ctx.account_id
    ):
        arn = f"arn:aws:s3::{ctx.account_id}:accesspoint/{point.get('Alias') or point['Name']}"
        results.append(
            Collected(
                arn, "multi-region-access-point", point["Name"], GLOBAL_REGION, {}, plain(point)
            )
        )
    return results


def _shadow_buckets(ctx: PartitionContext, s3, own: set[str]) -> Collected:
    """The service buckets predictable for this account in each region of the sync that
    exist but are not the account's own (`Foreign`: {name: service}), stored as one
    record. HeadBucket answers 200, 403 or a redirect for a bucket that exists, 404 for
    none."""
    configuration: dict = {"Foreign": {}, "Probed": 0}
    for region in ctx.regions:
        for service, pattern in SHADOW_BUCKETS.items():
            name = pattern.format(account=ctx.account_id, region=region)
            if name in own:
                continue
            configuration["Probed"] += 1
            probe: dict = {}
            answer = ctx.detail(
                probe,
                "headBucket",
                lambda name=name: s3.head_bucket(Bucket=name),
                missing=("404", "NoSuchBucket", "NotFound"),
            )
            code = probe.get("_errors", {}).get("headBucket")
            if answer is not None or code in EXISTING_BUCKET:
                configuration["Foreign"][name] = service
            elif code:  # not known either way: the check is not evaluated
                configuration.setdefault("_errors", {})["headBucket"] = code
    return Collected(
        arn=f"arn:aws:s3::{ctx.account_id}:shadow-buckets",
        resource_type="shadow-buckets",
        name="S3 service bucket names",
        region=GLOBAL_REGION,
        configuration=configuration,
    )


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
    targets = ctx.region_read(
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
    for target in targets.answer or []:
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
        # The region's targets were not read: neither were the table's.
        if not targets.failed_on(configuration):
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

    return ctx.map(guarded(convert, fallback), names)


def collect_dax(ctx: PartitionContext) -> list[Collected]:
    """DAX clusters (DynamoDB's in-memory cache): encryption at rest and in transit, and
    the zones of their nodes. Not every region has DAX: there, nothing is asked (and
    nothing is there)."""
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


def collect_backup(ctx: PartitionContext) -> list[Collected]:
    """AWS Backup's plans in the region, stored as one record (`backup-plans`, like the
    RDS event subscriptions) so that the checks can tell "no plan protects this volume"
    from "the plans were not read". Each plan comes with its resource selections: the
    ARNs it selects (wildcards allowed), those it leaves out, and the tags and
    conditions that select resources by their tags."""
    backup = ctx.client("backup")
    configuration: dict = {}

    def with_selections(plan):
        plan_id = plan["BackupPlanId"]
        entry = {
            "BackupPlanId": plan_id,
            "BackupPlanName": plan.get("BackupPlanName"),
            "BackupPlanArn": plan.get("BackupPlanArn"),
        }
        listed = ctx.detail(
            configuration,
            "selections",
            lambda: list(
                ctx.paginate(
                    backup, "list_backup_selections", "BackupSelectionsList", BackupPlanId=plan_id
                )
            ),
        )
        selections = []
        for item in listed or []:
            answer = ctx.detail(
                configuration,
                "selections",
                lambda item=item: backup.get_backup_selection(
                    BackupPlanId=plan_id, SelectionId=item["SelectionId"]
                ),
            )
            if answer is not None:
                selections.append(plain(answer.get("BackupSelection") or {}))
        entry["Selections"] = selections
        return entry

    plans = list(ctx.paginate(backup, "list_backup_plans", "BackupPlansList"))
    configuration["Plans"] = ctx.map(with_selections, plans)
    return [
        Collected(
            arn=f"arn:aws:backup:{ctx.region}:{ctx.account_id}:backup-plans",
            resource_type="backup-plans",
            name=f"AWS Backup plans ({ctx.region})",
            region=ctx.region,
            configuration=configuration,
        )
    ]
