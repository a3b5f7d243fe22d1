"""The checks that close the gap with Prowler on the seed's services (issue 18): instance
exposure and metadata, default groups, subnets, flow logs, key pairs, snapshots, RDS
deletion protection, CloudTrail, KMS and Elastic Beanstalk. Each against an estate built
in the fake AWS and collected by the real collectors, with a failing and a passing case
(or "not evaluated" where the fake AWS cannot serve the data); what moto cannot produce
is checked on stored configurations at the end."""

import datetime

import pytest

from assets.aws.checks import CATALOGUE, Estate, Result
from assets.aws.checks.engine import evaluate
from tests.assets.aws.conftest import REGIONS
from tests.assets.checks.factories import check_input as _stored

pytestmark = pytest.mark.django_db
WORLD = [{"CidrIp": "0.0.0.0/0"}]
AMI = "ami-12c6146b"


def _named(name):
    return [{"ResourceType": "instance", "Tags": [{"Key": "Name", "Value": name}]}]


def test_instance_network_and_key_checks(fake_aws, aws_account, estate, run_sync, outcome):
    ec2 = estate.client("ec2")
    default_vpc = ec2.describe_vpcs(Filters=[{"Name": "is-default", "Values": ["true"]}])["Vpcs"][0]
    db_group = ec2.create_security_group(
        GroupName="db-open", Description="db", VpcId=default_vpc["VpcId"]
    )["GroupId"]
    ec2.authorize_security_group_ingress(
        GroupId=db_group,
        IpPermissions=[{"IpProtocol": "tcp", "FromPort": 3306, "ToPort": 3306, "IpRanges": WORLD}],
    )
    ec2.create_key_pair(KeyName="deploy")
    ec2.create_key_pair(KeyName="forgotten")
    # The default VPC's subnets give instances public addresses.
    ec2.run_instances(
        ImageId=AMI,
        MinCount=1,
        MaxCount=1,
        KeyName="deploy",
        SecurityGroupIds=[db_group],
        TagSpecifications=_named("legacy-db"),
    )
    private_vpc = ec2.create_vpc(CidrBlock="10.30.0.0/16")["Vpc"]["VpcId"]
    ec2.create_tags(Resources=[private_vpc], Tags=[{"Key": "Name", "Value": "private"}])
    subnet = ec2.create_subnet(
        VpcId=private_vpc, CidrBlock="10.30.1.0/24", AvailabilityZone=REGIONS[0] + "a"
    )["Subnet"]["SubnetId"]
    ec2.create_tags(Resources=[subnet], Tags=[{"Key": "Name", "Value": "private-a"}])
    ec2.run_instances(
        ImageId=AMI,
        MinCount=1,
        MaxCount=1,
        SubnetId=subnet,
        MetadataOptions={"HttpTokens": "required", "HttpEndpoint": "enabled"},
        TagSpecifications=_named("hardened"),
    )
    # The private VPC's default group loses its rules; its traffic is logged.
    default_group = ec2.describe_security_groups(
        Filters=[
            {"Name": "vpc-id", "Values": [private_vpc]},
            {"Name": "group-name", "Values": ["default"]},
        ]
    )["SecurityGroups"][0]
    ec2.create_tags(
        Resources=[default_group["GroupId"]], Tags=[{"Key": "Name", "Value": "private-default"}]
    )
    if default_group.get("IpPermissions"):
        ec2.revoke_security_group_ingress(
            GroupId=default_group["GroupId"], IpPermissions=default_group["IpPermissions"]
        )
    if default_group.get("IpPermissionsEgress"):
        ec2.revoke_security_group_egress(
            GroupId=default_group["GroupId"], IpPermissions=default_group["IpPermissionsEgress"]
        )
    estate.client("s3", "us-east-1").create_bucket(Bucket="flow-logs")
    ec2.create_flow_logs(
        ResourceIds=[private_vpc],
        ResourceType="VPC",
        TrafficType="ALL",
        LogDestinationType="s3",
        LogDestination="arn:aws:s3:::flow-logs",
    )

    run = run_sync(aws_account)
    assert run.status == "succeeded"

    status, detail = outcome(aws_account, "ec2-instance-public-ip", "legacy-db")
    assert status == "open" and "public address" in detail
    assert outcome(aws_account, "ec2-instance-public-ip", "hardened")[0] == "pass"
    status, detail = outcome(aws_account, "ec2-instance-public-database", "legacy-db")
    assert status == "open" and f"{db_group}: MySQL (3306) from 0.0.0.0/0" in detail
    assert outcome(aws_account, "ec2-instance-public-database", "hardened")[0] == "pass"
    status, detail = outcome(aws_account, "ec2-instance-imdsv2-not-required", "legacy-db")
    assert status == "open" and "IMDSv1" in detail
    assert outcome(aws_account, "ec2-instance-imdsv2-not-required", "hardened")[0] == "pass"
    assert outcome(aws_account, "ec2-key-pair-unused", "forgotten")[0] == "open"
    assert outcome(aws_account, "ec2-key-pair-unused", "deploy")[0] == "pass"
    assert outcome(aws_account, "ec2-sg-default-allows-traffic", "private-default")[0] == "pass"
    default_findings = aws_account.findings.filter(
        check_id="ec2-sg-default-allows-traffic", status="open"
    )
    assert default_findings.filter(resource__configuration__VpcId=default_vpc["VpcId"]).exists()
    assert outcome(aws_account, "vpc-flow-logs-off", "private")[0] == "pass"
    assert aws_account.findings.filter(
        check_id="vpc-flow-logs-off",
        status="open",
        resource__configuration__VpcId=default_vpc["VpcId"],
    ).exists()
    assert outcome(aws_account, "vpc-subnet-public-ip-on-launch", "private-a")[0] == "pass"
    assert aws_account.findings.filter(
        check_id="vpc-subnet-public-ip-on-launch", status="open"
    ).exists()


