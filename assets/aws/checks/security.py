"""CloudTrail and KMS checks: is the API activity of every region recorded, are the
records protected, and do customer keys rotate (auditors ask for these under Annex A
8.15 logging, 8.16 monitoring and 8.24 cryptography)."""

from __future__ import annotations

from assets.aws.checks import policies
from assets.aws.checks.base import Severity, Threat, as_list, failed, not_evaluated, passed
from assets.aws.checks.registry import check

TRAIL = (("cloudtrail", "trail"),)
COVERAGE = (("cloudtrail", "trail-coverage"),)


def _recording(coverage: dict) -> tuple[list[dict], bool]:
    """(trails known to be logging in this region, whether any status was unreadable)."""
    trails = as_list(coverage.get("Trails"))
    return [t for t in trails if t.get("IsLogging") is True], any(
        t.get("IsLogging") is None for t in trails
    )


@check(
    id="cloudtrail-region-not-logged",
    title="Region whose API activity no CloudTrail trail records",
    service="cloudtrail",
    resource_types=COVERAGE,
    severity=Severity.HIGH,
    threat=Threat.INTEGRITY,
    rationale="Without a trail, nobody can tell who created, changed or deleted what in "
    "this region: an intrusion, a leaked key's use or an insider's change leaves no record.",
    console="CloudTrail > Trails > Create trail: apply it to all regions, with log file "
    "validation and a KMS key, delivering to a dedicated bucket.",
    cli="aws cloudtrail create-trail --name org-trail --s3-bucket-name <bucket> "
    "--is-multi-region-trail --enable-log-file-validation --kms-key-id <key> && "
    "aws cloudtrail start-logging --name org-trail",
    iso27001=("8.15", "8.16"),
    csf=("PR.PS-04", "DE.CM-01"),
    needs=(),
)
def region_not_logged(resource, estate):
    recording, unknown = _recording(resource.configuration)
    if recording:
        return passed()
    if unknown:
        return not_evaluated("The logging status of a trail could not be read.")
    trails = as_list(resource.configuration.get("Trails"))
    if trails:
        names = ", ".join(sorted(t.get("Name") or "?" for t in trails))
        return failed(f"The trails that cover {resource.region} ({names}) are not logging.")
    return failed(f"No trail records the API activity of {resource.region}.")


@check(
    id="cloudtrail-no-multi-region-trail",
    title="Region recorded by no multi-region trail",
    service="cloudtrail",
    resource_types=COVERAGE,
    severity=Severity.MEDIUM,
    threat=Threat.INTEGRITY,
    rationale="Single-region trails leave every other region, including ones enabled "
    "later, unrecorded; attackers use forgotten regions for exactly that reason.",
    console="CloudTrail > Trails > the trail > General details > Edit: Enable for all "
    "regions (or create an organisation trail).",
    cli="aws cloudtrail update-trail --name <trail> --is-multi-region-trail",
    iso27001=("8.15", "8.16"),
    csf=("PR.PS-04", "DE.CM-01"),
    needs=(),
)
def no_multi_region_trail(resource, estate):
    recording, unknown = _recording(resource.configuration)
    if any(t.get("IsMultiRegionTrail") for t in recording):
        return passed()
    if unknown:
        return not_evaluated("The logging status of a trail could not be read.")
    return failed(f"No logging multi-region trail covers {resource.region}.")


@check(
    id="cloudtrail-log-validation-off",
    title="CloudTrail trail without log file validation",
    service="cloudtrail",
    resource_types=TRAIL,
    severity=Severity.MEDIUM,
    threat=Threat.INTEGRITY,
    rationale="Without digest files, a log altered or deleted after delivery cannot be "
    "detected, so the trail is weak evidence after an incident.",
    console="CloudTrail > Trails > the trail > General details > Edit: Log file "
    "validation, Enabled.",
    cli="aws cloudtrail update-trail --name <trail> --enable-log-file-validation",
    iso27001=("8.15",),
    csf=("PR.PS-04", "PR.DS-01"),
    needs=(),
)
def log_validation(resource, estate):
    if resource.configuration.get("LogFileValidationEnabled") is True:
        return passed()
    return failed(f"Trail {resource.name} delivers logs without integrity digests.")


@check(
    id="cloudtrail-not-kms-encrypted",
    title="CloudTrail trail not encrypted with a KMS key",
    service="cloudtrail",
    resource_types=TRAIL,
    severity=Severity.MEDIUM,
    threat=Threat.DISCLOSURE,
    rationale="Trail logs describe the whole estate (who, what, from where); encrypting "
    "them with a customer key adds a second permission check and a record of every read.",
    console="CloudTrail > Trails > the trail > General details > Edit: Log file SSE-KMS "
    "encryption, Enabled, with a customer managed key.",
    cli="aws cloudtrail update-trail --name <trail> --kms-key-id <key-arn>",
    iso27001=("8.24", "8.15"),
    csf=("PR.DS-01",),
    needs=(),
)
def trail_kms(resource, estate):
    if resource.configuration.get("KmsKeyId"):
        return passed()
    return failed(f"Trail {resource.name} is not encrypted with a KMS key.")


