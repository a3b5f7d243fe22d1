"""S3 checks: public access (the account's block, the bucket's block, ACL grants,
bucket policies), versioning and MFA delete, replication, KMS encryption, HTTPS."""

from __future__ import annotations

from assets.aws.checks import policies
from assets.aws.checks.base import Severity, Threat, as_list, dig, failed, not_evaluated, passed
from assets.aws.checks.registry import check

BUCKET = (("s3", "bucket"),)
BLOCK_FLAGS = ("BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy", "RestrictPublicBuckets")
PUBLIC_GRANTEES = {
    "http://acs.amazonaws.com/groups/global/AllUsers": "everyone (AllUsers)",
    "http://acs.amazonaws.com/groups/global/AuthenticatedUsers": "any AWS account "
    "(AuthenticatedUsers)",
}
KMS_ALGORITHMS = {"aws:kms", "aws:kms:dsse"}


def _flags_off(block) -> list[str]:
    if not isinstance(block, dict):
        return list(BLOCK_FLAGS)
    return [flag for flag in BLOCK_FLAGS if not block.get(flag)]


def _account_block(estate):
    """The account-wide block's configuration, or None when it was not collected."""
    account = estate.one("s3", "account-public-access-block")
    if account is None or account.errors or "PublicAccessBlock" not in account.configuration:
        return None
    return account.configuration["PublicAccessBlock"] or {}


@check(
    id="s3-account-public-access-block-off",
    title="S3 public access block off for the account",
    service="s3",
    resource_types=(("s3", "account-public-access-block"),),
    severity=Severity.HIGH,
    threat=Threat.DISCLOSURE,
    rationale="The account-wide block is the one switch that keeps every bucket, present "
    "and future, from being made public by a mistaken ACL or policy.",
    console="S3 > Block Public Access settings for this account > Edit: tick Block all "
    "public access.",
    cli="aws s3control put-public-access-block --account-id <account-id> "
    "--public-access-block-configuration BlockPublicAcls=true,IgnorePublicAcls=true,"
    "BlockPublicPolicy=true,RestrictPublicBuckets=true",
    iso27001=("8.3", "8.12", "5.23"),
    csf=("PR.DS-01", "PR.AA-05"),
    needs=("PublicAccessBlock",),
)
def account_block(resource, estate):
    if "PublicAccessBlock" not in resource.configuration:
        return not_evaluated("The account's public access block was not read.")
    off = _flags_off(resource.configuration["PublicAccessBlock"])
    if off:
        return failed("Account-wide settings off: " + ", ".join(off) + ".")
    return passed()


@check(
    id="s3-bucket-public-access-block-off",
    title="S3 public access block off for a bucket",
    service="s3",
    resource_types=BUCKET,
    severity=Severity.MEDIUM,
    threat=Threat.DISCLOSURE,
    rationale="Without the block (here or for the whole account), one careless ACL or "
    "policy is enough to publish the bucket's objects.",
    console="S3 > the bucket > Permissions > Block public access (bucket settings) > "
    "Edit: tick Block all public access.",
    cli="aws s3api put-public-access-block --bucket <bucket> "
    "--public-access-block-configuration BlockPublicAcls=true,IgnorePublicAcls=true,"
    "BlockPublicPolicy=true,RestrictPublicBuckets=true",
    iso27001=("8.3", "8.12"),
    csf=("PR.DS-01",),
    needs=("PublicAccessBlock",),
)
def bucket_block(resource, estate):
    off = _flags_off(resource.configuration.get("PublicAccessBlock"))
    if not off:
        return passed()
    account = _account_block(estate)
    if account is not None:
        off = [flag for flag in off if not account.get(flag)]
        if not off:
            return passed()  # the account-wide block covers what the bucket leaves off
    return failed(f"Bucket {resource.name}: " + ", ".join(off) + " off (bucket and account).")


