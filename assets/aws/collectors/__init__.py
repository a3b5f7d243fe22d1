"""The collectors of the AWS connector, one per service (see docs/aws.md).

`COLLECTORS` maps a service code of the catalogue (assets/catalogue.py) to the function
that lists that service's resources in one region, and says whether the service is
regional or global (IAM, S3: collected once per account, in the partition "global").
"""

from collections.abc import Callable
from dataclasses import dataclass

from assets.aws.collectors import compute, containers, data, iam, security
from assets.aws.collectors.base import GLOBAL_REGION, Collected, PartitionContext, error_code


@dataclass(frozen=True)
class Collector:
    service: str
    collect: Callable[[PartitionContext], list[Collected]]
    is_global: bool = False


COLLECTORS = {
    c.service: c
    for c in [
        Collector("ec2", compute.collect_ec2),
        Collector("vpc", compute.collect_vpc),
        Collector("ebs", compute.collect_ebs),
        Collector("autoscaling", compute.collect_autoscaling),
        Collector("rds", containers.collect_rds),
        Collector("emr", containers.collect_emr),
        Collector("elasticbeanstalk", containers.collect_elasticbeanstalk),
        Collector("s3", data.collect_s3, is_global=True),
        Collector("glacier", data.collect_glacier),
        Collector("dynamodb", data.collect_dynamodb),
        Collector("dax", data.collect_dax),
        Collector("sqs", data.collect_sqs),
        Collector("ses", data.collect_ses),
        Collector("iam", iam.collect_iam, is_global=True),
        Collector("cloudtrail", security.collect_cloudtrail),
        Collector("kms", security.collect_kms),
        Collector("backup", data.collect_backup),
    ]
}


def partitions_for(regions: list[str]) -> list[tuple[str, str]]:
    """Every (region, service) a sync of an account with `regions` collects."""
    result = []
    for collector in COLLECTORS.values():
        if collector.is_global:
            result.append((GLOBAL_REGION, collector.service))
        else:
            result.extend((region, collector.service) for region in regions)
    return sorted(result)


__all__ = ["COLLECTORS", "GLOBAL_REGION", "Collected", "Collector", "error_code", "partitions_for"]