def _aws_managed(config: dict) -> bool:
    """AWS's own keys: KeyManager AWS, or an alias under alias/aws/, which AWS reserves
    for the keys it manages (some fakes report those keys as customer managed)."""
    return config.get("KeyManager") != "CUSTOMER" or any(
        str(alias).startswith("alias/aws/") for alias in as_list(config.get("Aliases"))
    )


@check(
    id="kms-key-rotation-off",
    title="Customer managed KMS key without automatic rotation",
    service="kms",
    resource_types=(("kms", "key"),),
    severity=Severity.MEDIUM,
    threat=Threat.DISCLOSURE,
    rationale="A key that never rotates protects ever more data with the same material; "
    "yearly automatic rotation limits what one compromised key version exposes.",
    console="KMS > Customer managed keys > the key > Key rotation: Automatically rotate "
    "this KMS key every year.",
    cli="aws kms enable-key-rotation --key-id <key-id>",
    iso27001=("8.24",),
    csf=("PR.DS-01",),
    needs=("describe", "rotation"),
)
def key_rotation(resource, estate):
    config = resource.configuration
    if _aws_managed(config) or config.get("KeyState") != "Enabled":
        return passed()  # AWS rotates its own keys; a disabled key protects nothing new
    if config.get("KeySpec", "SYMMETRIC_DEFAULT") != "SYMMETRIC_DEFAULT":
        return passed()  # asymmetric and HMAC keys cannot rotate automatically
    if config.get("Origin", "AWS_KMS") != "AWS_KMS":
        return passed()  # imported key material is rotated by hand
    if "KeyRotationEnabled" not in config:
        return not_evaluated("Its rotation status was not collected.")
    if config["KeyRotationEnabled"]:
        return passed()
    return failed(f"Key {resource.name} ({config.get('KeyId')}) never rotates.")


@check(
    id="kms-key-disabled",
    title="Customer managed KMS key disabled",
    service="kms",
    resource_types=(("kms", "key"),),
    severity=Severity.LOW,
    threat=Threat.AVAILABILITY,
    rationale="A disabled key still costs money and, more to the point, whatever it "
    "encrypted can no longer be read: either the data is kept for nothing or the key "
    "was disabled by mistake.",
    console="KMS > Customer managed keys > the key: Enable it if data depends on it, "
    "otherwise Schedule key deletion.",
    cli="aws kms enable-key --key-id <key-id>  (or: aws kms schedule-key-deletion "
    "--key-id <key-id> --pending-window-in-days 30)",
    iso27001=("8.24", "5.9"),
    csf=("PR.DS-01", "ID.AM-08"),
    needs=("describe",),
)
def key_disabled(resource, estate):
    config = resource.configuration
    if not _aws_managed(config) and config.get("KeyState") == "Disabled":
        return failed(f"Key {resource.name} ({config.get('KeyId')}) is disabled.")
    return passed()


@check(
    id="kms-key-policy-public",
    title="Customer managed KMS key whose policy is open to *",
    service="kms",
    resource_types=(("kms", "key"),),
    severity=Severity.CRITICAL,
    threat=Threat.DISCLOSURE,
    rationale="A key policy that allows Principal * without a condition lets any AWS "
    "account use the key: whoever gets hold of the ciphertext (a shared snapshot, a "
    "copied backup) can decrypt it.",
    console="KMS > Customer managed keys > the key > Key policy > Edit: replace * by the "
    "accounts and roles that need the key, or add a condition such as "
    "aws:PrincipalOrgID.",
    cli="aws kms put-key-policy --key-id <key-id> --policy-name default "
    "--policy file://restricted.json",
    iso27001=("8.24", "8.3"),
    csf=("PR.DS-01", "PR.AA-05"),
    needs=("policy",),
)
def key_policy_public(resource, estate):
    config = resource.configuration
    if _aws_managed(config):
        return passed()  # AWS writes the policies of its own keys
    if "Policy" not in config:
        return not_evaluated("The key policy was not collected.")
    found = policies.public_statements(config["Policy"])
    if not found:
        return passed()
    return failed("Key policy: " + "; ".join(policies.describe(s) for s in found) + ".")


@check(
    id="cloudtrail-no-cloudwatch-logs",
    title="CloudTrail trail not delivering to CloudWatch Logs",
    service="cloudtrail",
    resource_types=TRAIL,
    severity=Severity.MEDIUM,
    threat=Threat.INTEGRITY,
    rationale="A trail that only writes files to S3 is read after the fact, if at all; "
    "sent to CloudWatch Logs, its events can raise alarms within minutes (root login, "
    "policy changes, disabled logging).",
    console="CloudTrail > Trails > the trail > CloudWatch Logs > Edit: Enabled, with a log "
    "group and the role CloudTrail uses to write to it; then add metric filters and alarms.",
    cli="aws cloudtrail update-trail --name <trail> --cloud-watch-logs-log-group-arn "
    "<log-group-arn> --cloud-watch-logs-role-arn <role-arn>",
    iso27001=("8.15", "8.16"),
    csf=("DE.CM-01", "PR.PS-04"),
    needs=(),
)
def trail_cloudwatch(resource, estate):
    if resource.configuration.get("CloudWatchLogsLogGroupArn"):
        return passed()
    return failed(f"Trail {resource.name} sends its events to no CloudWatch Logs log group.")