@check(
    id="s3-bucket-public-acl",
    title="S3 bucket ACL grants access to everyone",
    service="s3",
    resource_types=BUCKET,
    severity=Severity.CRITICAL,
    threat=Threat.DISCLOSURE,
    rationale="An ACL grant to AllUsers or AuthenticatedUsers lets anyone list or read "
    "(or even write) the bucket.",
    console="S3 > the bucket > Permissions > Access control list (ACL) > Edit: remove "
    "Everyone and Authenticated users groups; prefer Object Ownership: Bucket owner "
    "enforced (ACLs disabled).",
    cli="aws s3api put-bucket-acl --bucket <bucket> --acl private && aws s3api "
    "put-bucket-ownership-controls --bucket <bucket> --ownership-controls "
    "Rules=[{ObjectOwnership=BucketOwnerEnforced}]",
    iso27001=("8.3", "8.12"),
    csf=("PR.DS-01", "PR.AA-05"),
    needs=("Acl",),
)
def bucket_public_acl(resource, estate):
    acl = resource.configuration.get("Acl")
    if acl is None:
        return not_evaluated("The bucket's ACL was not read.")
    grants = []
    for grant in as_list(acl.get("Grants")):
        who = PUBLIC_GRANTEES.get(dig(grant, "Grantee", "URI"))
        if who:
            grants.append(f"{grant.get('Permission')} to {who}")
    if not grants:
        return passed()
    neutralised = resource.configuration.get("PublicAccessBlock") or {}
    account = _account_block(estate) or {}
    note = (
        " (ignored for now by IgnorePublicAcls)"
        if neutralised.get("IgnorePublicAcls") or account.get("IgnorePublicAcls")
        else ""
    )
    return failed(f"ACL grants {', '.join(grants)}{note}.")


def _open_policy(resource, kind: str, document):
    found = policies.public_statements(document)
    if not found:
        return passed()
    return failed(f"{kind} policy: " + "; ".join(policies.describe(s) for s in found) + ".")


@check(
    id="s3-bucket-policy-public",
    title="S3 bucket policy open to *",
    service="s3",
    resource_types=BUCKET,
    severity=Severity.CRITICAL,
    threat=Threat.DISCLOSURE,
    rationale="A policy allowing Principal * without a condition on the caller or the "
    "network publishes the bucket to the internet.",
    console="S3 > the bucket > Permissions > Bucket policy > Edit: name the principals "
    "(accounts, roles) or add a condition (aws:SourceArn, aws:PrincipalOrgID, "
    "aws:SourceVpce); for a website, serve it through CloudFront with origin access control.",
    cli="aws s3api put-bucket-policy --bucket <bucket> --policy file://restricted.json",
    iso27001=("8.3", "8.12"),
    csf=("PR.DS-01", "PR.AA-05"),
    needs=("Policy",),
)
def bucket_policy_public(resource, estate):
    return _open_policy(resource, "Bucket", resource.configuration.get("Policy"))


@check(
    id="s3-bucket-versioning-off",
    title="S3 bucket versioning off",
    service="s3",
    resource_types=BUCKET,
    severity=Severity.MEDIUM,
    threat=Threat.DELETION,
    rationale="Versioning is off by default; without it an overwrite or a delete destroys "
    "the object for good.",
    console="S3 > the bucket > Properties > Bucket Versioning > Edit: Enable.",
    cli="aws s3api put-bucket-versioning --bucket <bucket> "
    "--versioning-configuration Status=Enabled",
    iso27001=("8.13",),
    csf=("PR.DS-11",),
    needs=("Versioning",),
)
def bucket_versioning(resource, estate):
    status = dig(resource.configuration, "Versioning", "Status")
    if status == "Enabled":
        return passed()
    return failed(f"Versioning of {resource.name} is {status or 'never enabled'}.")


@check(
    id="s3-bucket-mfa-delete-off",
    title="S3 bucket MFA delete off",
    service="s3",
    resource_types=BUCKET,
    severity=Severity.LOW,
    threat=Threat.DELETION,
    rationale="With MFA delete, permanently deleting a version or suspending versioning "
    "needs the root user's MFA code: stolen keys alone cannot wipe the history.",
    console="MFA delete can only be enabled by the root user with the CLI or API.",
    cli="aws s3api put-bucket-versioning --bucket <bucket> --versioning-configuration "
    "Status=Enabled,MFADelete=Enabled --mfa '<root-mfa-serial> <code>'",
    iso27001=("8.13",),
    csf=("PR.DS-11", "PR.AA-03"),
    needs=("Versioning",),
)
def bucket_mfa_delete(resource, estate):
    if dig(resource.configuration, "Versioning", "MFADelete") == "Enabled":
        return passed()
    return failed(f"Versions of {resource.name} can be deleted without MFA.")


