"""Issue 18: S3 buckets shared with other accounts or notifying nobody, Elastic IPs
attached to nothing, launch templates (IMDSv1, public addresses, secrets in user data)
and transit gateways that accept attachments unasked; against the fake AWS through the
real collectors, failing and passing side by side, and "not evaluated" when the
configuration was not read."""

import base64
import json

import pytest

from assets.aws.checks import Result
from tests.assets.aws.conftest import ACCOUNT_ID, REGIONS
from tests.assets.checks.factories import check_input, check_result

pytestmark = pytest.mark.django_db
PARTNER = "444455556666"


def _policy(bucket, principal):
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": {"AWS": principal},
                    "Action": "s3:GetObject",
                    "Resource": f"arn:aws:s3:::{bucket}/*",
                }
            ],
        }
    )


def test_buckets_shared_or_unwatched_and_idle_addresses(
    fake_aws, aws_account, estate, run_sync, outcome
):
    s3 = estate.client("s3")
    location = {"CreateBucketConfiguration": {"LocationConstraint": REGIONS[0]}}
    for bucket in ("partner-share", "own-share", "watched"):
        s3.create_bucket(Bucket=bucket, **location)
    s3.put_bucket_policy(Bucket="partner-share", Policy=_policy("partner-share", PARTNER))
    s3.put_bucket_policy(
        Bucket="own-share",
        Policy=_policy("own-share", f"arn:aws:iam::{ACCOUNT_ID}:role/reporting"),
    )
    queue = estate.client("sqs").create_queue(QueueName="bucket-events")["QueueUrl"]
    s3.put_bucket_notification_configuration(
        Bucket="watched",
        NotificationConfiguration={
            "QueueConfigurations": [
                {
                    "QueueArn": f"arn:aws:sqs:{REGIONS[0]}:{ACCOUNT_ID}:{queue.rsplit('/', 1)[-1]}",
                    "Events": ["s3:ObjectRemoved:*"],
                }
            ]
        },
    )
    ec2 = estate.client("ec2")
    idle = ec2.allocate_address(Domain="vpc")["PublicIp"]
    used = ec2.allocate_address(Domain="vpc")["AllocationId"]
    instance = ec2.run_instances(ImageId="ami-12c6146b", MinCount=1, MaxCount=1)["Instances"][0]
    ec2.associate_address(AllocationId=used, InstanceId=instance["InstanceId"])
    used_ip = ec2.describe_addresses(AllocationIds=[used])["Addresses"][0]["PublicIp"]

    run_sync(aws_account)

    status, detail = outcome(aws_account, "s3-bucket-cross-account", "partner-share")
    assert status == "open" and PARTNER in detail
    assert outcome(aws_account, "s3-bucket-cross-account", "own-share")[0] == "pass"
    assert outcome(aws_account, "s3-bucket-event-notifications-off", "own-share")[0] == "open"
    assert outcome(aws_account, "s3-bucket-event-notifications-off", "watched")[0] == "pass"
    status, detail = outcome(aws_account, "ec2-elastic-ip-unassigned", idle)
    assert status == "open" and idle in detail
    assert outcome(aws_account, "ec2-elastic-ip-unassigned", used_ip)[0] == "pass"


def test_unread_bucket_settings_are_not_evaluated():
    unread = {"_errors": {"Policy": "AccessDenied", "Notifications": "AccessDenied"}}
    bucket = check_input("s3", "bucket", unread)
    for check_id in ("s3-bucket-cross-account", "s3-bucket-event-notifications-off"):
        assert check_result(check_id, bucket) == Result.NOT_EVALUATED, check_id