def test_snapshot_and_rds_checks(fake_aws, aws_account, estate, run_sync, outcome):
    ec2 = estate.client("ec2")
    zone = REGIONS[0] + "a"
    for name, encrypted in (("clear", False), ("sealed", True)):
        volume = ec2.create_volume(Size=8, AvailabilityZone=zone, Encrypted=encrypted)
        ec2.create_snapshot(
            VolumeId=volume["VolumeId"],
            TagSpecifications=[
                {"ResourceType": "snapshot", "Tags": [{"Key": "Name", "Value": f"snap-{name}"}]}
            ],
        )
    rds = estate.client("rds")
    for name, protected in (("db-guarded", True), ("db-bare", False)):
        rds.create_db_instance(
            DBInstanceIdentifier=name,
            DBInstanceClass="db.t3.micro",
            Engine="postgres",
            MasterUsername="app",
            MasterUserPassword="not-a-real-pass",
            AllocatedStorage=20,
            DeletionProtection=protected,
        )

    run_sync(aws_account)

    assert outcome(aws_account, "ebs-snapshot-unencrypted", "snap-clear")[0] == "open"
    assert outcome(aws_account, "ebs-snapshot-unencrypted", "snap-sealed")[0] == "pass"
    status, detail = outcome(aws_account, "rds-deletion-protection-off", "db-bare")
    assert status == "open" and "db-bare" in detail
    assert outcome(aws_account, "rds-deletion-protection-off", "db-guarded")[0] == "pass"


def _trail(client, name, **options):
    client.create_trail(Name=name, S3BucketName="trail-logs", **options)
    client.start_logging(Name=name)


def test_cloudtrail_and_kms_checks(fake_aws, aws_account, estate, run_sync, outcome):
    aws_account.regions = REGIONS
    aws_account.save()
    estate.client("s3", "us-east-1").create_bucket(Bucket="trail-logs")
    kms = estate.client("kms")
    rotating = kms.create_key(Description="rotating")["KeyMetadata"]
    kms.enable_key_rotation(KeyId=rotating["KeyId"])
    kms.create_alias(AliasName="alias/rotating", TargetKeyId=rotating["KeyId"])
    stale = kms.create_key(Description="stale")["KeyMetadata"]
    kms.create_alias(AliasName="alias/stale", TargetKeyId=stale["KeyId"])
    # One single-region trail in the first region, bare; nothing in the second.
    _trail(estate.client("cloudtrail", REGIONS[0]), "local")

    run_sync(aws_account)

    coverage = [f"CloudTrail coverage ({region})" for region in REGIONS]
    assert outcome(aws_account, "cloudtrail-region-not-logged", coverage[0])[0] == "pass"
    status, detail = outcome(aws_account, "cloudtrail-region-not-logged", coverage[1])
    assert status == "open" and f"No trail records the API activity of {REGIONS[1]}" in detail
    assert outcome(aws_account, "cloudtrail-no-multi-region-trail", coverage[0])[0] == "open"
    assert outcome(aws_account, "cloudtrail-log-validation-off", "local")[0] == "open"
    assert outcome(aws_account, "cloudtrail-not-kms-encrypted", "local")[0] == "open"
    assert outcome(aws_account, "kms-key-rotation-off", "alias/stale")[0] == "open"
    assert outcome(aws_account, "kms-key-rotation-off", "alias/rotating")[0] == "pass"

    # A multi-region trail, validated and encrypted, homed in the second region.
    _trail(
        estate.client("cloudtrail", REGIONS[1]),
        "organisation",
        IsMultiRegionTrail=True,
        EnableLogFileValidation=True,
        KmsKeyId=rotating["Arn"],
    )
    run_sync(aws_account)

    for name in coverage:
        assert outcome(aws_account, "cloudtrail-region-not-logged", name)[0] == "pass"
        assert outcome(aws_account, "cloudtrail-no-multi-region-trail", name)[0] == "pass"
    assert outcome(aws_account, "cloudtrail-log-validation-off", "organisation")[0] == "pass"
    assert outcome(aws_account, "cloudtrail-not-kms-encrypted", "organisation")[0] == "pass"


