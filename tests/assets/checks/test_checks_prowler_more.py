"""The second round of checks taken from Prowler's list for the seed's services: public
AMIs, secrets in user data, network ACLs, unused security groups, RDS snapshots, IAM
authentication and log export, KMS key policies, CloudTrail to CloudWatch Logs, S3 object
ownership, Object Lock and lifecycle, EMR masters with public addresses. Each against an
estate built in the fake AWS and collected by the real collectors, with a failing and a
passing resource; what the fake AWS cannot produce is checked on stored configurations."""

import base64
import datetime
import gzip
import json

import pytest

from assets.aws.checks import CATALOGUE, Estate, Result
from assets.aws.checks.engine import evaluate
from assets.aws.collectors.compute import find_secrets, user_data_text
from assets.models import AwsResource
from tests.assets.aws.conftest import ACCOUNT_ID, REGIONS
from tests.assets.checks.factories import check_input as _stored

pytestmark = pytest.mark.django_db
AMI = "ami-12c6146b"
WORLD = "0.0.0.0/0"


def _named(kind, name):
    return [{"ResourceType": kind, "Tags": [{"Key": "Name", "Value": name}]}]


def _policy(*statements):
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def test_ec2_images_user_data_acls_and_unused_groups(
    fake_aws, aws_account, estate, run_sync, outcome
):
    ec2 = estate.client("ec2")
    vpc = ec2.create_vpc(CidrBlock="10.40.0.0/16")["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.40.1.0/24")["Subnet"]["SubnetId"]
    used = ec2.create_security_group(GroupName="used", Description="u", VpcId=vpc)["GroupId"]
    ec2.create_security_group(GroupName="orphan", Description="o", VpcId=vpc)
    referenced = ec2.create_security_group(GroupName="referenced", Description="r", VpcId=vpc)[
        "GroupId"
    ]
    ec2.authorize_security_group_ingress(
        GroupId=used,
        IpPermissions=[
            {
                "IpProtocol": "tcp",
                "FromPort": 5432,
                "ToPort": 5432,
                "UserIdGroupPairs": [{"GroupId": referenced}],
            }
        ],
    )
    leaky = ec2.run_instances(
        ImageId=AMI,
        MinCount=1,
        MaxCount=1,
        SubnetId=subnet,
        SecurityGroupIds=[used],
        UserData="#!/bin/sh\nexport AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE\n"
        "echo db_password=Sup3rSecretValue > /etc/app.env\n",
        TagSpecifications=_named("instance", "leaky"),
    )["Instances"][0]["InstanceId"]
    ec2.run_instances(
        ImageId=AMI,
        MinCount=1,
        MaxCount=1,
        SubnetId=subnet,
        SecurityGroupIds=[used],
        UserData="#!/bin/sh\nexport DB_PASSWORD=$(aws ssm get-parameter --name /app/db)\n",
        TagSpecifications=_named("instance", "clean"),
    )
    for name, public in (("golden-public", True), ("golden-private", False)):
        image = ec2.create_image(InstanceId=leaky, Name=name)["ImageId"]
        if public:
            ec2.modify_image_attribute(ImageId=image, LaunchPermission={"Add": [{"Group": "all"}]})
    # The VPC's default ACL allows everything in; a second ACL denies SSH and RDP first.
    default_acl = ec2.describe_network_acls(
        Filters=[{"Name": "vpc-id", "Values": [vpc]}, {"Name": "default", "Values": ["true"]}]
    )["NetworkAcls"][0]["NetworkAclId"]
    ec2.create_tags(Resources=[default_acl], Tags=[{"Key": "Name", "Value": "acl-open"}])
    strict = ec2.create_network_acl(
        VpcId=vpc, TagSpecifications=_named("network-acl", "acl-strict")
    )["NetworkAcl"]["NetworkAclId"]
    for number, action, port in ((10, "deny", 22), (11, "deny", 3389), (100, "allow", None)):
        ec2.create_network_acl_entry(
            NetworkAclId=strict,
            RuleNumber=number,
            Protocol="6" if port else "-1",
            RuleAction=action,
            Egress=False,
            CidrBlock=WORLD,
            **({"PortRange": {"From": port, "To": port}} if port else {}),
        )

    run = run_sync(aws_account)

    assert run.status == "succeeded"
    status, detail = outcome(aws_account, "ec2-ami-public", "golden-public")
    assert status == "open" and "every AWS account" in detail
    assert outcome(aws_account, "ec2-ami-public", "golden-private")[0] == "pass"
    status, detail = outcome(aws_account, "ec2-instance-user-data-secrets", "leaky")
    assert status == "open"
    assert "AWS access key id on line 2" in detail and "password or token on line 3" in detail
    assert outcome(aws_account, "ec2-instance-user-data-secrets", "clean")[0] == "pass"
    # Only what was found is stored: never the script, never the secret.
    stored = AwsResource.objects.get(account=aws_account, name="leaky").configuration
    assert "AKIAIOSFODNN7EXAMPLE" not in json.dumps(stored)
    assert "Sup3rSecretValue" not in json.dumps(stored)
    status, detail = outcome(aws_account, "vpc-nacl-open-admin-ports", "acl-open")
    assert status == "open" and "SSH (22) from 0.0.0.0/0 by rule 100 (all traffic)" in detail
    assert "RDP (3389)" in detail
    assert outcome(aws_account, "vpc-nacl-open-admin-ports", "acl-strict")[0] == "pass"
    status, detail = outcome(aws_account, "ec2-sg-unused", "orphan")
    assert status == "open" and "orphan" in detail
    assert outcome(aws_account, "ec2-sg-unused", "used")[0] == "pass"
    assert outcome(aws_account, "ec2-sg-unused", "referenced")[0] == "pass"
    assert outcome(aws_account, "ec2-sg-unused", "default")[0] == "pass"


