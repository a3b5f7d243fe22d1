"""More CloudTrail checks (issue 18, Prowler's list for CloudTrail): the trail's bucket
(MFA delete, access logging, public access), Insights, and whether each region's
management events and S3 object reads and writes are recorded."""

from __future__ import annotations

from assets.aws.checks.base import (
    Outcome,
    Result,
    Severity,
    Threat,
    as_list,
    failed,
    not_evaluated,
    passed,
)
from assets.aws.checks.engine import evaluate
from assets.aws.checks.registry import CATALOGUE, check
from assets.aws.checks.security import COVERAGE, TRAIL

S3_OBJECT = "AWS::S3::Object"
ALL_BUCKETS = {"arn:aws:s3", "arn:aws:s3:::"}


def _bucket_of(trail, estate):
    buckets = estate.cached(
        ("s3", "buckets by name"),
        lambda: {b.name: b for b in estate.by_type.get(("s3", "bucket"), [])},
    )
    return buckets.get(trail.configuration.get("S3BucketName"))


def _through_bucket(trail, estate, check_ids: tuple[str, ...]) -> Outcome:
    """The bucket checks `check_ids` on the trail's bucket, worded for the trail."""
    name = trail.configuration.get("S3BucketName")
    if not name:
        return not_evaluated("The trail names no S3 bucket.")
    bucket = _bucket_of(trail, estate)
    if bucket is None:
        return not_evaluated(
            f"Bucket {name} is not among this account's collected buckets (another "
            "account's, or S3 was not collected)."
        )
    outcomes = [evaluate(CATALOGUE[c], bucket, estate) for c in check_ids]
    failures = [o.detail for o in outcomes if o.result == Result.FAIL]
    if failures:
        return failed(f"Trail {trail.name} logs to bucket {name}: " + " ".join(failures))
    unknown = [o.detail for o in outcomes if o.result == Result.NOT_EVALUATED]
    return not_evaluated(f"Bucket {name}: " + " ".join(unknown)) if unknown else passed()


@check(
    id="cloudtrail-bucket-mfa-delete-off",
    title="CloudTrail bucket without MFA delete",
    service="cloudtrail",
    resource_types=TRAIL,
    severity=Severity.MEDIUM,
    threat=Threat.INTEGRITY,
    rationale="Whoever steals a key with delete rights on the trail's bucket can erase "
    "the logs of what they did; MFA delete makes removing log versions need the root "
    "user's MFA device.",
    console="MFA delete cannot be turned on in the console: the root user enables it with "
    "the CLI (below), with versioning.",
    cli="aws s3api put-bucket-versioning --bucket <trail-bucket> --versioning-configuration "
    "Status=Enabled,MFADelete=Enabled --mfa '<root-mfa-serial> <code>'",
    iso27001=("8.15",),
    csf=("PR.PS-04", "PR.DS-01"),
    needs=(),
)
def bucket_mfa_delete(resource, estate):
    return _through_bucket(resource, estate, ("s3-bucket-mfa-delete-off",))


@check(
    id="cloudtrail-bucket-access-logging-off",
    title="CloudTrail bucket without server access logging",
    service="cloudtrail",
    resource_types=TRAIL,
    severity=Severity.LOW,
    threat=Threat.INTEGRITY,
    rationale="Who read or deleted the audit logs themselves is only known if the trail's "
    "bucket logs its own accesses (to another bucket).",
    console="S3 > the trail's bucket > Properties > Server access logging > Edit: Enable, "
    "with a target bucket other than this one.",
    cli="aws s3api put-bucket-logging --bucket <trail-bucket> --bucket-logging-status "
    '\'{"LoggingEnabled":{"TargetBucket":"<log-bucket>","TargetPrefix":"trail/"}}\'',
    iso27001=("8.15",),
    csf=("PR.PS-04", "DE.CM-01"),
    needs=(),
)
def bucket_access_logging(resource, estate):
    return _through_bucket(resource, estate, ("s3-bucket-access-logging-off",))