@check(
    id="s3-bucket-no-replication",
    title="S3 bucket not replicated",
    service="s3",
    resource_types=BUCKET,
    severity=Severity.LOW,
    threat=Threat.AVAILABILITY,
    rationale="Without replication, the bucket's data lives in one region and one account: "
    "a regional outage or a compromised account takes it away.",
    console="S3 > the bucket > Management > Replication rules > Create replication rule "
    "(to another region, ideally another account).",
    cli="aws s3api put-bucket-replication --bucket <bucket> "
    "--replication-configuration file://replication.json",
    iso27001=("8.13", "8.14"),
    csf=("PR.DS-11", "PR.IR-03"),
    needs=("Replication",),
)
def bucket_replication(resource, estate):
    rules = as_list(dig(resource.configuration, "Replication", "Rules"))
    if any(rule.get("Status") == "Enabled" for rule in rules):
        return passed()
    return failed(f"Bucket {resource.name} has no enabled replication rule.")


@check(
    id="s3-bucket-encryption-not-kms",
    title="S3 default encryption is not KMS",
    service="s3",
    resource_types=BUCKET,
    severity=Severity.LOW,
    threat=Threat.DISCLOSURE,
    rationale="SSE-S3 protects against stolen disks only; SSE-KMS adds a key whose use is "
    "logged and whose policy is a second gate in front of the data.",
    console="S3 > the bucket > Properties > Default encryption > Edit: SSE-KMS, with a bucket key.",
    cli="aws s3api put-bucket-encryption --bucket <bucket> "
    '--server-side-encryption-configuration \'{"Rules":[{"ApplyServerSideEncryptionBy'
    'Default":{"SSEAlgorithm":"aws:kms"},"BucketKeyEnabled":true}]}\'',
    iso27001=("8.24",),
    csf=("PR.DS-01",),
    needs=("Encryption",),
)
def bucket_encryption(resource, estate):
    rules = as_list(dig(resource.configuration, "Encryption", "Rules"))
    algorithms = [dig(rule, "ApplyServerSideEncryptionByDefault", "SSEAlgorithm") for rule in rules]
    if any(a in KMS_ALGORITHMS for a in algorithms):
        return passed()
    used = ", ".join(a for a in algorithms if a) or "no default encryption configured"
    return failed(f"Bucket {resource.name}: {used}.")


@check(
    id="s3-bucket-https-not-enforced",
    title="S3 bucket policy does not enforce HTTPS",
    service="s3",
    resource_types=BUCKET,
    severity=Severity.MEDIUM,
    threat=Threat.DISCLOSURE,
    rationale="Unless the policy denies requests where aws:SecureTransport is false, "
    "clients may read and write objects over plain HTTP.",
    console="S3 > the bucket > Permissions > Bucket policy > Edit: add a Deny of s3:* "
    "for Principal * with the condition Bool aws:SecureTransport false.",
    cli="aws s3api put-bucket-policy --bucket <bucket> --policy file://deny-insecure.json",
    iso27001=("8.24", "8.20"),
    csf=("PR.DS-02",),
    needs=("Policy",),
)
def bucket_https(resource, estate):
    for statement in policies.statements(resource.configuration.get("Policy")):
        if statement.get("Effect") != "Deny" or "*" not in policies.principals(statement):
            continue
        secure = dig(statement, "Condition", "Bool", "aws:SecureTransport")
        if str(secure).lower() == "false":
            return passed()
    return failed(f"No statement of {resource.name}'s policy denies aws:SecureTransport false.")