def test_launch_templates_and_transit_gateways(fake_aws, aws_account, estate, run_sync, outcome):
    ec2 = estate.client("ec2")
    script = b"#!/bin/sh\nexport DB_PASSWORD=Sup3rSecretValue\n"
    ec2.create_launch_template(
        LaunchTemplateName="careless",
        LaunchTemplateData={
            "ImageId": "ami-12c6146b",
            "NetworkInterfaces": [{"DeviceIndex": 0, "AssociatePublicIpAddress": True}],
            "UserData": base64.b64encode(script).decode(),
        },
    )
    ec2.create_launch_template(
        LaunchTemplateName="careful",
        LaunchTemplateData={
            "ImageId": "ami-12c6146b",
            "MetadataOptions": {"HttpTokens": "required"},
            "NetworkInterfaces": [{"DeviceIndex": 0, "AssociatePublicIpAddress": False}],
            "UserData": base64.b64encode(b"#!/bin/sh\napt-get install nginx\n").decode(),
        },
    )
    for name, accept in (("open-hub", "enable"), ("closed-hub", "disable")):
        ec2.create_transit_gateway(
            Options={"AutoAcceptSharedAttachments": accept},
            TagSpecifications=[
                {"ResourceType": "transit-gateway", "Tags": [{"Key": "Name", "Value": name}]}
            ],
        )

    run_sync(aws_account)

    for check_id in (
        "ec2-launch-template-imdsv2-optional",
        "ec2-launch-template-public-ip",
        "ec2-launch-template-secrets",
    ):
        assert outcome(aws_account, check_id, "careless")[0] == "open", check_id
        assert outcome(aws_account, check_id, "careful")[0] == "pass", check_id
    status, detail = outcome(aws_account, "ec2-launch-template-secrets", "careless")
    assert "line 2" in detail and "Sup3r" not in detail
    # The script itself is not stored, only what was found in it.
    from assets.models import AwsResource

    stored = AwsResource.objects.get(name="careless").configuration["DefaultVersion"]
    assert "UserData" not in stored and stored["UserDataPresent"] is True
    assert outcome(aws_account, "ec2-transit-gateway-auto-accept", "open-hub")[0] == "open"
    assert outcome(aws_account, "ec2-transit-gateway-auto-accept", "closed-hub")[0] == "pass"


def test_vpc_endpoints_policy_and_zones(fake_aws, aws_account, estate, run_sync, outcome):
    ec2 = estate.client("ec2")
    vpc = ec2.create_vpc(CidrBlock="10.60.0.0/16")["Vpc"]["VpcId"]
    subnets = [
        ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.60.{n}.0/24", AvailabilityZone=zone)["Subnet"][
            "SubnetId"
        ]
        for n, zone in enumerate((f"{REGIONS[0]}a", f"{REGIONS[0]}b"))
    ]
    own_only = json.dumps(
        {
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT_ID}:root"},
                    "Action": "*",
                    "Resource": "*",
                }
            ]
        }
    )
    for name, options in (
        ("default-one-zone", {"SubnetIds": subnets[:1]}),
        ("own-two-zones", {"SubnetIds": subnets, "PolicyDocument": own_only}),
    ):
        ec2.create_vpc_endpoint(
            VpcId=vpc,
            ServiceName=f"com.amazonaws.{REGIONS[0]}.ssm",
            VpcEndpointType="Interface",
            TagSpecifications=[
                {"ResourceType": "vpc-endpoint", "Tags": [{"Key": "Name", "Value": name}]}
            ],
            **options,
        )

    run_sync(aws_account)

    status, detail = outcome(aws_account, "vpc-endpoint-policy-open", "default-one-zone")
    assert status == "open" and "everyone" in detail
    assert outcome(aws_account, "vpc-endpoint-policy-open", "own-two-zones")[0] == "pass"
    assert outcome(aws_account, "vpc-endpoint-single-az", "default-one-zone")[0] == "open"
    assert outcome(aws_account, "vpc-endpoint-single-az", "own-two-zones")[0] == "pass"


def test_an_endpoint_whose_subnets_were_not_collected_is_not_judged():
    configuration = {"VpcEndpointType": "Interface", "SubnetIds": ["subnet-gone"]}
    endpoint = check_input("vpc", "vpc-endpoint", configuration)
    assert check_result("vpc-endpoint-single-az", endpoint) == Result.NOT_EVALUATED