@check(
    id="cloudtrail-bucket-public",
    title="CloudTrail bucket readable by everyone",
    service="cloudtrail",
    resource_types=TRAIL,
    severity=Severity.CRITICAL,
    threat=Threat.DISCLOSURE,
    rationale="Trail logs map the estate: every identity, resource, address and the calls "
    "that work; public, they are an attacker's reconnaissance done for them.",
    console="S3 > the trail's bucket > Permissions: turn Block public access on, and "
    "remove public grants from the ACL and the bucket policy.",
    cli="aws s3api put-public-access-block --bucket <trail-bucket> "
    "--public-access-block-configuration BlockPublicAcls=true,IgnorePublicAcls=true,"
    "BlockPublicPolicy=true,RestrictPublicBuckets=true",
    iso27001=("8.15", "8.3"),
    csf=("PR.AA-05", "PR.DS-01"),
    needs=(),
)
def bucket_public(resource, estate):
    return _through_bucket(resource, estate, ("s3-bucket-public-acl", "s3-bucket-policy-public"))


@check(
    id="cloudtrail-insights-off",
    title="CloudTrail trail without Insights",
    service="cloudtrail",
    resource_types=TRAIL,
    severity=Severity.LOW,
    threat=Threat.INTEGRITY,
    rationale="Insights flags unusual rates of write calls or errors (a script deleting "
    "resources, credentials being tried), which nobody reading logs by hand notices in time.",
    console="CloudTrail > Trails > the trail > Insights events > Edit: API call rate and "
    "API error rate.",
    cli="aws cloudtrail put-insight-selectors --trail-name <trail> --insight-selectors "
    '\'[{"InsightType":"ApiCallRateInsight"},{"InsightType":"ApiErrorRateInsight"}]\'',
    iso27001=("8.16",),
    csf=("DE.CM-01", "DE.AE-02"),
    needs=("insightSelectors",),
)
def insights_off(resource, estate):
    selectors = resource.configuration.get("InsightSelectors")
    if selectors is None:
        return not_evaluated("The trail's Insights selectors were not read.")
    return passed() if selectors else failed(f"Trail {resource.name} has no Insights selector.")


def _trails_by_arn(estate) -> dict:
    return estate.cached(
        ("cloudtrail", "trails by arn"),
        lambda: {t.arn: t for t in estate.by_type.get(("cloudtrail", "trail"), [])},
    )


def _fields(selector: dict) -> dict[str, list[str]]:
    """An advanced selector's {field: values it must equal}."""
    return {
        str(f.get("Field")): [str(v) for v in as_list(f.get("Equals"))]
        for f in as_list(selector.get("FieldSelectors"))
        if isinstance(f, dict)
    }


def _restricted(selector: dict) -> bool:
    """Whether an advanced selector narrows its events beyond category and type."""
    narrowing = {"eventCategory", "resources.type", "readOnly"}
    return any(
        str(f.get("Field")) not in narrowing or set(f) - {"Field", "Equals"}
        for f in as_list(selector.get("FieldSelectors"))
        if isinstance(f, dict)
    )


def _records(config: dict, category: str, rw: str) -> bool | None:
    """Whether a trail records every `category` event ("Management", or "Data" for S3
    objects of every bucket) of kind `rw` ("read" or "write"); None when its selectors
    were not read."""
    if "EventSelectors" not in config:
        return None
    if category == "Management" and not config.get("HasCustomEventSelectors"):
        return True  # AWS's default selector: every management event, read and write
    wanted = {"read": {"All", "ReadOnly"}, "write": {"All", "WriteOnly"}}[rw]
    for selector in as_list(config.get("EventSelectors")):
        if selector.get("ReadWriteType", "All") not in wanted:
            continue
        if category == "Management" and selector.get("IncludeManagementEvents", True):
            return True
        if category == "Data" and any(
            d.get("Type") == S3_OBJECT and ALL_BUCKETS & set(as_list(d.get("Values")))
            for d in as_list(selector.get("DataResources"))
        ):
            return True
    for selector in as_list(config.get("AdvancedEventSelectors")):
        fields = _fields(selector)
        if fields.get("eventCategory") != [category] or _restricted(selector):
            continue
        if category == "Data" and fields.get("resources.type") != [S3_OBJECT]:
            continue
        read_only = fields.get("readOnly")
        if read_only is None or read_only == [{"read": "true", "write": "false"}[rw]]:
            return True
    return False


