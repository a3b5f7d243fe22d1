"""Security checks benchmark: the whole catalogue over 10,000 stored AWS resources.

Creates a throw-away test database (tests/settings.py; PostgreSQL when DATABASE_URL
points at one), stores `--resources` resources with the configurations the collectors
write (a realistic mix of services, about a quarter of them misconfigured, half linked
to assets), then times `findings_evaluate`:

1. first evaluation: every failing check creates its finding (bulk inserts in batches of
   1,000, audit events likewise);
2. steady state: the same estate again (no transition, only evaluation times change);
3. after a fix: 10% of the open security groups closed, so their findings resolve.

It also reports the pure check time (the engine over the in-memory resources, no
database) and the SQL queries of each evaluation. Target: under 5 s per evaluation.

    .venv/bin/python benchmarks/checks_evaluate.py [--resources 10000]
"""

import argparse
import os
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402
from django.utils import timezone  # noqa: E402

from assets import services as asset_services  # noqa: E402
from assets.aws import checks  # noqa: E402
from assets.catalogue import sync_catalogue  # noqa: E402
from assets.findings import services  # noqa: E402
from assets.models import (  # noqa: E402
    AwsAccount,
    AwsResource,
    AwsResourceLink,
    AwsService,
    Finding,
)

SSH = {"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}
HTTPS = {"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}
REGIONS = ["eu-west-1", "eu-central-1"]


def configuration(kind: str, index: int, rng: random.Random) -> dict:
    bad = rng.random() < 0.25
    zone = REGIONS[index % 2] + "a"
    if kind == "instance":
        return {
            "InstanceId": f"i-{index:08x}",
            "PublicIpAddress": f"203.0.113.{index % 250}" if bad else None,
            "SecurityGroups": [{"GroupId": f"sg-{(index % 1500):06d}"}],
            "State": {"Name": "running"},
        }
    if kind == "security-group":
        return {
            "GroupId": f"sg-{index:06d}",
            "GroupName": f"g{index}",
            "IpPermissions": [SSH if bad else HTTPS],
        }
    if kind == "volume":
        return {"VolumeId": f"vol-{index:08x}", "Encrypted": not bad, "Size": 20}
    if kind == "subnet":
        return {
            "SubnetId": f"subnet-{index}",
            "VpcId": f"vpc-{index % 50}",
            "AvailabilityZone": zone,
        }
    if kind == "vpc":
        return {"VpcId": f"vpc-{index}", "IsDefault": False}
    if kind == "bucket":
        return {
            "Versioning": {"Status": "Enabled"} if not bad else None,
            "Encryption": {
                "Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms"}}]
            },
            "PublicAccessBlock": {
                "BlockPublicAcls": True,
                "IgnorePublicAcls": True,
                "BlockPublicPolicy": True,
                "RestrictPublicBuckets": True,
            },
            "Acl": {"Grants": []},
            "Policy": None,
            "Replication": None,
        }
    if kind == "user":
        return {
            "ConsoleAccess": bad,
            "MFADevices": [],
            "AccessKeys": [],
            "AttachedPolicies": [],
            "InlinePolicies": {},
        }
    if kind == "queue":
        return {"SqsManagedSseEnabled": "false" if bad else "true", "Policy": None}
    if kind == "table":
        return {
            "SSEDescription": {"SSEType": "KMS", "Status": "ENABLED"},
            "ContinuousBackups": {
                "PointInTimeRecoveryDescription": {
                    "PointInTimeRecoveryStatus": "DISABLED" if bad else "ENABLED"
                }
            },
        }
    return {
        "StorageEncrypted": not bad,
        "MultiAZ": True,
        "BackupRetentionPeriod": 7,
        "PubliclyAccessible": False,
    }


MIX = [  # (service, type, share)
    ("ec2", "instance", 0.30),
    ("ec2", "security-group", 0.15),
    ("ebs", "volume", 0.15),
    ("vpc", "subnet", 0.095),
    ("vpc", "vpc", 0.005),
    ("s3", "bucket", 0.05),
    ("iam", "user", 0.05),
    ("sqs", "queue", 0.05),
    ("dynamodb", "table", 0.05),
    ("rds", "db-instance", 0.10),
]


def seed(total: int):
    sync_catalogue(AwsService)
    services_by_code = {s.code: s for s in AwsService.objects.all()}
    account = AwsAccount.objects.create(
        name="Bench", account_id="210987654321", role_arn="arn:aws:iam::210987654321:role/r"
    )
    assets = [
        asset_services.asset_create(
            user=None,
            data={
                "name": f"Asset {n}",
                "asset_class": "support",
                "category": "software",
                "value_usd": 1000 * (n + 1),
            },
        )
        for n in range(200)
    ]
    rng = random.Random(5)
    now = timezone.now()
    rows = []
    for service, kind, share in MIX:
        for index in range(int(total * share)):
            region = REGIONS[index % 2]
            rows.append(
                AwsResource(
                    account=account,
                    arn=f"arn:aws:{service}:{region}:210987654321:{kind}/{index}",
                    service=services_by_code[service],
                    resource_type=kind,
                    region=region,
                    partition_region="global" if service in ("s3", "iam") else region,
                    name=f"{kind}-{index}",
                    configuration=configuration(kind, index, rng),
                    first_seen=now,
                    last_seen=now,
                )
            )
    AwsResource.objects.bulk_create(rows, batch_size=1000)
    links = [
        AwsResourceLink(resource_id=pk, asset=rng.choice(assets), source="manual")
        for pk in AwsResource.objects.values_list("pk", flat=True)
        if rng.random() < 0.5
    ]
    AwsResourceLink.objects.bulk_create(links, batch_size=1000)
    return account, len(rows)


def timed(label: str, account, now=None):
    with CaptureQueriesContext(connection) as queries:
        start = time.perf_counter()
        snapshot = services.findings_evaluate(account=account, now=now)
        elapsed = time.perf_counter() - start
    print(
        f"{label:<44} {elapsed:6.2f} s  {len(queries):4d} queries  "
        f"{snapshot.open_findings:5d} open  {Finding.objects.count():5d} findings"
    )
    return elapsed


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--resources", type=int, default=10_000)
    args = parser.parse_args()
    setup_test_environment()
    connection.creation.create_test_db(verbosity=0, autoclobber=True)
    account, stored = seed(args.resources)
    print(
        f"Database: {connection.vendor}; {stored} stored resources; {len(checks.CATALOGUE)} checks"
    )

    resources, _, _ = services._load_estate(account, {}, timezone.now())
    start = time.perf_counter()
    estate = checks.Estate(resources, now=timezone.now())
    results = sum(1 for _ in checks.run(resources, estate))
    print(
        f"{'engine only (no database)':<44} {time.perf_counter() - start:6.2f} s  {results} results"
    )

    timed("first evaluation (findings created)", account)
    timed("steady state (nothing changes)", account)
    groups = AwsResource.objects.filter(
        resource_type="security-group", findings__status="open"
    ).distinct()
    fixed = list(groups.values_list("pk", flat=True)[: max(groups.count() // 10, 1)])
    for resource in AwsResource.objects.filter(pk__in=fixed):
        resource.configuration = {**resource.configuration, "IpPermissions": [HTTPS]}
        resource.save(update_fields=["configuration"])
    timed(f"after fixing {len(fixed)} security groups", account)


if __name__ == "__main__":
    main()
