"""Every check against estates built in a fake AWS (moto server), collected by the real
collectors and checked at the end of the sync: at least one configuration that must
fail and one that must pass per check. What moto cannot represent is covered by
test_checks_stored.py with the configuration the collectors would store."""

import json

import pytest

from assets.models import PostureSnapshot
from tests.assets.aws.conftest import REGIONS
from tests.assets.factories import AssetFactory

pytestmark = pytest.mark.django_db
WORLD = [{"CidrIp": "0.0.0.0/0"}]


def _policy(*statements):
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def _assert_checked(account, *check_ids):
    """The checks really ran (a pass is not just an absent finding)."""
    snapshot = PostureSnapshot.objects.filter(account=account).latest()
    for check_id in check_ids:
        passed, failed, not_evaluated = snapshot.checks[check_id]
        assert passed >= 1 and failed >= 1, (check_id, snapshot.checks[check_id])


def test_network_checks(fake_aws, aws_account, estate, run_sync, outcome):
    ec2 = estate.client("ec2")
    vpc = ec2.describe_vpcs()["Vpcs"][0]["VpcId"]  # the default VPC (several zones)

    def group(name, *rules):
        group_id = ec2.create_security_group(GroupName=name, Description=name, VpcId=vpc)["GroupId"]
        if rules:
            ec2.authorize_security_group_ingress(GroupId=group_id, IpPermissions=list(rules))
        return group_id

    group("all-open", {"IpProtocol": "-1", "IpRanges": WORLD})
    ssh = group("ssh-open", {"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "IpRanges": WORLD})
    group(
        "db-open",
        {
            "IpProtocol": "tcp",
            "FromPort": 5432,
            "ToPort": 5432,
            "Ipv6Ranges": [{"CidrIpv6": "::/0"}],
        },
    )
    private = group(
        "private",
        {
            "IpProtocol": "tcp",
            "FromPort": 0,
            "ToPort": 65535,
            "IpRanges": [{"CidrIp": "10.0.0.0/8"}],
        },
        {"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "IpRanges": WORLD},
    )
    for name, groups in (("exposed", [ssh]), ("internal", [private])):
        ec2.run_instances(
            ImageId="ami-12c6146b",
            MinCount=1,
            MaxCount=1,
            SecurityGroupIds=groups,
            TagSpecifications=[
                {"ResourceType": "instance", "Tags": [{"Key": "Name", "Value": name}]}
            ],
        )
    for name, zones in (("one-zone", ["a", "a"]), ("two-zones", ["a", "b"])):
        vpc_id = ec2.create_vpc(CidrBlock="10.20.0.0/16")["Vpc"]["VpcId"]
        ec2.create_tags(Resources=[vpc_id], Tags=[{"Key": "Name", "Value": name}])
        for index, zone in enumerate(zones):
            ec2.create_subnet(
                VpcId=vpc_id, CidrBlock=f"10.20.{index}.0/24", AvailabilityZone=REGIONS[0] + zone
            )
    autoscaling = estate.client("autoscaling")
    autoscaling.create_launch_configuration(
        LaunchConfigurationName="web", ImageId="ami-12c6146b", InstanceType="t3.micro"
    )
    for name, zones in (("asg-one", ["a"]), ("asg-two", ["a", "b"])):
        autoscaling.create_auto_scaling_group(
            AutoScalingGroupName=name,
            LaunchConfigurationName="web",
            MinSize=0,
            MaxSize=1,
            AvailabilityZones=[REGIONS[0] + z for z in zones],
        )

    run = run_sync(aws_account)

    assert run.status == "succeeded"
    status, detail = outcome(aws_account, "ec2-sg-open-all-ports", "all-open")
    assert status == "open" and "all traffic from 0.0.0.0/0" in detail
    assert outcome(aws_account, "ec2-sg-open-all-ports", "ssh-open")[0] == "pass"
    status, detail = outcome(aws_account, "ec2-sg-open-admin-ports", "ssh-open")
    assert status == "open" and "SSH (22) from 0.0.0.0/0 by the rule tcp port 22" in detail
    assert outcome(aws_account, "ec2-sg-open-admin-ports", "private")[0] == "pass"
    status, detail = outcome(aws_account, "ec2-sg-open-database-ports", "db-open")
    assert status == "open" and "PostgreSQL (5432) from ::/0" in detail
    assert outcome(aws_account, "ec2-sg-open-database-ports", "private")[0] == "pass"
    status, detail = outcome(aws_account, "ec2-instance-public-admin", "exposed")
    assert status == "open" and f"{ssh}: SSH (22)" in detail and "Public IP" in detail
    assert outcome(aws_account, "ec2-instance-public-admin", "internal")[0] == "pass"
    status, detail = outcome(aws_account, "vpc-single-az", "one-zone")
    assert status == "open" and f"{REGIONS[0]}a" in detail
    assert outcome(aws_account, "vpc-single-az", "two-zones")[0] == "pass"
    assert outcome(aws_account, "autoscaling-single-az", "asg-one")[0] == "open"
    assert outcome(aws_account, "autoscaling-single-az", "asg-two")[0] == "pass"
    _assert_checked(
        aws_account,
        "ec2-sg-open-all-ports",
        "ec2-sg-open-admin-ports",
        "ec2-sg-open-database-ports",
        "ec2-instance-public-admin",
        "vpc-single-az",
        "autoscaling-single-az",
    )


def test_ebs_checks(fake_aws, aws_account, estate, run_sync, outcome):
    aws_account.regions = REGIONS
    aws_account.save()
    ec2 = estate.client("ec2")
    zone = REGIONS[0] + "a"
    for name, encrypted in (("clear", False), ("sealed", True)):
        ec2.create_volume(
            Size=8,
            AvailabilityZone=zone,
            Encrypted=encrypted,
            TagSpecifications=[
                {"ResourceType": "volume", "Tags": [{"Key": "Name", "Value": name}]}
            ],
        )
    volume = ec2.describe_volumes()["Volumes"][0]["VolumeId"]
    for name, public in (("shared", True), ("kept", False)):
        snapshot = ec2.create_snapshot(
            VolumeId=volume,
            TagSpecifications=[
                {"ResourceType": "snapshot", "Tags": [{"Key": "Name", "Value": name}]}
            ],
        )["SnapshotId"]
        if public:
            ec2.modify_snapshot_attribute(
                SnapshotId=snapshot,
                Attribute="createVolumePermission",
                OperationType="add",
                GroupNames=["all"],
            )
    ec2.enable_ebs_encryption_by_default()  # in the first region only

    run_sync(aws_account)

    assert outcome(aws_account, "ebs-volume-unencrypted", "clear")[0] == "open"
    assert outcome(aws_account, "ebs-volume-unencrypted", "sealed")[0] == "pass"
    status, detail = outcome(aws_account, "ebs-snapshot-public", "shared")
    assert status == "open" and "group all" in detail
    assert outcome(aws_account, "ebs-snapshot-public", "kept")[0] == "pass"
    default = "EBS default encryption ({})"
    assert (
        outcome(aws_account, "ebs-default-encryption-off", default.format(REGIONS[0]))[0] == "pass"
    )
    status, detail = outcome(aws_account, "ebs-default-encryption-off", default.format(REGIONS[1]))
    assert status == "open" and REGIONS[1] in detail
    _assert_checked(
        aws_account, "ebs-volume-unencrypted", "ebs-snapshot-public", "ebs-default-encryption-off"
    )


def test_iam_checks(fake_aws, aws_account, estate, run_sync, outcome):
    iam = estate.client("iam")
    iam.create_group(GroupName="staff")
    read = iam.create_policy(
        PolicyName="read-only",
        PolicyDocument=_policy({"Effect": "Allow", "Action": "s3:Get*", "Resource": "*"}),
    )["Policy"]["Arn"]
    admin = iam.create_policy(
        PolicyName="admin-all",
        PolicyDocument=_policy({"Effect": "Allow", "Action": "*", "Resource": "*"}),
    )["Policy"]["Arn"]
    iam.create_policy(
        PolicyName="admin-unused",
        PolicyDocument=_policy({"Effect": "Allow", "Action": "*", "Resource": "*"}),
    )
    iam.attach_group_policy(GroupName="staff", PolicyArn=read)
    for user in ("no-mfa", "with-mfa", "direct", "grouped"):
        iam.create_user(UserName=user)
    iam.create_login_profile(UserName="no-mfa", Password="Pass-word-123!")
    iam.create_login_profile(UserName="with-mfa", Password="Pass-word-123!")
    serial = iam.create_virtual_mfa_device(VirtualMFADeviceName="with-mfa")["VirtualMFADevice"][
        "SerialNumber"
    ]
    iam.enable_mfa_device(
        UserName="with-mfa",
        SerialNumber=serial,
        AuthenticationCode1="123456",
        AuthenticationCode2="654321",
    )
    iam.attach_user_policy(UserName="direct", PolicyArn=admin)
    iam.add_user_to_group(GroupName="staff", UserName="grouped")
    iam.create_access_key(UserName="grouped")  # fresh: neither old nor unused yet
    trust = {"Effect": "Allow", "Action": "sts:AssumeRole"}
    iam.create_role(
        RoleName="partner",
        AssumeRolePolicyDocument=_policy(
            {**trust, "Principal": {"AWS": "arn:aws:iam::999988887777:root"}}
        ),
    )
    iam.create_role(
        RoleName="partner-external-id",
        AssumeRolePolicyDocument=_policy(
            {
                **trust,
                "Principal": {"AWS": "arn:aws:iam::999988887777:root"},
                "Condition": {"StringEquals": {"sts:ExternalId": "b7f3e1"}},
            }
        ),
    )
    iam.create_role(
        RoleName="ec2-app",
        AssumeRolePolicyDocument=_policy({**trust, "Principal": {"Service": "ec2.amazonaws.com"}}),
    )
    iam.update_account_password_policy(MinimumPasswordLength=8)

    run_sync(aws_account)

    status, detail = outcome(aws_account, "iam-user-console-no-mfa", "no-mfa")
    assert status == "open" and "no MFA device" in detail
    assert outcome(aws_account, "iam-user-console-no-mfa", "with-mfa")[0] == "pass"
    assert outcome(aws_account, "iam-user-console-no-mfa", "direct")[0] == "pass"  # no console
    status, detail = outcome(aws_account, "iam-user-direct-policies", "direct")
    assert status == "open" and "attached admin-all" in detail
    assert outcome(aws_account, "iam-user-direct-policies", "grouped")[0] == "pass"
    status, detail = outcome(aws_account, "iam-policy-admin", "admin-all")
    assert status == "open" and "allows * on *" in detail
    assert outcome(aws_account, "iam-policy-admin", "read-only")[0] == "pass"
    assert outcome(aws_account, "iam-policy-admin", "admin-unused")[0] == "pass"  # attached to none
    status, detail = outcome(aws_account, "iam-role-cross-account-no-condition", "partner")
    assert status == "open" and "999988887777" in detail
    assert (
        outcome(aws_account, "iam-role-cross-account-no-condition", "partner-external-id")[0]
        == "pass"
    )
    assert outcome(aws_account, "iam-role-cross-account-no-condition", "ec2-app")[0] == "pass"
    assert outcome(aws_account, "iam-access-key-old", "grouped")[0] == "pass"
    assert outcome(aws_account, "iam-access-key-unused", "grouped")[0] == "pass"
    # Moto's root user has no MFA and no access keys.
    status, detail = outcome(aws_account, "iam-root-mfa", "Account summary")
    assert status == "open" and "password only" in detail
    assert outcome(aws_account, "iam-root-access-keys", "Account summary")[0] == "pass"
    status, detail = outcome(aws_account, "iam-password-policy-weak", "Account password policy")
    assert status == "open" and "minimum length 8 (< 14)" in detail

    iam.update_account_password_policy(MinimumPasswordLength=16, PasswordReusePrevention=24)
    run_sync(aws_account)

    assert outcome(aws_account, "iam-password-policy-weak", "Account password policy")[0] == "pass"
    _assert_checked(
        aws_account,
        "iam-user-console-no-mfa",
        "iam-user-direct-policies",
        "iam-policy-admin",
        "iam-role-cross-account-no-condition",
    )


def test_s3_checks(fake_aws, aws_account, estate, run_sync, outcome):
    s3 = estate.client("s3")
    location = {"CreateBucketConfiguration": {"LocationConstraint": REGIONS[0]}}
    for bucket in ("public-site", "hardened", "replica-target"):
        s3.create_bucket(Bucket=bucket, **location)
    s3.put_bucket_acl(Bucket="public-site", ACL="public-read")
    s3.put_bucket_policy(
        Bucket="public-site",
        Policy=_policy(
            {
                "Sid": "PublicRead",
                "Effect": "Allow",
                "Principal": "*",
                "Action": "s3:GetObject",
                "Resource": "arn:aws:s3:::public-site/*",
            }
        ),
    )
    for bucket in ("hardened", "replica-target"):
        s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    s3.put_public_access_block(
        Bucket="hardened",
        PublicAccessBlockConfiguration={
            "BlockPublicAcls": True,
            "IgnorePublicAcls": True,
            "BlockPublicPolicy": True,
            "RestrictPublicBuckets": True,
        },
    )
    s3.put_bucket_encryption(
        Bucket="hardened",
        ServerSideEncryptionConfiguration={
            "Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms"}}]
        },
    )
    s3.put_bucket_encryption(
        Bucket="public-site",
        ServerSideEncryptionConfiguration={
            "Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}]
        },
    )
    s3.put_bucket_policy(
        Bucket="hardened",
        Policy=_policy(
            {
                "Effect": "Deny",
                "Principal": "*",
                "Action": "s3:*",
                "Resource": ["arn:aws:s3:::hardened", "arn:aws:s3:::hardened/*"],
                "Condition": {"Bool": {"aws:SecureTransport": "false"}},
            }
        ),
    )
    s3.put_bucket_replication(
        Bucket="hardened",
        ReplicationConfiguration={
            "Role": f"arn:aws:iam::{aws_account.account_id}:role/replication",
            "Rules": [
                {
                    "ID": "all",
                    "Status": "Enabled",
                    "Prefix": "",
                    "Destination": {"Bucket": "arn:aws:s3:::replica-target"},
                }
            ],
        },
    )

    run_sync(aws_account)

    def check(check_id, failing, passing, cause=""):
        status, detail = outcome(aws_account, check_id, failing)
        assert status == "open" and cause in detail, (check_id, status, detail)
        assert outcome(aws_account, check_id, passing)[0] == "pass", check_id

    check("s3-bucket-public-acl", "public-site", "hardened", "READ to everyone (AllUsers)")
    check("s3-bucket-policy-public", "public-site", "hardened", "'PublicRead' allows s3:GetObject")
    check("s3-bucket-public-access-block-off", "public-site", "hardened", "BlockPublicAcls")
    check("s3-bucket-versioning-off", "public-site", "hardened", "never enabled")
    check("s3-bucket-encryption-not-kms", "public-site", "hardened", "AES256")
    check("s3-bucket-https-not-enforced", "public-site", "hardened")
    check("s3-bucket-no-replication", "public-site", "hardened")
    # Moto does not keep MFADelete: its passing side is in test_checks_stored.py.
    assert outcome(aws_account, "s3-bucket-mfa-delete-off", "hardened")[0] == "open"