@check(
    id="s3-bucket-access-logging-off",
    title="S3 bucket without server access logging",
    service="s3",
    resource_types=BUCKET,
    severity=Severity.MEDIUM,
    threat=Threat.DISCLOSURE,
    rationale="Without access logs nobody can tell, after a leak, which objects were read "
    "or deleted, by whom and from where.",
    console="S3 > the bucket > Properties > Server access logging > Edit: Enable, with a "
    "separate log bucket.",
    cli="aws s3api put-bucket-logging --bucket <bucket> --bucket-logging-status "
    '\'{"LoggingEnabled":{"TargetBucket":"<log-bucket>","TargetPrefix":"<bucket>/"}}\'',
    iso27001=("8.15",),
    csf=("DE.CM-01", "PR.PS-04"),
    needs=("Logging",),
)
def bucket_access_logging(resource, estate):
    config = resource.configuration
    if "Logging" not in config:
        return not_evaluated("Its logging configuration was not collected.")
    if isinstance(config["Logging"], dict) and config["Logging"].get("TargetBucket"):
        return passed()
    return failed(f"Bucket {resource.name} keeps no access log.")


@check(
    id="s3-bucket-acls-enabled",
    title="S3 bucket with ACLs enabled",
    service="s3",
    resource_types=BUCKET,
    severity=Severity.MEDIUM,
    threat=Threat.DISCLOSURE,
    rationale="While ACLs are enabled, any object can carry its own grant (to everyone, "
    "to another account) that the bucket policy does not show; with Object Ownership "
    "set to Bucket owner enforced, only policies decide who reads what.",
    console="S3 > the bucket > Permissions > Object Ownership > Edit: ACLs disabled "
    "(Bucket owner enforced); log delivery buckets switch to a bucket policy for the "
    "logging service first.",
    cli="aws s3api put-bucket-ownership-controls --bucket <bucket> --ownership-controls "
    "Rules=[{ObjectOwnership=BucketOwnerEnforced}]",
    iso27001=("8.3",),
    csf=("PR.AA-05",),
    needs=("OwnershipControls",),
)
def bucket_acls_enabled(resource, estate):
    config = resource.configuration
    if "OwnershipControls" not in config:
        return not_evaluated("Its object ownership setting was not collected.")
    rules = as_list(dig(config, "OwnershipControls", "Rules"))
    if any(r.get("ObjectOwnership") == "BucketOwnerEnforced" for r in rules):
        return passed()
    setting = ", ".join(str(r.get("ObjectOwnership")) for r in rules) or "not set"
    return failed(f"Bucket {resource.name} honours ACLs (object ownership: {setting}).")


@check(
    id="s3-bucket-object-lock-off",
    title="S3 bucket without Object Lock",
    service="s3",
    resource_types=BUCKET,
    severity=Severity.LOW,
    threat=Threat.DELETION,
    rationale="Without Object Lock, whoever holds delete permissions (a stolen key, "
    "ransomware, a careless script) can destroy every version; a retention period makes "
    "records and backups immutable for as long as they must be kept.",
    console="S3 > the bucket > Properties > Object Lock > Edit: Enable, with a default "
    "retention in governance or compliance mode (versioning must be on).",
    cli="aws s3api put-object-lock-configuration --bucket <bucket> "
    "--object-lock-configuration 'ObjectLockEnabled=Enabled,Rule={DefaultRetention="
    "{Mode=GOVERNANCE,Days=30}}'",
    iso27001=("8.13", "5.33"),
    csf=("PR.DS-11",),
    needs=("ObjectLock",),
)
def bucket_object_lock(resource, estate):
    config = resource.configuration
    if "ObjectLock" not in config:
        return not_evaluated("Its Object Lock configuration was not collected.")
    if dig(config, "ObjectLock", "ObjectLockEnabled") == "Enabled":
        return passed()
    return failed(f"Objects in {resource.name} can be deleted or overwritten at any time.")


@check(
    id="s3-bucket-lifecycle-off",
    title="S3 bucket without an enabled lifecycle rule",
    service="s3",
    resource_types=BUCKET,
    severity=Severity.LOW,
    threat=Threat.DISCLOSURE,
    rationale="Without lifecycle rules data is kept forever: old exports and noncurrent "
    "versions outlive their retention period, which is both a disclosure risk and a "
    "breach of the retention schedule.",
    console="S3 > the bucket > Management > Create lifecycle rule: expire (or move to an "
    "archive class) current and noncurrent versions after the retention period.",
    cli="aws s3api put-bucket-lifecycle-configuration --bucket <bucket> "
    "--lifecycle-configuration file://lifecycle.json",
    iso27001=("8.10",),
    csf=("PR.DS-01",),
    needs=("Lifecycle",),
)
def bucket_lifecycle(resource, estate):
    config = resource.configuration
    if "Lifecycle" not in config:
        return not_evaluated("Its lifecycle configuration was not collected.")
    if any(r.get("Status") == "Enabled" for r in as_list(config["Lifecycle"])):
        return passed()
    return failed(f"Bucket {resource.name} has no enabled lifecycle rule.")


