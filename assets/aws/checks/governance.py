"""Governance: every resource serves a business asset (and so has an owner)."""

from __future__ import annotations

from assets.aws.checks.base import Severity, Threat, failed, passed
from assets.aws.checks.registry import check

OWNABLE = (
    ("ec2", "instance"),
    ("ec2", "security-group"),
    ("vpc", "vpc"),
    ("ebs", "volume"),
    ("ebs", "snapshot"),
    ("autoscaling", "auto-scaling-group"),
    ("rds", "db-instance"),
    ("rds", "db-cluster"),
    ("emr", "cluster"),
    ("elasticbeanstalk", "environment"),
    ("s3", "bucket"),
    ("glacier", "vault"),
    ("dynamodb", "table"),
    ("sqs", "queue"),
    ("ses", "identity"),
)


def _aws_default(resource) -> bool:
    """The default VPC and its default security group exist in every region unasked."""
    config = resource.configuration
    return bool(config.get("IsDefault")) or (
        resource.resource_type == "security-group" and config.get("GroupName") == "default"
    )


@check(
    id="governance-resource-unowned",
    title="Resource linked to no asset (nobody owns it)",
    service="governance",
    resource_types=OWNABLE,
    severity=Severity.LOW,
    threat=Threat.DISCLOSURE,
    rationale="A resource no business asset depends on has no owner: nobody reviews its "
    "access, patches it or decides to delete it, and its risk is counted nowhere.",
    console="In the ISMS: open the resource and link it to the asset it serves, tag it "
    "isms:asset=<asset ref> in AWS, or add a link rule; delete it if nobody needs it.",
    cli="aws resourcegroupstaggingapi tag-resources --resource-arn-list <arn> "
    "--tags isms:asset=<asset ref>",
    iso27001=("5.9",),
    csf=("ID.AM-02",),
    needs=(),
)
def resource_unowned(resource, estate):
    if resource.linked or _aws_default(resource):
        return passed()
    return failed(f"No asset depends on {resource.resource_type} {resource.name}.")