def test_database_and_messaging_checks(fake_aws, aws_account, estate, run_sync, outcome):
    rds = estate.client("rds")
    for name, good in (("db-good", True), ("db-bad", False)):
        rds.create_db_instance(
            DBInstanceIdentifier=name,
            DBInstanceClass="db.t3.micro",
            Engine="postgres",
            MasterUsername="app",
            MasterUserPassword="not-a-real-pass",
            AllocatedStorage=20,
            StorageEncrypted=good,
            MultiAZ=good,
            PubliclyAccessible=not good,
            BackupRetentionPeriod=7 if good else 0,
        )
    dynamodb = estate.client("dynamodb")
    for name, good in (("orders", True), ("sessions", False)):
        dynamodb.create_table(
            TableName=name,
            KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
            BillingMode="PAY_PER_REQUEST",
            **({"SSESpecification": {"Enabled": True, "SSEType": "KMS"}} if good else {}),
        )
        if good:
            dynamodb.update_continuous_backups(
                TableName=name,
                PointInTimeRecoverySpecification={"PointInTimeRecoveryEnabled": True},
            )
    sqs = estate.client("sqs")
    sqs.create_queue(QueueName="events", Attributes={"KmsMasterKeyId": "alias/aws/sqs"})
    open_queue = sqs.create_queue(
        QueueName="webhooks", Attributes={"SqsManagedSseEnabled": "false"}
    )["QueueUrl"]
    sqs.set_queue_attributes(
        QueueUrl=open_queue,
        Attributes={
            "Policy": _policy(
                {"Effect": "Allow", "Principal": "*", "Action": "sqs:SendMessage", "Resource": "*"}
            )
        },
    )
    ses = estate.client("sesv2")
    ses.create_email_identity(EmailIdentity="shop.example.com")
    ses.create_email_identity(EmailIdentity="mail.example.com")
    ses.create_email_identity_policy(
        EmailIdentity="shop.example.com",
        PolicyName="anyone",
        Policy=_policy(
            {"Effect": "Allow", "Principal": "*", "Action": "ses:SendEmail", "Resource": "*"}
        ),
    )
    estate.client("glacier").create_vault(vaultName="archive")

    run_sync(aws_account)

    def check(check_id, failing, passing, cause=""):
        status, detail = outcome(aws_account, check_id, failing)
        assert status == "open" and cause in detail, (check_id, status, detail)
        assert outcome(aws_account, check_id, passing)[0] == "pass", check_id

    check("rds-storage-unencrypted", "db-bad", "db-good")
    check("rds-single-az", "db-bad", "db-good")
    check("rds-backups-off", "db-bad", "db-good", "0 days")
    check("rds-publicly-accessible", "db-bad", "db-good")
    check("dynamodb-pitr-off", "sessions", "orders")
    check("dynamodb-not-kms", "sessions", "orders")
    check("sqs-not-encrypted", "webhooks", "events")
    check("sqs-policy-public", "webhooks", "events", "sqs:SendMessage to everyone")
    check("ses-identity-policy-public", "shop.example.com", "mail.example.com", "(anyone)")
    # Moto answers GetVaultAccessPolicy with a bare 404: the collector records it, and
    # the check says so instead of passing (both outcomes: test_checks_stored.py).
    status, detail = outcome(aws_account, "glacier-vault-policy-public", "archive")
    assert status == "not_evaluated" and "Policy (404)" in detail
    bpa = f"EMR block public access ({REGIONS[0]})"
    assert outcome(aws_account, "emr-block-public-access-off", bpa)[0] == "open"

    estate.client("emr").put_block_public_access_configuration(
        BlockPublicAccessConfiguration={
            "BlockPublicSecurityGroupRules": True,
            "PermittedPublicSecurityGroupRuleRanges": [{"MinRange": 22, "MaxRange": 22}],
        }
    )
    run_sync(aws_account)

    assert outcome(aws_account, "emr-block-public-access-off", bpa)[0] == "pass"


def test_governance_check_follows_the_asset_links(fake_aws, aws_account, estate, run_sync, outcome):
    asset = AssetFactory(name="Order queue", value_usd=250_000)
    sqs = estate.client("sqs")
    sqs.create_queue(QueueName="owned", tags={"isms:asset": asset.ref})
    sqs.create_queue(QueueName="orphan")

    run_sync(aws_account)

    status, detail = outcome(aws_account, "governance-resource-unowned", "orphan")
    assert status == "open" and "No asset depends on queue orphan" in detail
    assert outcome(aws_account, "governance-resource-unowned", "owned")[0] == "pass"
    default_group = "default"  # AWS's own default security group: not a finding
    assert outcome(aws_account, "governance-resource-unowned", default_group)[0] == "pass"