def test_rds_snapshots_iam_authentication_and_log_export(
    fake_aws, aws_account, estate, run_sync, outcome
):
    rds = estate.client("rds")
    for name, hardened in (("db-hardened", True), ("db-plain", False)):
        rds.create_db_instance(
            DBInstanceIdentifier=name,
            DBInstanceClass="db.t3.micro",
            Engine="postgres",
            MasterUsername="app",
            MasterUserPassword="not-a-real-pass",
            AllocatedStorage=20,
            StorageEncrypted=hardened,
            EnableIAMDatabaseAuthentication=hardened,
            EnableCloudwatchLogsExports=["postgresql"] if hardened else [],
        )
    rds.create_db_snapshot(DBInstanceIdentifier="db-hardened", DBSnapshotIdentifier="snap-kept")
    rds.create_db_snapshot(DBInstanceIdentifier="db-plain", DBSnapshotIdentifier="snap-shared")
    rds.modify_db_snapshot_attribute(
        DBSnapshotIdentifier="snap-shared", AttributeName="restore", ValuesToAdd=["all"]
    )

    run_sync(aws_account)

    status, detail = outcome(aws_account, "rds-snapshot-public", "snap-shared")
    assert status == "open" and "every AWS account" in detail
    assert outcome(aws_account, "rds-snapshot-public", "snap-kept")[0] == "pass"
    assert outcome(aws_account, "rds-snapshot-unencrypted", "snap-shared")[0] == "open"
    assert outcome(aws_account, "rds-snapshot-unencrypted", "snap-kept")[0] == "pass"
    assert outcome(aws_account, "rds-iam-auth-off", "db-plain")[0] == "open"
    assert outcome(aws_account, "rds-iam-auth-off", "db-hardened")[0] == "pass"
    assert outcome(aws_account, "rds-logs-not-exported", "db-plain")[0] == "open"
    assert outcome(aws_account, "rds-logs-not-exported", "db-hardened")[0] == "pass"


def test_kms_policy_and_cloudtrail_to_cloudwatch(fake_aws, aws_account, estate, run_sync, outcome):
    kms = estate.client("kms")
    for alias, public in (("open-key", True), ("own-key", False)):
        key = kms.create_key(Description=alias)["KeyMetadata"]["KeyId"]
        kms.create_alias(AliasName=f"alias/{alias}", TargetKeyId=key)
        owner = {
            "Effect": "Allow",
            "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT_ID}:root"},
            "Action": "kms:*",
            "Resource": "*",
        }
        anyone = {"Effect": "Allow", "Principal": "*", "Action": "kms:Decrypt", "Resource": "*"}
        kms.put_key_policy(
            KeyId=key,
            PolicyName="default",
            Policy=_policy(owner, anyone) if public else _policy(owner),
        )
    estate.client("s3", "us-east-1").create_bucket(Bucket="trail-logs")
    cloudtrail = estate.client("cloudtrail")
    cloudtrail.create_trail(Name="files-only", S3BucketName="trail-logs")
    cloudtrail.create_trail(
        Name="watched",
        S3BucketName="trail-logs",
        CloudWatchLogsLogGroupArn=f"arn:aws:logs:{REGIONS[0]}:{ACCOUNT_ID}:log-group:trail:*",
        CloudWatchLogsRoleArn=f"arn:aws:iam::{ACCOUNT_ID}:role/trail-to-logs",
    )

    run_sync(aws_account)

    status, detail = outcome(aws_account, "kms-key-policy-public", "alias/open-key")
    assert status == "open" and "kms:Decrypt" in detail
    assert outcome(aws_account, "kms-key-policy-public", "alias/own-key")[0] == "pass"
    assert outcome(aws_account, "cloudtrail-no-cloudwatch-logs", "files-only")[0] == "open"
    assert outcome(aws_account, "cloudtrail-no-cloudwatch-logs", "watched")[0] == "pass"