def _region_records(coverage, estate, category: str, rw: str, *, multi_region: bool) -> Outcome:
    trails = _trails_by_arn(estate)
    unknown = []
    for entry in as_list(coverage.configuration.get("Trails")):
        if multi_region and not entry.get("IsMultiRegionTrail"):
            continue
        if entry.get("IsLogging") is None:
            unknown.append(entry.get("Name") or "?")
        if entry.get("IsLogging") is not True:
            continue
        trail = trails.get(entry.get("TrailARN"))
        recorded = None if trail is None else _records(trail.configuration, category, rw)
        if recorded:
            return passed()
        if recorded is None:
            unknown.append(entry.get("Name") or "?")
    if unknown:
        return not_evaluated(
            "The status or event selectors of trail(s) "
            + ", ".join(sorted(unknown))
            + " could not be read."
        )
    return failed("")


@check(
    id="cloudtrail-no-management-events-trail",
    title="Region with no multi-region trail recording every management event",
    service="cloudtrail",
    resource_types=COVERAGE,
    severity=Severity.HIGH,
    threat=Threat.INTEGRITY,
    rationale="A multi-region trail whose selectors drop read or write management events "
    "misses exactly the calls an investigation needs: who listed the keys, who changed "
    "the policy.",
    console="CloudTrail > Trails > the multi-region trail > Management events > Edit: API "
    "activity Read and Write, exclude nothing.",
    cli="aws cloudtrail put-event-selectors --trail-name <trail> --event-selectors "
    '\'[{"ReadWriteType":"All","IncludeManagementEvents":true}]\'',
    iso27001=("8.15", "8.16"),
    csf=("PR.PS-04", "DE.CM-01"),
    needs=(),
)
def management_events(resource, estate):
    reads = _region_records(resource, estate, "Management", "read", multi_region=True)
    writes = _region_records(resource, estate, "Management", "write", multi_region=True)
    if reads.result == Result.PASS and writes.result == Result.PASS:
        return passed()
    for outcome in (reads, writes):
        if outcome.result == Result.NOT_EVALUATED:
            return outcome
    return failed(
        f"No logging multi-region trail records every read and write management event of "
        f"{resource.region}."
    )


def _data_events(resource, estate, rw: str) -> Outcome:
    outcome = _region_records(resource, estate, "Data", rw, multi_region=False)
    if outcome.result != Result.FAIL:
        return outcome
    verb = {"read": "reads", "write": "writes"}[rw]
    return failed(
        f"No logging trail records the S3 object {verb} of every bucket in {resource.region}."
    )


@check(
    id="cloudtrail-s3-object-reads-not-logged",
    title="Region where no trail records S3 object reads",
    service="cloudtrail",
    resource_types=COVERAGE,
    severity=Severity.LOW,
    threat=Threat.DISCLOSURE,
    rationale="Management events do not say who downloaded which object: after a leak, "
    "only S3 data events tell which customer files were read, and by whom.",
    console="CloudTrail > Trails > the trail > Data events > Edit: Data event type S3, "
    "all current and future buckets, Read.",
    cli="aws cloudtrail put-event-selectors --trail-name <trail> --advanced-event-selectors "
    '\'[{"FieldSelectors":[{"Field":"eventCategory","Equals":["Data"]},'
    '{"Field":"resources.type","Equals":["AWS::S3::Object"]}]}]\'',
    iso27001=("8.15", "8.12"),
    csf=("DE.CM-01", "PR.PS-04"),
    needs=(),
)
def s3_reads(resource, estate):
    return _data_events(resource, estate, "read")


@check(
    id="cloudtrail-s3-object-writes-not-logged",
    title="Region where no trail records S3 object writes",
    service="cloudtrail",
    resource_types=COVERAGE,
    severity=Severity.LOW,
    threat=Threat.INTEGRITY,
    rationale="Who overwrote or deleted which object (ransomware, a faulty job, an "
    "insider) is only recorded by S3 data events.",
    console="CloudTrail > Trails > the trail > Data events > Edit: Data event type S3, "
    "all current and future buckets, Write.",
    cli="aws cloudtrail put-event-selectors --trail-name <trail> --advanced-event-selectors "
    '\'[{"FieldSelectors":[{"Field":"eventCategory","Equals":["Data"]},'
    '{"Field":"resources.type","Equals":["AWS::S3::Object"]}]}]\'',
    iso27001=("8.15", "8.13"),
    csf=("DE.CM-01", "PR.PS-04"),
    needs=(),
)
def s3_writes(resource, estate):
    return _data_events(resource, estate, "write")