def test_elastic_beanstalk_is_collected_and_not_passed_without_its_settings(
    fake_aws, aws_account, estate, run_sync, outcome
):
    eb = estate.client("elasticbeanstalk")
    eb.create_application(ApplicationName="shop")
    eb.create_environment(
        ApplicationName="shop",
        EnvironmentName="shop-prod",
        SolutionStackName="64bit Amazon Linux 2023 v4.0.0 running Python 3.11",
    )

    run_sync(aws_account)

    assert aws_account.resources.filter(resource_type="application", name="shop").exists()
    environment = aws_account.resources.get(resource_type="environment", name="shop-prod")
    # The fake AWS cannot describe configuration settings: the checks must not pass.
    assert "configurationSettings" in environment.configuration.get("_errors", {})
    for check_id in (
        "elasticbeanstalk-managed-updates-off",
        "elasticbeanstalk-enhanced-health-off",
        "elasticbeanstalk-logs-not-streamed",
    ):
        assert outcome(aws_account, check_id, "shop-prod")[0] == "not_evaluated"


NOW = datetime.datetime(2026, 6, 1, tzinfo=datetime.UTC)


def _result(check_id, item):
    return evaluate(CATALOGUE[check_id], item, Estate([item], now=NOW))


@pytest.mark.parametrize(
    "check_id, option, good, bad",
    [
        (
            "elasticbeanstalk-managed-updates-off",
            "aws:elasticbeanstalk:managedactions:ManagedActionsEnabled",
            "true",
            "false",
        ),
        (
            "elasticbeanstalk-enhanced-health-off",
            "aws:elasticbeanstalk:healthreporting:system:SystemType",
            "enhanced",
            "basic",
        ),
        (
            "elasticbeanstalk-logs-not-streamed",
            "aws:elasticbeanstalk:cloudwatch:logs:StreamLogs",
            "true",
            "false",
        ),
    ],
)
def test_elastic_beanstalk_settings(check_id, option, good, bad):
    def env(value):
        return _stored("elasticbeanstalk", "environment", {"OptionSettings": {option: value}})

    assert _result(check_id, env(good)).result == Result.PASS
    assert _result(check_id, env(bad)).result == Result.FAIL


def test_kms_rotation_applies_to_customer_symmetric_keys_only():
    def key(**config):
        base = {"KeyManager": "CUSTOMER", "KeyState": "Enabled", "KeyId": "k"}
        return _stored("kms", "key", {**base, **config})

    assert _result("kms-key-rotation-off", key(KeyRotationEnabled=False)).result == Result.FAIL
    assert _result("kms-key-rotation-off", key(KeyManager="AWS")).result == Result.PASS
    assert _result("kms-key-rotation-off", key(KeySpec="RSA_2048")).result == Result.PASS
    assert _result("kms-key-rotation-off", key()).result == Result.NOT_EVALUATED
    unreadable = key(_errors={"rotation": "AccessDeniedException"})
    assert _result("kms-key-rotation-off", unreadable).result == Result.NOT_EVALUATED


def test_cloudtrail_coverage_with_an_unreadable_status_is_not_evaluated():
    coverage = _stored(
        "cloudtrail",
        "trail-coverage",
        {"Trails": [{"Name": "org", "IsMultiRegionTrail": True, "IsLogging": None}]},
    )
    assert _result("cloudtrail-region-not-logged", coverage).result == Result.NOT_EVALUATED
    stopped = _stored(
        "cloudtrail",
        "trail-coverage",
        {"Trails": [{"Name": "org", "IsMultiRegionTrail": True, "IsLogging": False}]},
    )
    outcome = _result("cloudtrail-region-not-logged", stopped)
    assert outcome.result == Result.FAIL and "(org) are not logging" in outcome.detail


def test_imdsv2_without_metadata_options_is_not_evaluated():
    instance = _stored("ec2", "instance", {"State": {"Name": "running"}})
    assert _result("ec2-instance-imdsv2-not-required", instance).result == Result.NOT_EVALUATED