@check(
    id="s3-bucket-cross-account",
    title="S3 bucket policy shares the bucket with other accounts",
    service="s3",
    resource_types=BUCKET,
    severity=Severity.MEDIUM,
    threat=Threat.DISCLOSURE,
    rationale="A bucket policy naming other AWS accounts gives their users access to the "
    "data, outside this account's IAM and its access reviews; each such grant must be a "
    "known, documented partner.",
    console="S3 > the bucket > Permissions > Bucket policy > Edit: remove the other "
    "accounts' principals, or restrict them with aws:PrincipalOrgID to your organisation.",
    cli="aws s3api put-bucket-policy --bucket <bucket> --policy file://own-account-only.json",
    iso27001=("5.15", "5.19"),
    csf=("PR.AA-05",),
    needs=("Policy",),
)
def bucket_cross_account(resource, estate):
    others = policies.foreign_accounts(resource.configuration.get("Policy"), resource.account_id)
    if others:
        return failed(f"Bucket {resource.name} is shared with: {', '.join(others)}.")
    return passed()


NOTIFICATION_KINDS = (
    "TopicConfigurations",
    "QueueConfigurations",
    "LambdaFunctionConfigurations",
    "EventBridgeConfiguration",
)


@check(
    id="s3-bucket-event-notifications-off",
    title="S3 bucket without event notifications",
    service="s3",
    resource_types=BUCKET,
    severity=Severity.LOW,
    threat=Threat.INTEGRITY,
    rationale="Without event notifications nobody and nothing hears of objects created, "
    "overwritten or deleted: an unexpected mass deletion or upload is noticed late.",
    console="S3 > the bucket > Properties > Event notifications: create a notification for "
    "object created and removed events (or turn on Amazon EventBridge).",
    cli="aws s3api put-bucket-notification-configuration --bucket <bucket> "
    "--notification-configuration '{\"EventBridgeConfiguration\": {}}'",
    iso27001=("8.16",),
    csf=("DE.CM-09",),
    needs=("Notifications",),
)
def bucket_notifications(resource, estate):
    notifications = resource.configuration.get("Notifications")
    if notifications is None:
        return not_evaluated("The bucket's notification configuration was not read.")
    if any(kind in notifications for kind in NOTIFICATION_KINDS):
        return passed()
    return failed(f"Bucket {resource.name} notifies nobody of changes to its objects.")


def _block_outcome(resource, estate, kind: str):
    """An access point's public access block, with the account-wide block's flags
    covering what it leaves off (AWS applies the stricter of the two)."""
    configuration = resource.configuration
    if "PublicAccessBlock" not in configuration:
        return not_evaluated(f"The {kind}'s public access block was not read.")
    off = _flags_off(configuration["PublicAccessBlock"])
    account = _account_block(estate)
    if account is not None:
        off = [flag for flag in off if not account.get(flag)]
    if off:
        return failed(f"{kind.capitalize()} {resource.name}: " + ", ".join(off) + " off.")
    return passed()


@check(
    id="s3-access-point-public-access-block-off",
    title="S3 access point without a full public access block",
    service="s3",
    resource_types=(("s3", "access-point"),),
    severity=Severity.HIGH,
    threat=Threat.DISCLOSURE,
    rationale="An access point has its own policy and its own block; with the block "
    "partly off, a public access-point policy publishes the bucket's objects even when "
    "the bucket itself is blocked.",
    console="An access point's block is fixed at creation: create a new access point with "
    "every Block Public Access setting on, move its users to it and delete the old one.",
    cli="aws s3control create-access-point --account-id <account-id> --name <name> "
    "--bucket <bucket> --public-access-block-configuration BlockPublicAcls=true,"
    "IgnorePublicAcls=true,BlockPublicPolicy=true,RestrictPublicBuckets=true",
    iso27001=("8.3", "8.12"),
    csf=("PR.DS-01", "PR.AA-05"),
    needs=("accessPoint",),
)
def access_point_block(resource, estate):
    return _block_outcome(resource, estate, "access point")


