"""Stored resources for the page and API tests: the configuration the collectors would
have written, without a fake AWS (the collectors themselves are exercised in
test_checks_aws.py and test_lifecycle.py)."""

import datetime

from django.utils import timezone

from assets.catalogue import sync_catalogue
from assets.models import AwsResource, AwsResourceLink, AwsService
from assets.models.aws import LinkSource

OPEN_SSH = {
    "GroupId": "sg-1",
    "GroupName": "web",
    "NetworkInterfaceCount": 1,
    "IpPermissions": [
        {"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}
    ],
}


def stored_resource(
    account, service, resource_type, name, configuration, *, region="eu-west-1", asset=None
):
    if not AwsService.objects.filter(code=service).exists():
        sync_catalogue(AwsService)
    now = timezone.now()
    resource = AwsResource.objects.create(
        account=account,
        arn=f"arn:aws:{service}:{region}:{account.account_id}:{resource_type}/{name}",
        service=AwsService.objects.get(code=service),
        resource_type=resource_type,
        region=region,
        partition_region=region,
        name=name,
        configuration=configuration,
        first_seen=now,
        last_seen=now,
    )
    if asset is not None:
        AwsResourceLink.objects.create(resource=resource, asset=asset, source=LinkSource.MANUAL)
    return resource


def sample_estate(account, asset=None):
    """A security group open on SSH (high), an unencrypted public RDS instance without
    backups in one zone (high x3, medium) and an unencrypted volume (medium), all linked
    to `asset` when given; a backup plan of the region selects everything."""
    stored_resource(account, "ec2", "security-group", "web", OPEN_SSH, asset=asset)
    stored_resource(
        account,
        "rds",
        "db-instance",
        "customers",
        {
            "StorageEncrypted": False,
            "MultiAZ": False,
            "BackupRetentionPeriod": 0,
            "PubliclyAccessible": True,
            "DeletionProtection": True,
            "EnabledCloudwatchLogsExports": ["postgresql"],
            "Engine": "postgres",
            "Endpoint": {"Port": 6432},
            "MonitoringInterval": 60,
            "IAMDatabaseAuthenticationEnabled": True,
            "CertificateDetails": {"ValidTill": "2099-01-01T00:00:00+00:00"},
            "DBSubnetGroup": {"VpcId": "vpc-1"},
            "TlsParameters": {"rds.force_ssl": "1"},
            "EngineVersionStatus": "available",
        },
        asset=asset,
    )
    stored_resource(
        account,
        "ebs",
        "volume",
        "scratch",
        {"Encrypted": False, "Size": 8, "VolumeId": "vol-1"},
        asset=asset,
    )
    stored_resource(
        account,
        "ebs",
        "snapshot",
        "scratch-nightly",
        {"VolumeId": "vol-1", "Encrypted": True, "Public": False},
        asset=asset,
    )
    stored_resource(
        account,
        "backup",
        "backup-plans",
        "plans",
        {"Plans": [{"Selections": [{"Resources": ["*"]}]}]},
    )


def check_input(service, resource_type, configuration, *, name="r", region="eu-west-1", pk=1):
    """A resource as the checks see it (not stored), for configurations the fake AWS
    cannot produce; `region` "global" (IAM) leaves the ARN's region empty."""
    from assets.aws.checks import Resource
    from tests.assets.aws.conftest import ACCOUNT_ID

    arn_region = "" if region == "global" else region
    return Resource(
        pk=pk,
        arn=f"arn:aws:{service}:{arn_region}:{ACCOUNT_ID}:{resource_type}/{name}",
        account_id=ACCOUNT_ID,
        service=service,
        resource_type=resource_type,
        region=region,
        name=name,
        configuration=configuration,
    )


CHECKED_AT = datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)


def check_outcome(check_id, item, *others, now=CHECKED_AT):
    """The outcome (result and detail) of one check on `item`, in an estate of `item` and
    `others`, evaluated at `now`."""
    from assets.aws.checks import CATALOGUE, Estate
    from assets.aws.checks.engine import evaluate

    return evaluate(CATALOGUE[check_id], item, Estate([item, *others], now=now))


def check_result(check_id, item, *others):
    """The result (pass, fail, not evaluated) of one check on `item`, in an estate of
    `item` and `others`."""
    return check_outcome(check_id, item, *others).result
