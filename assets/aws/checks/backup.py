"""AWS Backup (issue 18): is each EBS volume, RDS instance and cluster and DynamoDB table
selected by a backup plan of its region? A plan selects resources by ARN (wildcards
allowed), by tag (`ListOfTags`, any one matching) and narrows them with `Conditions`
(all holding) and `NotResources`."""

from __future__ import annotations

from fnmatch import fnmatchcase

from assets.aws.checks.base import Severity, Threat, as_list, failed, not_evaluated, passed
from assets.aws.checks.registry import check

_OPERATORS = {
    "StringEquals": lambda value, wanted: value == wanted,
    "StringNotEquals": lambda value, wanted: value != wanted,
    "StringLike": lambda value, wanted: value is not None and fnmatchcase(value, wanted),
    "StringNotLike": lambda value, wanted: value is None or not fnmatchcase(value, wanted),
}


def _tag_key(condition_key: str) -> str:
    return condition_key.removeprefix("aws:ResourceTag/")


def _condition_holds(operator: str, condition: dict, tags: dict) -> bool:
    value = tags.get(_tag_key(str(condition.get("ConditionKey", ""))))
    return _OPERATORS[operator](value, str(condition.get("ConditionValue", "")))


def selects(selection: dict, arn: str, tags: dict) -> bool:
    """Does a backup selection (GetBackupSelection's `BackupSelection`) take the
    resource `arn` with `tags`?"""
    by_arn = any(fnmatchcase(arn, pattern) for pattern in as_list(selection.get("Resources")))
    by_tag = any(
        _condition_holds("StringEquals", condition, tags)
        for condition in as_list(selection.get("ListOfTags"))
    )
    if not (by_arn or by_tag):
        return False
    conditions = selection.get("Conditions") or {}
    for operator, entries in conditions.items():
        if operator in _OPERATORS and not all(
            _condition_holds(operator, entry, tags) for entry in as_list(entries)
        ):
            return False
    return not any(fnmatchcase(arn, pattern) for pattern in as_list(selection.get("NotResources")))


def _plans(estate, region: str):
    """The region's backup plans record, or the reason it cannot be used."""
    records = {r.region: r for r in estate.by_type.get(("backup", "backup-plans"), [])}
    record = records.get(region)
    if record is None:
        return None, f"AWS Backup's plans in {region} were not collected."
    if record.uncollected or "selections" in record.errors:
        return None, f"AWS Backup's plans in {region} could not be read."
    return as_list(record.configuration.get("Plans")), ""


def _not_in_plan(resource, estate):
    plans, reason = _plans(estate, resource.region)
    if plans is None:
        return not_evaluated(reason)
    for plan in plans:
        for selection in as_list(plan.get("Selections")):
            if selects(selection, resource.arn, resource.tags or {}):
                return passed()
    return failed(f"No backup plan in {resource.region} selects {resource.name}.")


def _rds_instance_not_in_plan(resource, estate):
    if resource.configuration.get("DBClusterIdentifier"):
        return passed()  # an Aurora or Multi-AZ cluster's member is backed up with it
    return _not_in_plan(resource, estate)


_COMMON = {
    "severity": Severity.MEDIUM,
    "threat": Threat.AVAILABILITY,
    "iso27001": ("8.13", "5.30"),
    "csf": ("PR.DS-11",),
    "needs": (),
}
_CONSOLE = (
    "AWS Backup > Backup plans > the plan (or Create backup plan) > Assign resources: "
    "include the {what} by ARN or by a tag it carries."
)
_CLI = (
    "aws backup create-backup-selection --backup-plan-id <plan-id> --backup-selection "
    "'SelectionName=<name>,IamRoleArn=<role-arn>,Resources=[<{what}-arn>]'"
)

for _id, _title, _service, _type, _what, _why, _evaluate in (
    (
        "ebs-volume-not-in-backup-plan",
        "EBS volume not selected by any backup plan",
        "ebs",
        ("ebs", "volume"),
        "volume",
        "A volume no backup plan selects has no scheduled, retained and restorable copy: "
        "a deleted or encrypted-by-ransomware disk is lost.",
        _not_in_plan,
    ),
    (
        "rds-instance-not-in-backup-plan",
        "RDS instance not selected by any backup plan",
        "rds",
        ("rds", "db-instance"),
        "instance",
        "RDS's own automated backups end with the instance and keep 35 days at most; a "
        "backup plan keeps copies apart, for as long as the policy says, in a vault that "
        "can be locked.",
        _rds_instance_not_in_plan,
    ),
    (
        "rds-cluster-not-in-backup-plan",
        "RDS cluster not selected by any backup plan",
        "rds",
        ("rds", "db-cluster"),
        "cluster",
        "A cluster's automated backups end with the cluster and keep 35 days at most; a "
        "backup plan keeps copies apart, for as long as the policy says, in a vault that "
        "can be locked.",
        _not_in_plan,
    ),
    (
        "dynamodb-table-not-in-backup-plan",
        "DynamoDB table not selected by any backup plan",
        "dynamodb",
        ("dynamodb", "table"),
        "table",
        "Point-in-time recovery keeps 35 days; a backup plan keeps copies for as long as "
        "the retention policy says, in a vault that can be locked against deletion.",
        _not_in_plan,
    ),
):
    check(
        id=_id,
        title=_title,
        service=_service,
        resource_types=(_type,),
        rationale=_why,
        console=_CONSOLE.format(what=_what),
        cli=_CLI.format(what=_what),
        **_COMMON,
    )(_evaluate)