def test_s3_ownership_object_lock_and_lifecycle(fake_aws, aws_account, estate, run_sync, outcome):
    s3 = estate.client("s3", "us-east-1")
    s3.create_bucket(Bucket="records-locked", ObjectLockEnabledForBucket=True)
    s3.put_object_lock_configuration(
        Bucket="records-locked",
        ObjectLockConfiguration={
            "ObjectLockEnabled": "Enabled",
            "Rule": {"DefaultRetention": {"Mode": "GOVERNANCE", "Days": 30}},
        },
    )
    s3.put_bucket_ownership_controls(
        Bucket="records-locked",
        OwnershipControls={"Rules": [{"ObjectOwnership": "BucketOwnerEnforced"}]},
    )
    s3.put_bucket_lifecycle_configuration(
        Bucket="records-locked",
        LifecycleConfiguration={
            "Rules": [
                {"ID": "expire", "Status": "Enabled", "Filter": {}, "Expiration": {"Days": 365}}
            ]
        },
    )
    s3.create_bucket(Bucket="loose-bucket")
    s3.put_bucket_ownership_controls(
        Bucket="loose-bucket",
        OwnershipControls={"Rules": [{"ObjectOwnership": "ObjectWriter"}]},
    )
    s3.put_bucket_lifecycle_configuration(
        Bucket="loose-bucket",
        LifecycleConfiguration={
            "Rules": [
                {"ID": "off", "Status": "Disabled", "Filter": {}, "Expiration": {"Days": 365}}
            ]
        },
    )

    run_sync(aws_account)

    status, detail = outcome(aws_account, "s3-bucket-acls-enabled", "loose-bucket")
    assert status == "open" and "ObjectWriter" in detail
    assert outcome(aws_account, "s3-bucket-acls-enabled", "records-locked")[0] == "pass"
    assert outcome(aws_account, "s3-bucket-object-lock-off", "loose-bucket")[0] == "open"
    assert outcome(aws_account, "s3-bucket-object-lock-off", "records-locked")[0] == "pass"
    assert outcome(aws_account, "s3-bucket-lifecycle-off", "loose-bucket")[0] == "open"
    assert outcome(aws_account, "s3-bucket-lifecycle-off", "records-locked")[0] == "pass"


def test_emr_master_with_a_public_address(fake_aws, aws_account, estate, run_sync, outcome):
    estate.client("emr").run_job_flow(
        Name="analytics",
        ReleaseLabel="emr-6.15.0",
        Instances={
            "MasterInstanceType": "m5.xlarge",
            "SlaveInstanceType": "m5.xlarge",
            "InstanceCount": 2,
            "KeepJobFlowAliveWhenNoSteps": True,
        },
        JobFlowRole="EMR_EC2_DefaultRole",
        ServiceRole="EMR_DefaultRole",
    )

    run_sync(aws_account)

    status, detail = outcome(aws_account, "emr-cluster-master-public", "analytics")
    assert status == "open" and ".amazonaws.com" in detail
    # A master in a private subnet has an internal name (stored configuration: the fake
    # AWS gives every master a public one).
    private = _stored(
        "emr", "cluster", {"Status": {}, "MasterPublicDnsName": "ip-10-0-1-5.ec2.internal"}
    )
    assert _result("emr-cluster-master-public", private).result == Result.PASS


# -- stored configurations: what the fake AWS cannot produce --------------------------


def _result(check_id, item, *others):
    now = datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)
    return evaluate(CATALOGUE[check_id], item, Estate([item, *others], now=now))