@check(
    id="s3-multi-region-access-point-public-access-block-off",
    title="S3 Multi-Region Access Point without a full public access block",
    service="s3",
    resource_types=(("s3", "multi-region-access-point"),),
    severity=Severity.HIGH,
    threat=Threat.DISCLOSURE,
    rationale="A Multi-Region Access Point fronts buckets in several regions; with its "
    "block partly off, its policy can open all of them to the internet at once.",
    console="The block is fixed at creation: create a new Multi-Region Access Point with "
    "every Block Public Access setting on, move its users and delete the old one.",
    cli="aws s3control create-multi-region-access-point --account-id <account-id> "
    "--details 'Name=<name>,PublicAccessBlock={BlockPublicAcls=true,IgnorePublicAcls=true,"
    "BlockPublicPolicy=true,RestrictPublicBuckets=true},Regions=[{Bucket=<bucket>}]'",
    iso27001=("8.3", "8.12"),
    csf=("PR.DS-01", "PR.AA-05"),
    needs=(),
)
def multi_region_access_point_block(resource, estate):
    return _block_outcome(resource, estate, "multi-region access point")


@check(
    id="s3-object-public-acl",
    title="S3 objects readable by everyone through their ACL",
    service="s3",
    resource_types=BUCKET,
    severity=Severity.HIGH,
    threat=Threat.DISCLOSURE,
    rationale="An object ACL granting AllUsers or AuthenticatedUsers publishes that "
    "object whatever the bucket's policy says; the collector reads the ACLs of a "
    "bucket's first objects wherever ACLs can still grant access.",
    console="S3 > the bucket > Permissions > Object Ownership > Edit: Bucket owner "
    "enforced (ACLs disabled), which voids every object ACL at once.",
    cli="aws s3api put-bucket-ownership-controls --bucket <bucket> --ownership-controls "
    "Rules=[{ObjectOwnership=BucketOwnerEnforced}]",
    iso27001=("8.3", "8.12"),
    csf=("PR.DS-01",),
    needs=("objectSample", "objectAcl"),
)
def object_public_acl(resource, estate):
    sample = resource.configuration.get("ObjectSample")
    if not sample or not sample.get("PublicKeys"):
        return passed()  # ACLs disabled or ignored, or no sampled object is public
    account = _account_block(estate)
    if account is not None and account.get("IgnorePublicAcls"):
        return passed()  # the account-wide block voids public ACLs
    keys = sample["PublicKeys"]
    more = f" (and {len(keys) - 3} more)" if len(keys) > 3 else ""
    return failed(
        f"{len(keys)} of {sample.get('Sampled')} sampled objects are public: "
        f"{', '.join(keys[:3])}{more}."
    )


@check(
    id="s3-shadow-bucket-taken",
    title="A service bucket name of this account exists in another account",
    service="s3",
    resource_types=(("s3", "shadow-buckets"),),
    severity=Severity.HIGH,
    threat=Threat.INTEGRITY,
    rationale="Glue, SageMaker, EMR Studio and CodeStar write to buckets named after the "
    "account and region; if someone else created that bucket first, the service will "
    "write the account's scripts and data into it, or run code read from it.",
    console="Do not use the service in that region until AWS support or the service's "
    "settings let it use a bucket of yours; create your own buckets with these names in "
    "every region you use, before anyone else can.",
    cli="aws s3api create-bucket --bucket <predictable-name> --create-bucket-configuration "
    "LocationConstraint=<region>",
    iso27001=("8.12", "5.23"),
    csf=("PR.DS-01", "ID.RA-01"),
    needs=("headBucket",),
)
def shadow_bucket_taken(resource, estate):
    foreign = resource.configuration.get("Foreign")
    if foreign is None:
        return not_evaluated("The predictable service bucket names were not probed.")
    if foreign:
        names = ", ".join(f"{name} ({service})" for name, service in sorted(foreign.items()))
        return failed(f"Owned by another account: {names}.")
    return passed()