def test_user_data_is_decoded_gunzipped_and_scanned_line_by_line():
    script = "#!/bin/sh\n-----BEGIN RSA PRIVATE KEY-----\nMIIE...\n"
    plain_text = base64.b64encode(script.encode()).decode()
    zipped = base64.b64encode(gzip.compress(script.encode())).decode()
    assert user_data_text(plain_text) == user_data_text(zipped) == script
    assert find_secrets(script) == [{"kind": "private key", "line": 2}]
    assert user_data_text("not base64!") == ""
    assert find_secrets("export PATH=/usr/bin\napt-get install nginx\n") == []


def test_checks_whose_data_was_not_read_are_not_evaluated():
    cases = [
        ("ec2-instance-user-data-secrets", "ec2", "instance", "userData"),
        ("ec2-sg-unused", "ec2", "security-group", "networkInterfaces"),
        ("rds-snapshot-public", "rds", "db-snapshot", "restoreAttribute"),
        ("kms-key-policy-public", "kms", "key", "policy"),
        ("s3-bucket-acls-enabled", "s3", "bucket", "OwnershipControls"),
        ("s3-bucket-object-lock-off", "s3", "bucket", "ObjectLock"),
        ("s3-bucket-lifecycle-off", "s3", "bucket", "Lifecycle"),
        ("emr-cluster-master-public", "emr", "cluster", "describeCluster"),
    ]
    for check_id, service, resource_type, part in cases:
        item = _stored(
            service,
            resource_type,
            {"GroupName": "web", "KeyManager": "CUSTOMER", "_errors": {part: "AccessDenied"}},
        )
        assert _result(check_id, item).result == Result.NOT_EVALUATED, check_id


def test_network_acl_rule_order_and_narrow_sources():
    def acl(*entries):
        return _stored("vpc", "network-acl", {"Entries": list(entries)})

    def entry(number, action, source=WORLD, protocol="6", ports=(22, 22)):
        found = {"RuleNumber": number, "RuleAction": action, "Protocol": protocol}
        found["CidrBlock" if ":" not in source else "Ipv6CidrBlock"] = source
        if protocol == "6":
            found["PortRange"] = {"From": ports[0], "To": ports[1]}
        return found

    # A narrower allow first does not hide the later allow from the internet.
    outcome = _result(
        "vpc-nacl-open-admin-ports",
        acl(entry(10, "allow", "10.0.0.0/8"), entry(20, "allow", "::/0", ports=(0, 65535))),
    )
    assert outcome.result == Result.FAIL and "SSH (22) from ::/0 by rule 20" in outcome.detail
    # An earlier deny wins; egress rules and UDP do not count.
    closed = acl(
        entry(10, "deny", ports=(0, 65535)),
        entry(20, "allow", protocol="-1"),
        {**entry(5, "allow", protocol="-1"), "Egress": True},
        entry(6, "allow", protocol="17"),
    )
    assert _result("vpc-nacl-open-admin-ports", closed).result == Result.PASS


def test_rds_iam_authentication_applies_to_engines_that_support_it():
    oracle = _stored("rds", "db-instance", {"Engine": "oracle-ee"})
    mysql = _stored("rds", "db-instance", {"Engine": "mysql"})
    assert _result("rds-iam-auth-off", oracle).result == Result.PASS
    assert _result("rds-iam-auth-off", mysql).result == Result.FAIL


def test_a_group_used_by_a_database_is_used():
    group = _stored(
        "ec2", "security-group", {"GroupId": "sg-1", "GroupName": "db", "NetworkInterfaceCount": 0}
    )
    database = _stored(
        "rds", "db-instance", {"VpcSecurityGroups": [{"VpcSecurityGroupId": "sg-1"}]}, name="db"
    )
    assert _result("ec2-sg-unused", group).result == Result.FAIL
    assert _result("ec2-sg-unused", group, database).result == Result.PASS


def test_the_prowler_mapping_names_real_checks_on_both_sides():
    from assets.aws.checks import prowler

    listed = {name for names in prowler.PROWLER_CHECKS.values() for name in names}
    assert set(prowler.MATCHES) <= listed
    assert set(prowler.PARTLY) <= set(prowler.MATCHES)
    ours = {check_id for matched in prowler.MATCHES.values() for check_id in matched}
    assert ours <= set(CATALOGUE.keys())
    # Every check of ours that has a Prowler counterpart is mapped to it.
    assert "ec2-ami-public" in ours and "kms-key-policy-public" in ours
    assert all(
        name not in prowler.MATCHES for names in prowler.missing().values() for name in names
    )
