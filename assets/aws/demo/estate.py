"""The estates seeded into the fake AWS: the demo company's (two regions, tagged to the
demo assets, with a realistic share of misconfigurations for the security checks) and
the benchmark's bulk estate.

Each resource is created through the public AWS API with boto3, exactly as a customer's
infrastructure code would, so that the collectors read it back the way they read AWS.
"""

from __future__ import annotations

import base64
import json
from concurrent.futures import ThreadPoolExecutor

from botocore.exceptions import ClientError
from botocore.parsers import ResponseParserError

from assets.aws.demo.fake import FakeAws

ASSET_TAG = "isms:asset"
STRANGER_ACCOUNT = "999988887777"  # someone else's account, outside the organisation


def _tags(name: str, asset: str | None = None, **extra) -> list[dict]:
    tags = [{"Key": "Name", "Value": name}, *({"Key": k, "Value": v} for k, v in extra.items())]
    if asset:
        tags.append({"Key": ASSET_TAG, "Value": asset})
    return tags


def _policy(*statements) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


PUBLIC_READ = {
    "Sid": "PublicRead",
    "Effect": "Allow",
    "Principal": "*",
    "Action": "s3:GetObject",
    "Resource": "arn:aws:s3:::{bucket}/*",
}
DENY_INSECURE = {
    "Sid": "DenyInsecureTransport",
    "Effect": "Deny",
    "Principal": "*",
    "Action": "s3:*",
    "Resource": ["arn:aws:s3:::{bucket}", "arn:aws:s3:::{bucket}/*"],
    "Condition": {"Bool": {"aws:SecureTransport": "false"}},
}


def _bucket_policy(bucket: str, *statements) -> str:
    return _policy(*(json.loads(json.dumps(s).replace("{bucket}", bucket)) for s in statements))


def _location(region: str) -> dict:
    return (
        {}
        if region == "us-east-1"
        else {"CreateBucketConfiguration": {"LocationConstraint": region}}
    )


def _name_acl(ec2, vpc_id: str, name: str) -> str:
    """Name the VPC's default network ACL (AWS creates it with the VPC); its id."""
    acls = ec2.describe_network_acls(
        Filters=[
            {"Name": "vpc-id", "Values": [vpc_id]},
            {"Name": "default", "Values": ["true"]},
        ]
    )["NetworkAcls"]
    acl = acls[0]["NetworkAclId"]
    ec2.create_tags(Resources=[acl], Tags=[{"Key": "Name", "Value": name}])
    return acl


def _name_defaults(ec2, region: str) -> None:
    """Name what AWS creates in every region (the default VPC, its subnets, network ACL
    and the default security groups) so that their findings can be marked below."""
    for vpc in ec2.describe_vpcs(Filters=[{"Name": "is-default", "Values": ["true"]}])["Vpcs"]:
        ec2.create_tags(
            Resources=[vpc["VpcId"]], Tags=[{"Key": "Name", "Value": f"default-{region}"}]
        )
        _name_acl(ec2, vpc["VpcId"], f"default-acl-{region}")
        subnets = ec2.describe_subnets(Filters=[{"Name": "vpc-id", "Values": [vpc["VpcId"]]}])
        for subnet in subnets["Subnets"]:
            ec2.create_tags(
                Resources=[subnet["SubnetId"]],
                Tags=[{"Key": "Name", "Value": f"default-{subnet['AvailabilityZone']}"}],
            )


def seed_demo_estate(fake: FakeAws, *, account_id: str, regions: list[str], assets: dict) -> None:
    """Create the demo company's estate in `account_id`.

    `assets` maps a role in the estate to the ref of the demo asset it serves:
    "web" (web servers: network, instances), "database" (the customer database),
    "sessions" (DynamoDB), "queue" (SQS), "documents" (S3), "warehouse" (EMR and its
    bucket), "mail" (SES), "identity" (IAM users), "hr" (the HR portal). A missing key
    leaves those resources untagged: nobody owns them, as happens in real estates.
    """
    session = fake.account_session(account_id)
    primary, secondary = regions[0], regions[1] if len(regions) > 1 else regions[0]
    web, customers = assets.get("web"), assets.get("database")
    sessions, queue, documents = (
        assets.get("sessions"),
        assets.get("queue"),
        assets.get("documents"),
    )
    analytics, mail, hr = assets.get("warehouse"), assets.get("mail"), assets.get("hr")
    identity = assets.get("identity")

    for region in (primary, secondary):
        ec2 = fake.client(session, "ec2", region)
        _name_defaults(ec2, region)
        vpc = ec2.create_vpc(CidrBlock="10.10.0.0/16")["Vpc"]["VpcId"]
        ec2.create_tags(Resources=[vpc], Tags=_tags(f"shop-{region}", web))
        acl = _name_acl(ec2, vpc, f"shop-{region}-acl")
        if region == primary:  # the primary region's subnets refuse SSH and RDP
            for number, port in ((50, 22), (51, 3389)):
                ec2.create_network_acl_entry(
                    NetworkAclId=acl,
                    RuleNumber=number,
                    Protocol="6",
                    RuleAction="deny",
                    Egress=False,
                    CidrBlock="0.0.0.0/0",
                    PortRange={"From": port, "To": port},
                )
        zones = [z["ZoneName"] for z in ec2.describe_availability_zones()["AvailabilityZones"]]
        # The primary region spreads over two zones; the DR region sits in one (finding).
        subnet_zones = zones[:2] if region == primary else zones[:1]
        subnets = []
        for index, zone in enumerate(subnet_zones):
            subnet = ec2.create_subnet(
                VpcId=vpc, CidrBlock=f"10.10.{index}.0/24", AvailabilityZone=zone
            )["Subnet"]["SubnetId"]
            ec2.create_tags(Resources=[subnet], Tags=_tags(f"shop-{zone}", web))
            subnets.append(subnet)

        web_sg = ec2.create_security_group(
            GroupName="shop-web",
            Description="Web tier",
            VpcId=vpc,
            TagSpecifications=[{"ResourceType": "security-group", "Tags": _tags("shop-web", web)}],
        )["GroupId"]
        ec2.authorize_security_group_ingress(
            GroupId=web_sg,
            IpPermissions=[
                {
                    "IpProtocol": "tcp",
                    "FromPort": 443,
                    "ToPort": 443,
                    "IpRanges": [{"CidrIp": "0.0.0.0/0"}],
                },
                # SSH open to the world: a classic finding.
                {
                    "IpProtocol": "tcp",
                    "FromPort": 22,
                    "ToPort": 22,
                    "IpRanges": [{"CidrIp": "0.0.0.0/0", "Description": "temporary"}],
                },
            ],
        )
        db_sg = ec2.create_security_group(
            GroupName="customer-db",
            Description="Database tier",
            VpcId=vpc,
            TagSpecifications=[
                {"ResourceType": "security-group", "Tags": _tags("customer-db", customers)}
            ],
        )["GroupId"]
        ec2.authorize_security_group_ingress(
            GroupId=db_sg,
            IpPermissions=[
                {
                    "IpProtocol": "tcp",
                    "FromPort": 5432,
                    "ToPort": 5432,
                    "UserIdGroupPairs": [{"GroupId": web_sg}],
                },
            ],
        )
        if region == primary:
            legacy = ec2.create_security_group(
                GroupName="legacy-admin", Description="Old admin access", VpcId=vpc
            )["GroupId"]
            ec2.authorize_security_group_ingress(
                GroupId=legacy,
                IpPermissions=[
                    {"IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0"}]},
                    {
                        "IpProtocol": "tcp",
                        "FromPort": 3306,
                        "ToPort": 3306,
                        "IpRanges": [{"CidrIp": "0.0.0.0/0"}],
                    },
                ],
            )

        if region == primary:
            ec2.create_key_pair(KeyName="old-contractor")  # used by nothing: a finding
            ec2.create_security_group(  # left over from a vendor's trial: used by nothing
                GroupName="old-vendor",
                Description="Vendor trial",
                VpcId=vpc,
                TagSpecifications=[
                    {"ResourceType": "security-group", "Tags": _tags("old-vendor", web)}
                ],
            )
        ec2.create_key_pair(
            KeyName=f"shop-deploy-{region}",
            TagSpecifications=[{"ResourceType": "key-pair", "Tags": _tags("shop-deploy", web)}],
        )
        ec2.run_instances(
            ImageId="ami-12c6146b",
            MinCount=2,
            MaxCount=2,
            InstanceType="t3.medium",
            SubnetId=subnets[0],
            SecurityGroupIds=[web_sg],
            KeyName=f"shop-deploy-{region}",
            # The web servers are half hardened: IMDSv2 and detailed monitoring, no role.
            MetadataOptions={"HttpTokens": "required", "HttpEndpoint": "enabled"},
            Monitoring={"Enabled": True},
            UserData="#!/bin/sh\naws ssm get-parameter --name /shop/db-password\n",
            TagSpecifications=[
                {"ResourceType": "instance", "Tags": _tags("shop-web", web)},
                {"ResourceType": "volume", "Tags": _tags("shop-web-root", web)},
            ],
        )
        if region == primary:
            bastion = ec2.run_instances(
                ImageId="ami-12c6146b",
                MinCount=1,
                MaxCount=1,
                InstanceType="t3.small",
                # A deploy key pasted into the boot script: a finding.
                UserData="#!/bin/sh\nexport AWS_ACCESS_KEY_ID=AKIAIOSFODNN7DEMOKEY\n",
                # A public address behind the legacy group: admin and database ports open.
                NetworkInterfaces=[
                    {
                        "DeviceIndex": 0,
                        "SubnetId": subnets[0],
                        "Groups": [legacy],
                        "AssociatePublicIpAddress": True,
                    }
                ],
                # Nobody's, IMDSv1, no role, basic monitoring, unencrypted root volume.
                TagSpecifications=[
                    {"ResourceType": "instance", "Tags": _tags("bastion")},
                    {"ResourceType": "volume", "Tags": _tags("bastion-root")},
                ],
            )["Instances"][0]["InstanceId"]
            # An image of the bastion, shared with everyone (a finding), and a private one.
            for name, public in (("bastion-golden", True), ("shop-web-base", False)):
                image = ec2.create_image(InstanceId=bastion, Name=name)["ImageId"]
                # The image's disk snapshots: the web team's, unencrypted like the disk.
                described = ec2.describe_images(ImageIds=[image])["Images"][0]
                for mapping in described.get("BlockDeviceMappings") or []:
                    if (mapping.get("Ebs") or {}).get("SnapshotId"):
                        ec2.create_tags(
                            Resources=[mapping["Ebs"]["SnapshotId"]],
                            Tags=_tags(f"{name}-root", web),
                        )
                if public:
                    ec2.modify_image_attribute(
                        ImageId=image, LaunchPermission={"Add": [{"Group": "all"}]}
                    )

        # EBS: one encrypted, one not; default encryption on only in the primary region.
        for name, encrypted, asset in (
            ("customer-data", True, customers),
            ("scratch", False, None),
        ):
            ec2.create_volume(
                Size=50,
                AvailabilityZone=zones[0],
                Encrypted=encrypted,
                TagSpecifications=[{"ResourceType": "volume", "Tags": _tags(name, asset)}],
            )
        if region == primary:
            ec2.enable_ebs_encryption_by_default()
            volume = ec2.create_volume(
                Size=20,
                AvailabilityZone=zones[0],
                TagSpecifications=[
                    {"ResourceType": "volume", "Tags": _tags("export-source", customers)}
                ],
            )["VolumeId"]
            snapshot = ec2.create_snapshot(
                VolumeId=volume,
                Description="old customer export",
                TagSpecifications=[
                    {"ResourceType": "snapshot", "Tags": _tags("customer-export", customers)}
                ],
            )["SnapshotId"]
            ec2.modify_snapshot_attribute(
                SnapshotId=snapshot,
                Attribute="createVolumePermission",
                OperationType="add",
                GroupNames=["all"],  # shared publicly: a finding
            )

        autoscaling = fake.client(session, "autoscaling", region)
        autoscaling.create_launch_configuration(
            LaunchConfigurationName="shop-web", ImageId="ami-12c6146b", InstanceType="t3.medium"
        )
        autoscaling.create_auto_scaling_group(
            AutoScalingGroupName=f"shop-web-{region}",
            LaunchConfigurationName="shop-web",
            MinSize=0,
            MaxSize=4,
            DesiredCapacity=0,
            VPCZoneIdentifier=",".join(subnets),
            Tags=[{"Key": ASSET_TAG, "Value": web, "PropagateAtLaunch": False}] if web else [],
        )

        rds = fake.client(session, "rds", region)
        rds.create_db_instance(
            DBInstanceIdentifier=f"customer-db-{region}",
            DBInstanceClass="db.t3.medium",
            Engine="postgres",
            # The DR copy keeps the engine's default user and skips minor upgrades.
            MasterUsername="shop" if region == primary else "postgres",
            AutoMinorVersionUpgrade=region == primary,
            CopyTagsToSnapshot=region == primary,
            DeletionProtection=region == primary,
            MasterUserPassword="not-a-real-pass",
            AllocatedStorage=100,
            StorageEncrypted=region == primary,
            MultiAZ=region == primary,
            PubliclyAccessible=region != primary,
            BackupRetentionPeriod=7 if region == primary else 0,
            EnableIAMDatabaseAuthentication=region == primary,
            EnableCloudwatchLogsExports=["postgresql"] if region == primary else [],
            VpcSecurityGroupIds=[db_sg],
            Tags=_tags(f"customer-db-{region}", customers),
            # The DR copy listens on the engine's default port, without Enhanced Monitoring.
            Port=5433 if region == primary else 5432,
            **(
                {"MonitoringInterval": 60, "MonitoringRoleArn": _monitoring_role(account_id)}
                if region == primary
                else {}
            ),
            # The primary is placed in the VPC, requires TLS and runs a current engine;
            # the DR copy has none of it (an old default version, no subnet group).
            **(_rds_placement(rds, subnets) if region == primary else {}),
        )
        # A snapshot before a migration (private, encrypted with its database) and, in the
        # DR region, an export shared with everyone (unencrypted): findings.
        snapshot = "customer-db-premigration" if region == primary else "customer-db-dr-export"
        rds.create_db_snapshot(
            DBInstanceIdentifier=f"customer-db-{region}", DBSnapshotIdentifier=snapshot
        )
        if region != primary:
            rds.modify_db_snapshot_attribute(
                DBSnapshotIdentifier=snapshot, AttributeName="restore", ValuesToAdd=["all"]
            )
        _seed_rds_more(rds, account_id, region, primary, customers)

        dynamodb = fake.client(session, "dynamodb", region)
        for table, asset, pitr in (("orders", sessions, True), ("sessions", sessions, False)):
            dynamodb.create_table(
                TableName=f"{table}-{region}",
                KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
                AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
                BillingMode="PAY_PER_REQUEST",
                Tags=[{"Key": ASSET_TAG, "Value": asset}] if asset else [],
                DeletionProtectionEnabled=pitr,
                **({"SSESpecification": {"Enabled": True, "SSEType": "KMS"}} if pitr else {}),
            )
            if pitr:
                dynamodb.update_continuous_backups(
                    TableName=f"{table}-{region}",
                    PointInTimeRecoverySpecification={"PointInTimeRecoveryEnabled": True},
                )

        sqs = fake.client(session, "sqs", region)
        sqs.create_queue(
            QueueName=f"order-events-{region}",
            Attributes={"KmsMasterKeyId": "alias/aws/sqs"},
            tags={ASSET_TAG: queue} if queue else {},
        )
        if region == primary:  # encryption switched off by hand: a finding
            sqs.create_queue(QueueName="legacy-jobs", Attributes={"SqsManagedSseEnabled": "false"})
        open_queue = sqs.create_queue(QueueName=f"webhooks-{region}")["QueueUrl"]
        sqs.set_queue_attributes(
            QueueUrl=open_queue,
            Attributes={
                "Policy": _policy(
                    {
                        "Effect": "Allow",
                        "Principal": "*",
                        "Action": "sqs:SendMessage",
                        "Resource": "*",
                    }
                )
            },
        )

        glacier = fake.client(session, "glacier", region)
        # Untagged (moto has no vault tags): the demo links vaults by an ARN rule instead.
        glacier.create_vault(vaultName=f"archive-{region}")

    # Primary region only: mail, EMR, Beanstalk.
    ses = fake.client(session, "sesv2", primary)
    for address in ("shop.example.com", "noreply@shop.example.com"):
        ses.create_email_identity(
            EmailIdentity=address, Tags=[{"Key": ASSET_TAG, "Value": mail}] if mail else []
        )
    ses.create_email_identity_policy(  # anyone may send as the shop: a finding
        EmailIdentity="shop.example.com",
        PolicyName="partners-send",
        Policy=_policy(
            {"Effect": "Allow", "Principal": "*", "Action": "ses:SendEmail", "Resource": "*"}
        ),
    )

    emr = fake.client(session, "emr", primary)
    # Someone reused the legacy admin group (open to the internet) for the master node.
    legacy_admin = fake.client(session, "ec2", primary).describe_security_groups(
        Filters=[{"Name": "group-name", "Values": ["legacy-admin"]}]
    )["SecurityGroups"][0]["GroupId"]
    emr.run_job_flow(
        Name="sales-analytics",
        ReleaseLabel="emr-6.15.0",
        Instances={
            "MasterInstanceType": "m5.xlarge",
            "SlaveInstanceType": "m5.xlarge",
            "InstanceCount": 3,
            "KeepJobFlowAliveWhenNoSteps": True,
            "AdditionalMasterSecurityGroups": [legacy_admin],
        },
        JobFlowRole="EMR_EC2_DefaultRole",
        ServiceRole="EMR_DefaultRole",
        Tags=[{"Key": ASSET_TAG, "Value": analytics}] if analytics else [],
    )

    eb = fake.client(session, "elasticbeanstalk", primary)
    eb.create_application(ApplicationName="hr-portal")
    eb.create_environment(
        ApplicationName="hr-portal",
        EnvironmentName="hr-portal-prod",
        SolutionStackName="64bit Amazon Linux 2023 v4.0.0 running Python 3.11",
        Tags=[{"Key": ASSET_TAG, "Value": hr}] if hr else [],
    )

    # S3: one bucket per concern, with the usual mistakes on some of them.
    buckets = [
        ("shop-assets-public", documents, primary, "public"),
        ("customer-exports", documents, primary, "hardened"),
        ("payment-records", documents, primary, "versioned"),
        ("backup-replica", documents, secondary, "plain"),
        ("analytics-lake", analytics, primary, "plain"),
    ]
    for name, asset, region, posture in buckets:
        client = fake.client(session, "s3", region)
        bucket = f"{name}-{account_id}"
        kwargs = (
            {}
            if region == "us-east-1"
            else {"CreateBucketConfiguration": {"LocationConstraint": region}}
        )
        # The payment records are kept immutable for their retention period.
        client.create_bucket(
            Bucket=bucket, ObjectLockEnabledForBucket=posture == "versioned", **kwargs
        )
        if asset:
            client.put_bucket_tagging(
                Bucket=bucket, Tagging={"TagSet": [{"Key": ASSET_TAG, "Value": asset}]}
            )
        if posture == "public":
            client.put_bucket_policy(Bucket=bucket, Policy=_bucket_policy(bucket, PUBLIC_READ))
            client.put_bucket_acl(Bucket=bucket, ACL="public-read")
        if posture in ("hardened", "versioned"):
            client.put_bucket_versioning(
                Bucket=bucket, VersioningConfiguration={"Status": "Enabled"}
            )
            client.put_bucket_encryption(
                Bucket=bucket,
                ServerSideEncryptionConfiguration={
                    "Rules": [
                        {
                            "ApplyServerSideEncryptionByDefault": {
                                "SSEAlgorithm": "aws:kms",
                                "KMSMasterKeyID": "alias/aws/s3",
                            }
                        }
                    ]
                },
            )
            client.put_public_access_block(
                Bucket=bucket,
                PublicAccessBlockConfiguration={
                    "BlockPublicAcls": True,
                    "IgnorePublicAcls": True,
                    "BlockPublicPolicy": True,
                    "RestrictPublicBuckets": True,
                },
            )
            client.put_bucket_ownership_controls(
                Bucket=bucket,
                OwnershipControls={"Rules": [{"ObjectOwnership": "BucketOwnerEnforced"}]},
            )
        if posture == "versioned":
            client.put_object_lock_configuration(
                Bucket=bucket,
                ObjectLockConfiguration={
                    "ObjectLockEnabled": "Enabled",
                    "Rule": {"DefaultRetention": {"Mode": "GOVERNANCE", "Years": 10}},
                },
            )
        if posture == "hardened":
            client.put_bucket_policy(Bucket=bucket, Policy=_bucket_policy(bucket, DENY_INSECURE))
            client.put_bucket_lifecycle_configuration(
                Bucket=bucket,
                LifecycleConfiguration={
                    "Rules": [
                        {
                            "ID": "expire-exports",
                            "Status": "Enabled",
                            "Filter": {"Prefix": ""},
                            "Expiration": {"Days": 90},
                            "NoncurrentVersionExpiration": {"NoncurrentDays": 30},
                        }
                    ]
                },
            )

    # Access logs of the hardened bucket go to their own bucket.
    s3 = fake.client(session, "s3", primary)
    logs = f"shop-access-logs-{account_id}"
    s3.create_bucket(Bucket=logs, ACL="log-delivery-write", **_location(primary))
    s3.put_bucket_logging(
        Bucket=f"customer-exports-{account_id}",
        BucketLoggingStatus={"LoggingEnabled": {"TargetBucket": logs, "TargetPrefix": "exports/"}},
    )
    # ...and its object events go to the operations team's queue.
    s3.put_bucket_notification_configuration(
        Bucket=f"customer-exports-{account_id}",
        NotificationConfiguration={
            "QueueConfigurations": [
                {
                    "QueueArn": f"arn:aws:sqs:{primary}:{account_id}:webhooks-{primary}",
                    "Events": ["s3:ObjectCreated:*", "s3:ObjectRemoved:*"],
                }
            ]
        },
    )

    # CloudTrail: one trail in the primary region only, unvalidated and unencrypted.
    trail_bucket = f"shop-trail-{account_id}"
    s3.create_bucket(Bucket=trail_bucket, **_location(primary))
    fake.client(session, "cloudtrail", primary).create_trail(
        Name="shop-trail", S3BucketName=trail_bucket
    )
    fake.client(session, "cloudtrail", primary).start_logging(Name="shop-trail")

    # KMS: a rotated key, one that never rotates, one disabled and forgotten.
    kms = fake.client(session, "kms", primary)
    for alias, rotate, enabled in (
        ("shop-data", True, True),
        ("legacy-exports", False, True),
        ("old-migration", False, False),
    ):
        key = kms.create_key(Description=alias)["KeyMetadata"]["KeyId"]
        kms.create_alias(AliasName=f"alias/{alias}", TargetKeyId=key)
        if rotate:
            kms.enable_key_rotation(KeyId=key)
        else:  # shared with "a partner" by opening the key policy to everyone: a finding
            kms.put_key_policy(
                KeyId=key,
                PolicyName="default",
                Policy=_policy(
                    {
                        "Sid": "Owner",
                        "Effect": "Allow",
                        "Principal": {"AWS": f"arn:aws:iam::{account_id}:root"},
                        "Action": "kms:*",
                        "Resource": "*",
                    },
                    *(
                        [
                            {
                                "Effect": "Allow",
                                "Principal": "*",
                                "Action": "kms:Decrypt",
                                "Resource": "*",
                            }
                        ]
                        if enabled
                        else []
                    ),
                ),
            )
        if not enabled:
            kms.disable_key(KeyId=key)
    _seed_data_more(fake, session, account_id, primary, secondary, assets.get("sessions"))

    # IAM: people and machines, some of them careless.
    iam = fake.client(session, "iam")
    iam.create_group(GroupName="developers")
    developer_policy = iam.create_policy(
        PolicyName="developer-read",
        PolicyDocument=_policy(
            {"Effect": "Allow", "Action": ["ec2:Describe*", "s3:Get*", "s3:List*"], "Resource": "*"}
        ),
    )["Policy"]["Arn"]
    iam.attach_group_policy(GroupName="developers", PolicyArn=developer_policy)
    admin_policy = iam.create_policy(
        PolicyName="break-glass-admin",
        PolicyDocument=_policy({"Effect": "Allow", "Action": "*", "Resource": "*"}),
    )["Policy"]["Arn"]
    for user, console, mfa, direct in (
        ("alice", True, True, False),
        ("bob", True, False, False),
        ("ci-deployer", False, False, True),
    ):
        iam.create_user(
            UserName=user, Tags=[{"Key": ASSET_TAG, "Value": identity}] if identity else []
        )
        iam.add_user_to_group(GroupName="developers", UserName=user)
        if console:
            iam.create_login_profile(UserName=user, Password="Demo-Password-123!")
        if mfa:
            serial = iam.create_virtual_mfa_device(VirtualMFADeviceName=user)["VirtualMFADevice"][
                "SerialNumber"
            ]
            iam.enable_mfa_device(
                UserName=user,
                SerialNumber=serial,
                AuthenticationCode1="123456",
                AuthenticationCode2="654321",
            )
        if direct:
            iam.attach_user_policy(UserName=user, PolicyArn=admin_policy)
            iam.create_access_key(UserName=user)
            iam.create_access_key(UserName=user)  # a rotation never finished: a finding
    iam.create_role(
        RoleName="partner-support",
        AssumeRolePolicyDocument=_policy(
            {
                "Effect": "Allow",
                "Principal": {"AWS": "arn:aws:iam::999988887777:root"},
                "Action": "sts:AssumeRole",  # another account, no ExternalId or MFA: a finding
            }
        ),
    )
    iam.update_account_password_policy(MinimumPasswordLength=8, RequireSymbols=False)
    _seed_chkiam(fake, session, account_id, primary, secondary)
    _seed_resilience(fake, session, account_id, primary, secondary, web)


def _rds_placement(rds, subnets: list[str]) -> dict:
    """A DB subnet group over `subnets` and a parameter group that requires TLS: the
    create_db_instance arguments of a database placed and configured with care."""
    rds.create_db_subnet_group(
        DBSubnetGroupName="customer-db",
        DBSubnetGroupDescription="Customer database subnets",
        SubnetIds=subnets,
    )
    rds.create_db_parameter_group(
        DBParameterGroupName="customer-db-tls",
        DBParameterGroupFamily="postgres16",
        Description="TLS required",
    )
    rds.modify_db_parameter_group(
        DBParameterGroupName="customer-db-tls",
        Parameters=[
            {"ParameterName": "rds.force_ssl", "ParameterValue": "1", "ApplyMethod": "immediate"}
        ],
    )
    return {
        "EngineVersion": "16.6",
        "DBSubnetGroupName": "customer-db",
        "DBParameterGroupName": "customer-db-tls",
    }


def _seed_resilience(
    fake: FakeAws, session, account_id: str, primary: str, secondary: str, web: str | None
):
    """Issue 18's account settings, backup and network checks. The primary region is set
    up with care: IMDSv2 by default, AMI and snapshot sharing blocked, a backup plan
    (which misses some volumes), an EC2 endpoint, public and private subnets.
    The DR region has none of it (its only subnet routes to the internet). The primary
    also holds a peering to the default VPC routed as a whole, a VPN whose tunnels are
    down, a partner endpoint service open to everyone, a Client VPN without logs, an
    instance on a deprecated image, an access point and a Multi-Region Access Point left
    open, a public object, and a SageMaker bucket name someone else took."""
    ec2 = fake.client(session, "ec2", primary)
    ec2.modify_instance_metadata_defaults(HttpTokens="required")
    ec2.enable_image_block_public_access(ImageBlockPublicAccessState="block-new-sharing")
    ec2.enable_snapshot_block_public_access(State="block-all-sharing")

    def shop_vpc(region_ec2, region):
        vpc = region_ec2.describe_vpcs(Filters=[{"Name": "tag:Name", "Values": [f"shop-{region}"]}])
        vpc_id = vpc["Vpcs"][0]["VpcId"]
        subnets = region_ec2.describe_subnets(Filters=[{"Name": "vpc-id", "Values": [vpc_id]}])
        return vpc_id, [s["SubnetId"] for s in subnets["Subnets"]]

    # Internet gateways: in the primary region for the first subnet only (public and
    # private tiers), in the DR region through the main route table (all public).
    for region, region_ec2 in ((primary, ec2), (secondary, fake.client(session, "ec2", secondary))):
        vpc, subnets = shop_vpc(region_ec2, region)
        gateway = region_ec2.create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
        region_ec2.attach_internet_gateway(InternetGatewayId=gateway, VpcId=vpc)
        if region == primary:
            table = region_ec2.create_route_table(VpcId=vpc)["RouteTable"]["RouteTableId"]
            region_ec2.associate_route_table(RouteTableId=table, SubnetId=subnets[0])
        else:
            table = region_ec2.describe_route_tables(
                Filters=[
                    {"Name": "vpc-id", "Values": [vpc]},
                    {"Name": "association.main", "Values": ["true"]},
                ]
            )["RouteTables"][0]["RouteTableId"]
        region_ec2.create_route(
            RouteTableId=table, DestinationCidrBlock="0.0.0.0/0", GatewayId=gateway
        )
    vpc, subnets = shop_vpc(ec2, primary)
    ec2.create_vpc_endpoint(
        VpcId=vpc,
        ServiceName=f"com.amazonaws.{primary}.ec2",
        VpcEndpointType="Interface",
        SubnetIds=subnets,
        PolicyDocument=_policy(
            {
                "Effect": "Allow",
                "Principal": {"AWS": f"arn:aws:iam::{account_id}:root"},
                "Action": "ec2:*",
                "Resource": "*",
            }
        ),
        TagSpecifications=[{"ResourceType": "vpc-endpoint", "Tags": _tags("ec2-endpoint", web)}],
    )
    # A peering to the default VPC, routed to its whole range.
    default_vpc = ec2.describe_vpcs(Filters=[{"Name": "is-default", "Values": ["true"]}])["Vpcs"][0]
    peering = ec2.create_vpc_peering_connection(
        VpcId=vpc,
        PeerVpcId=default_vpc["VpcId"],
        TagSpecifications=[
            {"ResourceType": "vpc-peering-connection", "Tags": _tags("shop-to-default")}
        ],
    )["VpcPeeringConnection"]["VpcPeeringConnectionId"]
    ec2.accept_vpc_peering_connection(VpcPeeringConnectionId=peering)
    main = ec2.describe_route_tables(
        Filters=[
            {"Name": "vpc-id", "Values": [vpc]},
            {"Name": "association.main", "Values": ["true"]},
        ]
    )["RouteTables"][0]["RouteTableId"]
    ec2.create_route(
        RouteTableId=main,
        DestinationCidrBlock=default_vpc["CidrBlock"],
        VpcPeeringConnectionId=peering,
    )
    # The office VPN (no device answers the fake AWS: both tunnels are down).
    customer_gateway = ec2.create_customer_gateway(
        Type="ipsec.1", PublicIp="198.51.100.10", BgpAsn=65000
    )["CustomerGateway"]["CustomerGatewayId"]
    vpn_gateway = ec2.create_vpn_gateway(Type="ipsec.1")["VpnGateway"]["VpnGatewayId"]
    ec2.attach_vpn_gateway(VpcId=vpc, VpnGatewayId=vpn_gateway)
    ec2.create_vpn_connection(
        Type="ipsec.1",
        CustomerGatewayId=customer_gateway,
        VpnGatewayId=vpn_gateway,
        TagSpecifications=[{"ResourceType": "vpn-connection", "Tags": _tags("office-vpn")}],
    )
    # A partner API offered over PrivateLink to every AWS account.
    balancer = fake.client(session, "elbv2", primary).create_load_balancer(
        Name="partner-api", Subnets=[subnets[1]], Type="network", Scheme="internal"
    )["LoadBalancers"][0]["LoadBalancerArn"]
    service = ec2.create_vpc_endpoint_service_configuration(
        NetworkLoadBalancerArns=[balancer],
        AcceptanceRequired=False,
        TagSpecifications=[{"ResourceType": "vpc-endpoint-service", "Tags": _tags("partner-api")}],
    )["ServiceConfiguration"]["ServiceId"]
    ec2.modify_vpc_endpoint_service_permissions(ServiceId=service, AddAllowedPrincipals=["*"])
    ec2.create_client_vpn_endpoint(
        ClientCidrBlock="10.200.0.0/22",
        ServerCertificateArn=f"arn:aws:acm:{primary}:{account_id}:certificate/remote-staff",
        AuthenticationOptions=[{"Type": "federated-authentication"}],
        ConnectionLogOptions={"Enabled": False},
        TagSpecifications=[{"ResourceType": "client-vpn-endpoint", "Tags": _tags("remote-staff")}],
    )
    # The reporting server still runs the image its team stopped maintaining; it is
    # otherwise set up with care (role for Systems Manager, IMDSv2, monitoring).
    image = ec2.register_image(
        Name="reporting-2023",
        Architecture="x86_64",
        VirtualizationType="hvm",
        RootDeviceName="/dev/xvda",
    )["ImageId"]
    ec2.enable_image_deprecation(ImageId=image, DeprecateAt="2025-06-30T00:00:00Z")
    for mapping in ec2.describe_images(ImageIds=[image])["Images"][0]["BlockDeviceMappings"]:
        if (mapping.get("Ebs") or {}).get("SnapshotId"):  # the image's (unencrypted) disk
            ec2.create_tags(
                Resources=[mapping["Ebs"]["SnapshotId"]], Tags=_tags("reporting-2023-root", web)
            )
    iam = fake.client(session, "iam")
    iam.create_instance_profile(InstanceProfileName="reporting-ssm")
    ec2.run_instances(
        ImageId=image,
        MinCount=1,
        MaxCount=1,
        InstanceType="t3.small",
        SubnetId=subnets[1],
        IamInstanceProfile={"Name": "reporting-ssm"},
        MetadataOptions={"HttpTokens": "required", "HttpEndpoint": "enabled"},
        Monitoring={"Enabled": True},
        BlockDeviceMappings=[
            {"DeviceName": "/dev/xvda", "Ebs": {"VolumeSize": 8, "Encrypted": True}}
        ],
        TagSpecifications=[
            {"ResourceType": "instance", "Tags": _tags("legacy-reporting", web)},
            {"ResourceType": "volume", "Tags": _tags("legacy-reporting-root", web)},
        ],
    )
    _seed_backup_plan(fake, session, account_id, primary)
    _seed_s3_access(fake, session, account_id, primary)


def _seed_backup_plan(fake: FakeAws, session, account_id: str, primary: str) -> None:
    """The primary region's daily backup plan: every DynamoDB table, the customer
    database, and the volumes someone listed one by one (the bastion's, the export's,
    the reporting server's): the data and web volumes were never added."""
    ec2 = fake.client(session, "ec2", primary)
    listed = ec2.describe_volumes(
        Filters=[
            {
                "Name": "tag:Name",
                "Values": ["bastion-root", "export-source", "legacy-reporting-root"],
            }
        ]
    )["Volumes"]
    backup = fake.client(session, "backup", primary)
    plan = backup.create_backup_plan(
        BackupPlan={
            "BackupPlanName": "daily",
            "Rules": [{"RuleName": "daily-35d", "TargetBackupVaultName": "Default"}],
        }
    )["BackupPlanId"]
    backup.create_backup_selection(
        BackupPlanId=plan,
        BackupSelection={
            "SelectionName": "production",
            "IamRoleArn": f"arn:aws:iam::{account_id}:role/backup",
            "Resources": [
                *(f"arn:aws:ec2:{primary}:{account_id}:volume/{v['VolumeId']}" for v in listed),
                "arn:aws:dynamodb:*:*:table/*",
                f"arn:aws:rds:{primary}:{account_id}:db:customer-db-{primary}",
            ],
        },
    )


def _seed_s3_access(fake: FakeAws, session, account_id: str, primary: str) -> None:
    """An access point and a Multi-Region Access Point created with their public access
    blocks off, an object published through its ACL, and the SageMaker bucket name of
    the primary region created first by a stranger's account."""
    control = fake.client(session, "s3control", primary)
    wide_open = {
        "BlockPublicAcls": False,
        "IgnorePublicAcls": False,
        "BlockPublicPolicy": False,
        "RestrictPublicBuckets": False,
    }
    bucket = f"shop-assets-public-{account_id}"
    control.create_access_point(
        AccountId=account_id,
        Name="assets-partners",
        Bucket=bucket,
        PublicAccessBlockConfiguration=wide_open,
    )
    control.create_multi_region_access_point(
        AccountId=account_id,
        ClientToken="shop-assets-global",
        Details={
            "Name": "shop-assets-global",
            "PublicAccessBlock": wide_open,
            "Regions": [{"Bucket": bucket}],
        },
    )
    fake.client(session, "s3", primary).put_object(
        Bucket=bucket, Key="price-list.pdf", Body=b"%PDF-1.4", ACL="public-read"
    )
    stranger = fake.account_session(STRANGER_ACCOUNT)
    fake.client(stranger, "s3", primary).create_bucket(
        Bucket=f"sagemaker-{primary}-{account_id}",
        CreateBucketConfiguration={"LocationConstraint": primary},
    )


# --- chkiam (issue 18): more IAM and CloudTrail misconfigurations -----------------------
def _monitoring_role(account_id: str) -> str:
    return f"arn:aws:iam::{account_id}:role/rds-monitoring"


def _seed_rds_more(rds, account_id: str, region: str, primary: str, asset: str | None) -> None:
    """Issue 18's RDS checks: the primary region's event subscriptions tell operations of
    every critical event; the DR region has none, and a reporting Aurora cluster left
    with every default (unencrypted, unprotected, one zone, no backtracking, the default
    admin and port, no IAM authentication, no log exports, minor upgrades off) and a
    snapshot of it shared with everyone."""
    if region == primary:
        topic = f"arn:aws:sns:{region}:{account_id}:db-operations"
        for source in ("db-instance", "db-cluster", "db-parameter-group", "db-security-group"):
            rds.create_event_subscription(
                SubscriptionName=f"ops-{source}", SnsTopicArn=topic, SourceType=source, Enabled=True
            )
        return
    rds.create_db_cluster(
        DBClusterIdentifier="reporting-aurora",
        Engine="aurora-mysql",
        MasterUsername="admin",
        MasterUserPassword="not-a-real-pass",
        AutoMinorVersionUpgrade=False,
        Tags=_tags("reporting-aurora", asset),
    )
    rds.create_db_cluster_snapshot(
        DBClusterIdentifier="reporting-aurora", DBClusterSnapshotIdentifier="reporting-share"
    )
    rds.modify_db_cluster_snapshot_attribute(
        DBClusterSnapshotIdentifier="reporting-share", AttributeName="restore", ValuesToAdd=["all"]
    )


def _seed_data_more(
    fake: FakeAws, session, account_id: str, primary: str, secondary: str, asset: str | None
):
    """Issue 18's data-service checks: a key scheduled for deletion and a multi-Region
    key, a DynamoDB table shared with a partner account and one with fixed provisioned
    capacity, a DAX cache in the DR region left unencrypted, without TLS and on one
    node, and an Elastic IP kept after the VPN it served was removed."""
    ec2 = fake.client(session, "ec2", primary)
    # A launch template from the early days: IMDSv1, a public address, a key in the script.
    ec2.create_launch_template(
        LaunchTemplateName="batch-worker-v1",
        LaunchTemplateData={
            "ImageId": "ami-12c6146b",
            "MetadataOptions": {"HttpTokens": "optional"},
            "NetworkInterfaces": [{"DeviceIndex": 0, "AssociatePublicIpAddress": True}],
            "UserData": base64.b64encode(
                b"#!/bin/sh\n"
                b"export AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n"
            ).decode(),
        },
    )
    # Endpoints of the shop VPC: S3's restricted to the account (right); Systems
    # Manager's with the default open policy, in one subnet (two findings).
    shop_vpc = ec2.describe_vpcs(Filters=[{"Name": "tag:Name", "Values": [f"shop-{primary}"]}])[
        "Vpcs"
    ][0]["VpcId"]
    first_subnet = ec2.describe_subnets(Filters=[{"Name": "vpc-id", "Values": [shop_vpc]}])[
        "Subnets"
    ][0]["SubnetId"]
    for service, kind, options in (
        ("s3", "Gateway", {"PolicyDocument": _policy(
            {"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{account_id}:root"},
             "Action": "s3:*", "Resource": "*"}
        )}),
        ("ssm", "Interface", {"SubnetIds": [first_subnet]}),
    ):  # fmt: skip
        ec2.create_vpc_endpoint(
            VpcId=shop_vpc,
            ServiceName=f"com.amazonaws.{primary}.{service}",
            VpcEndpointType=kind,
            TagSpecifications=[
                {
                    "ResourceType": "vpc-endpoint",
                    "Tags": [{"Key": "Name", "Value": f"{service}-endpoint"}],
                }
            ],
            **options,
        )
    # A transit gateway shared with partners that attaches their VPCs unasked.
    ec2.create_transit_gateway(
        Description="partner-hub",
        Options={"AutoAcceptSharedAttachments": "enable"},
        TagSpecifications=[
            {"ResourceType": "transit-gateway", "Tags": [{"Key": "Name", "Value": "partner-hub"}]}
        ],
    )
    ec2.allocate_address(
        Domain="vpc",
        TagSpecifications=[
            {"ResourceType": "elastic-ip", "Tags": [{"Key": "Name", "Value": "old-vpn-endpoint"}]}
        ],
    )
    kms = fake.client(session, "kms", primary)
    for alias, options in (("retired-exports", {}), ("global-tables", {"MultiRegion": True})):
        key = kms.create_key(Description=alias, **options)["KeyMetadata"]["KeyId"]
        kms.create_alias(AliasName=f"alias/{alias}", TargetKeyId=key)
        if alias == "retired-exports":
            kms.schedule_key_deletion(KeyId=key, PendingWindowInDays=30)
        else:
            kms.enable_key_rotation(KeyId=key)
    dynamodb = fake.client(session, "dynamodb", secondary)
    table = f"arn:aws:dynamodb:{secondary}:{account_id}:table/orders-{secondary}"
    dynamodb.put_resource_policy(
        ResourceArn=table,
        Policy=_policy(
            {
                "Effect": "Allow",
                "Principal": {"AWS": "arn:aws:iam::999988887777:root"},
                "Action": "dynamodb:GetItem",
                "Resource": table,
            }
        ),
    )
    # Provisioned capacity, fixed: throttled on the next sales peak.
    dynamodb.create_table(
        TableName=f"stock-levels-{secondary}",
        KeySchema=[{"AttributeName": "sku", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "sku", "AttributeType": "S"}],
        BillingMode="PROVISIONED",
        ProvisionedThroughput={"ReadCapacityUnits": 5, "WriteCapacityUnits": 5},
        SSESpecification={"Enabled": True, "SSEType": "KMS"},
        DeletionProtectionEnabled=True,
        Tags=[{"Key": ASSET_TAG, "Value": asset}] if asset else [],
    )
    dynamodb.update_continuous_backups(
        TableName=f"stock-levels-{secondary}",
        PointInTimeRecoverySpecification={"PointInTimeRecoveryEnabled": True},
    )
    fake.client(session, "dax", secondary).create_cluster(
        ClusterName="sessions-cache",
        NodeType="dax.t3.small",
        ReplicationFactor=1,
        IamRoleArn=f"arn:aws:iam::{account_id}:role/dax-access",
        SSESpecification={"Enabled": False},
        ClusterEndpointEncryptionType="NONE",
    )


def _seed_chkiam(fake: FakeAws, session, account_id: str, primary: str, secondary: str) -> None:
    """IAM: an administrators' group with bob (no MFA) in it, a key bob never used, a
    tooling policy that can escalate and take over CloudTrail and KMS, service roles with
    and without a source condition, an expired server certificate. CloudTrail: Insights
    on shop-trail; a forgotten trail in the DR region delivering to the public bucket."""
    iam = fake.client(session, "iam")
    iam.create_group(GroupName="admins")
    admin_policy = f"arn:aws:iam::{account_id}:policy/break-glass-admin"
    iam.attach_group_policy(GroupName="admins", PolicyArn=admin_policy)
    iam.add_user_to_group(GroupName="admins", UserName="bob")  # bob has no MFA: a finding
    iam.create_access_key(UserName="bob")  # created with the console user, never used
    iam.create_policy(
        PolicyName="ops-tooling",
        PolicyDocument=_policy(
            {
                "Effect": "Allow",
                "Action": ["cloudtrail:*", "kms:*", "iam:PassRole", "ec2:RunInstances"],
                "Resource": "*",
            }
        ),
    )
    for role, condition in (("app-instances", None), ("deploy-events", account_id)):
        statement = {
            "Effect": "Allow",
            "Principal": {
                "Service": "ec2.amazonaws.com" if not condition else "events.amazonaws.com"
            },
            "Action": "sts:AssumeRole",
        }
        if condition:
            statement["Condition"] = {"StringEquals": {"aws:SourceAccount": condition}}
        iam.create_role(RoleName=role, AssumeRolePolicyDocument=_policy(statement))
    iam.upload_server_certificate(  # the fake AWS dates every certificate 2012: expired
        ServerCertificateName="legacy-shop-cert",
        CertificateBody="-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----",
        PrivateKey="-----BEGIN PRIVATE KEY-----\nMIIB\n-----END PRIVATE KEY-----",
    )
    fake.client(session, "cloudtrail", primary).put_insight_selectors(
        TrailName="shop-trail", InsightSelectors=[{"InsightType": "ApiCallRateInsight"}]
    )
    # Hardened once (validated, encrypted, to CloudWatch Logs), then pointed at the wrong
    # bucket: the public one.
    fake.client(session, "cloudtrail", secondary).create_trail(
        Name="old-audit-trail",
        S3BucketName=f"shop-assets-public-{account_id}",
        EnableLogFileValidation=True,
        KmsKeyId=f"arn:aws:kms:{secondary}:{account_id}:alias/audit",
        CloudWatchLogsLogGroupArn=f"arn:aws:logs:{secondary}:{account_id}:log-group:audit:*",
        CloudWatchLogsRoleArn=f"arn:aws:iam::{account_id}:role/trail-to-logs",
    )


# The demo company's AWS Organization: OU path -> member accounts (name, what it runs).
# The management account is the demo's production account, at the root.
DEMO_ORGANIZATION: dict[str, tuple[str, ...]] = {
    "Workloads / Staging": ("shop-staging",),
    "Workloads / Development": ("shop-dev",),
    "Security": ("security-tooling",),
    "Sandbox": ("sandbox-experiments",),
}


def seed_demo_organization(fake: FakeAws, *, management_account_id: str) -> dict[str, str]:
    """Create the demo company's organisation from its management account: the OUs and
    member accounts of DEMO_ORGANIZATION, each member with a small estate of its own (a
    bucket, a queue and a tagged VPC; one staging bucket public by mistake). Returns
    {member name: account id} (the fake AWS chooses the ids). Idempotent: an existing
    organisation is returned as it is."""
    organizations = fake.client(fake.account_session(management_account_id), "organizations")
    try:
        organizations.create_organization(FeatureSet="ALL")
    except ClientError as error:
        if error.response["Error"]["Code"] != "AlreadyInOrganizationException":
            raise
        return {
            a["Name"]: a["Id"]
            for page in organizations.get_paginator("list_accounts").paginate()
            for a in page["Accounts"]
            if a["Id"] != management_account_id
        }
    root = organizations.list_roots()["Roots"][0]["Id"]
    units: dict[str, str] = {}

    def unit(path: str) -> str:
        if path not in units:
            parent_path, _, name = path.rpartition(" / ")
            parent = unit(parent_path) if parent_path else root
            units[path] = organizations.create_organizational_unit(ParentId=parent, Name=name)[
                "OrganizationalUnit"
            ]["Id"]
        return units[path]

    members = {}
    for path, names in DEMO_ORGANIZATION.items():
        for name in names:
            status = organizations.create_account(
                AccountName=name, Email=f"aws+{name}@shop.example.com"
            )["CreateAccountStatus"]
            account_id = status["AccountId"]
            organizations.move_account(
                AccountId=account_id, SourceParentId=root, DestinationParentId=unit(path)
            )
            members[name] = account_id
            _seed_member(fake, account_id, name)
    return members


def _seed_member(fake: FakeAws, account_id: str, name: str) -> None:
    session = fake.account_session(account_id)
    region = "eu-west-1"
    ec2 = fake.client(session, "ec2", region)
    _name_defaults(ec2, region)
    vpc = ec2.create_vpc(CidrBlock="10.50.0.0/16")["Vpc"]["VpcId"]
    ec2.create_tags(Resources=[vpc], Tags=_tags(name))
    s3 = fake.client(session, "s3", region)
    bucket = f"{name}-{account_id}"
    s3.create_bucket(Bucket=bucket, **_location(region))
    if name == "shop-staging":  # a copy of production's public assets bucket, too open
        s3.put_bucket_policy(Bucket=bucket, Policy=_bucket_policy(bucket, PUBLIC_READ))
    fake.client(session, "sqs", region).create_queue(QueueName=f"{name}-jobs")


# What a retried create answers when its first try did create the resource.
ALREADY_EXISTS = {
    "InvalidGroup.Duplicate",
    "InvalidSubnet.Conflict",
    "QueueAlreadyExists",
    "ResourceInUseException",
    "BucketAlreadyOwnedByYou",
    "EntityAlreadyExists",
}


def seed_bulk(fake: FakeAws, *, account_id: str, regions: list[str], total: int) -> dict:
    """About `total` cheap-to-create resources spread over `regions`, for the benchmark:
    a mostly-EC2 estate (instances, security groups, volumes, subnets) with 1% each of
    queues, tables, buckets and users, whose collectors make per-resource calls.
    Returns the number created per resource type."""
    session = fake.account_session(account_id)
    created: dict[str, int] = {}
    for region in regions:
        per_region = total // len(regions)
        for kind, number in _seed_bulk_region(fake, session, region, per_region, account_id):
            created[kind] = created.get(kind, 0) + number
    return created


def _seed_bulk_region(
    fake: FakeAws, session, region: str, count: int, account_id: str
) -> list[tuple[str, int]]:
    ec2 = fake.client(session, "ec2", region)
    sqs = fake.client(session, "sqs", region)
    dynamodb = fake.client(session, "dynamodb", region)
    s3 = fake.client(session, "s3", region)
    iam = fake.client(session, "iam", region)
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    detail = max(count // 100, 1)
    instances = count * 50 // 100
    groups = count * 20 // 100
    volumes = count * 15 // 100
    subnets = count - instances - groups - volumes - 4 * detail
    zone = f"{region}a"
    for start in range(0, instances, 500):
        batch = min(500, instances - start)
        ec2.run_instances(
            ImageId="ami-12c6146b", MinCount=batch, MaxCount=batch, InstanceType="t3.micro"
        )
    location = (
        {}
        if region == "us-east-1"
        else {"CreateBucketConfiguration": {"LocationConstraint": region}}
    )

    def create(index: int) -> None:
        # moto's server, busy with 8 writers, now and then answers a create with an
        # HTML 500 page (botocore cannot parse it, so its retries do not apply). Try
        # again; a retry that finds the resource already made by the first try is done
        # (volumes have no name to collide on: such a retry may add one volume).
        for attempt in range(3):
            try:
                return create_once(index)
            except ResponseParserError:
                if attempt == 2:
                    raise
            except ClientError as error:
                if attempt == 0 or error.response["Error"]["Code"] not in ALREADY_EXISTS:
                    raise
                return None

    def create_once(index: int) -> None:
        if index < groups:
            ec2.create_security_group(GroupName=f"bench-{index}", Description="b", VpcId=vpc)
            return
        index -= groups
        if index < volumes:
            ec2.create_volume(Size=1, AvailabilityZone=zone)
            return
        index -= volumes
        if index < subnets:
            cidr = f"10.0.{index // 16}.{(index % 16) * 16}/28"
            ec2.create_subnet(VpcId=vpc, CidrBlock=cidr, AvailabilityZone=zone)
            return
        kind, n = divmod(index - subnets, detail)
        if kind == 0:
            sqs.create_queue(QueueName=f"bench-{n}")
        elif kind == 1:
            dynamodb.create_table(
                TableName=f"bench-{n}",
                KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
                AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
                BillingMode="PAY_PER_REQUEST",
            )
        elif kind == 2:
            # Bucket names are global: several accounts each get their own.
            s3.create_bucket(Bucket=f"bench-{account_id}-{region}-{n}", **location)
        else:
            iam.create_user(UserName=f"bench-{region}-{n}")

    with ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(create, range(groups + volumes + subnets + 4 * detail)))
    return [
        ("instance", instances),
        ("security-group", groups),
        ("volume", volumes),
        ("subnet", subnets),
        ("queue", detail),
        ("table", detail),
        ("bucket", detail),
        ("user", detail),
    ]


_BUCKETS = (
    "analytics-lake",
    "backup-replica",
    "shop-access-logs",
    "shop-assets-public",
    "shop-trail",
)
_UNVERSIONED = tuple(f"{b}-{{account}}" for b in _BUCKETS)
_ALL_BUCKETS = (*_UNVERSIONED, "customer-exports-{account}", "payment-records-{account}")

# Every misconfiguration the demo estate carries, marked: check id -> the names of the
# resources it is seeded on ({account} is the account id; regions as in the demo,
# eu-west-1 primary, eu-central-1 the DR region). The sync of this estate must find
# exactly these: every check fires, and nothing unmarked fails (tests/assets/checks/
# test_demo.py). Everything not listed here (alice, customer-exports' hardening, the
# orders tables, the shop-web instances' metadata options...) is the clean side.
MISCONFIGURATIONS: dict[str, tuple[str, ...]] = {
    "autoscaling-single-az": ("shop-web-eu-central-1",),
    "cloudtrail-log-validation-off": ("shop-trail",),
    "cloudtrail-no-multi-region-trail": (
        "CloudTrail coverage (eu-central-1)",
        "CloudTrail coverage (eu-west-1)",
    ),
    "cloudtrail-not-kms-encrypted": ("shop-trail",),
    "cloudtrail-region-not-logged": ("CloudTrail coverage (eu-central-1)",),
    "cloudtrail-no-cloudwatch-logs": ("shop-trail",),
    # --- chkiam (issue 18): IAM and CloudTrail ---
    "cloudtrail-bucket-mfa-delete-off": ("shop-trail", "old-audit-trail"),
    "cloudtrail-bucket-access-logging-off": ("shop-trail", "old-audit-trail"),
    "cloudtrail-bucket-public": ("old-audit-trail",),
    "cloudtrail-insights-off": ("old-audit-trail",),
    "cloudtrail-no-management-events-trail": (
        "CloudTrail coverage (eu-central-1)",
        "CloudTrail coverage (eu-west-1)",
    ),
    "cloudtrail-s3-object-reads-not-logged": (
        "CloudTrail coverage (eu-central-1)",
        "CloudTrail coverage (eu-west-1)",
    ),
    "cloudtrail-s3-object-writes-not-logged": (
        "CloudTrail coverage (eu-central-1)",
        "CloudTrail coverage (eu-west-1)",
    ),
    "iam-password-policy-complexity": ("Account password policy",),
    "iam-password-policy-no-expiry": ("Account password policy",),
    "iam-root-virtual-mfa": ("Account summary",),
    "iam-user-virtual-mfa-only": ("alice",),
    "iam-admin-group-member-no-mfa": ("admins",),
    "iam-no-saml-federation": ("Account summary",),
    "iam-policy-privilege-escalation": ("break-glass-admin", "ops-tooling"),
    "iam-policy-full-cloudtrail-access": ("ops-tooling",),
    "iam-policy-full-kms-access": ("ops-tooling",),
    "iam-policy-marketplace-subscribe": ("break-glass-admin",),
    "iam-policy-assume-any-role": ("break-glass-admin",),
    "iam-role-service-trust-no-source": ("app-instances",),
    "iam-no-security-audit-role": ("Account summary",),
    "iam-no-support-role": ("Account summary",),
    "iam-server-certificate-expired": ("legacy-shop-cert",),
    "iam-user-console-key-never-used": ("bob",),
    "iam-user-long-lived-keys": ("bob", "ci-deployer"),
    # --- end chkiam ---
    "dynamodb-deletion-protection-off": ("sessions-eu-central-1", "sessions-eu-west-1"),
    "dynamodb-not-kms": ("sessions-eu-central-1", "sessions-eu-west-1"),
    "dynamodb-pitr-off": ("sessions-eu-central-1", "sessions-eu-west-1"),
    "ebs-default-encryption-off": ("EBS default encryption (eu-central-1)",),
    "ebs-snapshot-public": ("customer-export",),
    "ebs-snapshot-unencrypted": (
        "bastion-golden-root",
        "customer-export",
        "reporting-2023-root",
        "shop-web-base-root",
    ),
    # The fake AWS ignores the primary region's default encryption, so these are
    # unencrypted in both regions.
    "ebs-volume-unencrypted": ("bastion-root", "export-source", "scratch", "shop-web-root"),
    "ec2-ami-public": ("bastion-golden",),
    "ec2-instance-detailed-monitoring-off": ("bastion",),
    "ec2-instance-imdsv2-not-required": ("bastion",),
    "ec2-instance-no-iam-profile": ("bastion", "shop-web"),
    "ec2-instance-public-admin": ("bastion",),
    "ec2-instance-public-database": ("bastion",),
    "ec2-instance-public-ip": ("bastion",),
    "ec2-instance-user-data-secrets": ("bastion",),
    "ec2-key-pair-unused": ("old-contractor",),
    "ec2-sg-default-allows-traffic": ("default",),
    "ec2-sg-open-admin-ports": ("legacy-admin", "shop-web"),
    "ec2-sg-open-all-ports": ("legacy-admin",),
    "ec2-sg-open-database-ports": ("legacy-admin",),
    "ec2-sg-unused": ("old-vendor",),
    "emr-cluster-master-public": ("sales-analytics",),
    "emr-block-public-access-off": (
        "EMR block public access (eu-central-1)",
        "EMR block public access (eu-west-1)",
    ),
    "governance-resource-unowned": (
        "bastion",
        "bastion-root",
        "hr-portal-prod",
        "legacy-admin",
        "legacy-jobs",
        "scratch",
        "shop-access-logs-{account}",
        "shop-trail-{account}",
        "webhooks-eu-central-1",
        "webhooks-eu-west-1",
    ),
    "iam-password-policy-weak": ("Account password policy",),
    "iam-policy-admin": ("break-glass-admin",),
    "iam-role-cross-account-no-condition": ("partner-support",),
    "iam-root-mfa": ("Account summary",),
    "iam-user-console-no-mfa": ("bob",),
    "iam-user-direct-policies": ("ci-deployer",),
    "iam-user-two-active-keys": ("ci-deployer",),
    "kms-key-disabled": ("alias/old-migration",),
    "kms-key-policy-public": ("alias/legacy-exports",),
    "kms-key-rotation-off": ("alias/legacy-exports",),
    "rds-backups-off": ("customer-db-eu-central-1",),
    "rds-copy-tags-to-snapshots-off": ("customer-db-eu-central-1",),
    "rds-default-master-user": ("customer-db-eu-central-1",),
    "rds-deletion-protection-off": ("customer-db-eu-central-1",),
    "rds-iam-auth-off": ("customer-db-eu-central-1",),
    "rds-logs-not-exported": ("customer-db-eu-central-1",),
    "rds-minor-upgrades-off": ("customer-db-eu-central-1",),
    "rds-publicly-accessible": ("customer-db-eu-central-1",),
    "rds-single-az": ("customer-db-eu-central-1",),
    "rds-snapshot-public": ("customer-db-dr-export", "reporting-share"),
    "rds-snapshot-unencrypted": ("customer-db-dr-export", "reporting-share"),
    # --- issue 18: RDS clusters, ports, monitoring, event subscriptions ---
    "rds-cluster-backtrack-off": ("reporting-aurora",),
    "rds-cluster-copy-tags-to-snapshots-off": ("reporting-aurora",),
    "rds-cluster-default-master-user": ("reporting-aurora",),
    "rds-cluster-deletion-protection-off": ("reporting-aurora",),
    "rds-cluster-iam-auth-off": ("reporting-aurora",),
    "rds-cluster-logs-not-exported": ("reporting-aurora",),
    "rds-cluster-minor-upgrades-off": ("reporting-aurora",),
    "rds-cluster-single-az": ("reporting-aurora",),
    "rds-cluster-storage-unencrypted": ("reporting-aurora",),
    "rds-default-port": ("customer-db-eu-central-1", "reporting-aurora"),
    "rds-enhanced-monitoring-off": ("customer-db-eu-central-1",),
    "rds-instance-events-unwatched": ("RDS event subscriptions (eu-central-1)",),
    "rds-cluster-events-unwatched": ("RDS event subscriptions (eu-central-1)",),
    "rds-parameter-group-events-unwatched": ("RDS event subscriptions (eu-central-1)",),
    "rds-security-group-events-unwatched": ("RDS event subscriptions (eu-central-1)",),
    # --- end issue 18 RDS ---
    # --- issue 18: data services ---
    "kms-key-pending-deletion": ("alias/retired-exports",),
    "kms-key-multi-region": ("alias/global-tables",),
    # moto cannot turn DKIM on (PutEmailIdentityDkimAttributes): both identities sign
    # nothing; the passing case is tested on stored configurations.
    "ses-identity-dkim-off": ("noreply@shop.example.com", "shop.example.com"),
    "dynamodb-table-cross-account": ("orders-eu-central-1",),
    "dynamodb-table-autoscaling-off": ("stock-levels-eu-central-1",),
    "ec2-elastic-ip-unassigned": ("old-vpn-endpoint",),
    "ec2-launch-template-imdsv2-optional": ("batch-worker-v1",),
    "ec2-launch-template-public-ip": ("batch-worker-v1",),
    "ec2-launch-template-secrets": ("batch-worker-v1",),
    "ec2-transit-gateway-auto-accept": ("partner-hub",),
    "vpc-endpoint-policy-open": ("ssm-endpoint",),
    "vpc-endpoint-single-az": ("ssm-endpoint",),
    "s3-bucket-cross-account": ("shop-assets-public-{account}",),
    "s3-bucket-event-notifications-off": (*_UNVERSIONED, "payment-records-{account}"),
    "emr-cluster-publicly-accessible": ("sales-analytics",),
    "dax-cluster-unencrypted": ("sessions-cache",),
    "dax-cluster-no-tls": ("sessions-cache",),
    "dax-cluster-single-az": ("sessions-cache",),
    # --- end issue 18 data services ---
    "rds-storage-unencrypted": ("customer-db-eu-central-1",),
    "s3-account-public-access-block-off": ("S3 account public access block",),
    "s3-bucket-acls-enabled": _UNVERSIONED,
    "s3-bucket-lifecycle-off": (*_UNVERSIONED, "payment-records-{account}"),
    "s3-bucket-object-lock-off": (*_UNVERSIONED, "customer-exports-{account}"),
    "s3-bucket-access-logging-off": (
        *_UNVERSIONED,
        "payment-records-{account}",
    ),
    "s3-bucket-encryption-not-kms": _UNVERSIONED,
    "s3-bucket-https-not-enforced": (*_UNVERSIONED, "payment-records-{account}"),
    "s3-bucket-mfa-delete-off": _ALL_BUCKETS,
    "s3-bucket-no-replication": _ALL_BUCKETS,
    "s3-bucket-policy-public": ("shop-assets-public-{account}",),
    "s3-bucket-public-access-block-off": _UNVERSIONED,
    "s3-bucket-public-acl": ("shop-assets-public-{account}",),
    "s3-bucket-versioning-off": _UNVERSIONED,
    "ses-identity-policy-public": ("shop.example.com",),
    "sqs-not-encrypted": ("legacy-jobs",),
    "sqs-policy-public": ("webhooks-eu-central-1", "webhooks-eu-west-1"),
    "vpc-nacl-open-admin-ports": (
        "default-acl-eu-central-1",
        "default-acl-eu-west-1",
        "shop-eu-central-1-acl",
    ),
    "vpc-flow-logs-off": (
        "default-eu-central-1",
        "default-eu-west-1",
        "shop-eu-central-1",
        "shop-eu-west-1",
    ),
    "vpc-single-az": ("shop-eu-central-1",),
    "vpc-subnet-public-ip-on-launch": tuple(
        f"default-{region}{zone}" for region in ("eu-central-1", "eu-west-1") for zone in "abc"
    ),
    # --- chkec2: EC2, VPC and Auto Scaling (issue 18) ---
    "autoscaling-launch-configuration": ("shop-web-eu-central-1", "shop-web-eu-west-1"),
    "autoscaling-single-instance-type": ("shop-web-eu-central-1", "shop-web-eu-west-1"),
    "autoscaling-launch-configuration-imdsv1": ("shop-web-eu-central-1", "shop-web-eu-west-1"),
    "ec2-instance-public-risky-ports": ("bastion",),
    # The fake AWS knows none of the public AMIs, so it reports their instances as
    # paravirtual.
    "ec2-instance-paravirtual": ("bastion", "shop-web"),
    "ec2-sg-open-risky-ports": ("legacy-admin",),
    "vpc-nacl-open-all-ports": (
        "default-acl-eu-central-1",
        "default-acl-eu-west-1",
        "shop-eu-central-1-acl",
        "shop-eu-west-1-acl",
    ),
    # --- end chkec2 ---
    # --- issue 18: account settings, backups, VPC, RDS and S3. The DR region
    # (eu-central-1) has no backup plan, none of the primary's account settings, no EC2
    # endpoint and only a public subnet; its database runs the engine's old default. ---
    "ec2-imdsv2-not-default": ("EC2 account settings (eu-central-1)",),
    "ec2-ami-block-public-access-off": ("EC2 account settings (eu-central-1)",),
    "ebs-snapshot-block-public-access-off": ("EBS snapshot block public access (eu-central-1)",),
    # The primary's plan lists volumes one by one and misses these; the DR region has none.
    "ebs-volume-not-in-backup-plan": ("customer-data", "scratch", "shop-web-root"),
    # Only the old customer export was ever snapshotted.
    "ebs-volume-no-snapshot": (
        "bastion-root",
        "customer-data",
        "legacy-reporting-root",
        "scratch",
        "shop-web-root",
    ),
    "rds-instance-not-in-backup-plan": ("customer-db-eu-central-1",),
    "rds-cluster-not-in-backup-plan": ("reporting-aurora",),
    "dynamodb-table-not-in-backup-plan": (
        "orders-eu-central-1",
        "sessions-eu-central-1",
        "stock-levels-eu-central-1",
    ),
    "rds-instance-outside-vpc": ("customer-db-eu-central-1",),
    "rds-instance-tls-not-required": ("customer-db-eu-central-1",),
    "rds-instance-deprecated-engine": ("customer-db-eu-central-1",),
    # The web servers and the bastion have no role: Systems Manager cannot manage them.
    "ec2-instance-not-ssm-managed": ("bastion", "shop-web"),
    "ec2-instance-deprecated-ami": ("legacy-reporting",),
    "ec2-client-vpn-no-connection-log": ("remote-staff",),
    "vpc-no-ec2-endpoint": ("shop-eu-central-1",),
    "vpc-only-public-subnets": ("shop-eu-central-1",),
    "vpc-peering-routes-too-broad": ("shop-to-default",),
    "vpc-vpn-tunnel-down": ("office-vpn",),
    "vpc-endpoint-service-untrusted-principals": ("partner-api",),
    "s3-access-point-public-access-block-off": ("assets-partners",),
    "s3-multi-region-access-point-public-access-block-off": ("shop-assets-global",),
    "s3-object-public-acl": ("shop-assets-public-{account}",),
    "s3-shadow-bucket-taken": ("S3 service bucket names",),
}

# The checks the fake AWS cannot make fire, and why; each is tested on stored
# configurations instead (tests/assets/checks/test_checks_stored.py).
NOT_SEEDABLE: dict[str, str] = {
    "elasticbeanstalk-enhanced-health-off": "moto has no DescribeConfigurationSettings",
    "elasticbeanstalk-logs-not-streamed": "moto has no DescribeConfigurationSettings",
    "elasticbeanstalk-managed-updates-off": "moto has no DescribeConfigurationSettings",
    "glacier-vault-policy-public": "moto's server does not serve vault access policies",
    "iam-access-key-old": "a fake key cannot be 90 days old",
    "iam-access-key-unused": "a fake key cannot have gone unused for 90 days",
    "iam-root-access-keys": "the fake AWS has no root user keys",
    # --- chkec2: EC2, VPC and Auto Scaling (issue 18); each is tested through the fake
    # AWS or on stored configurations in tests/assets/checks/test_checks_chkec2.py ---
    "ec2-instance-old": "a fake instance cannot have run for 180 days",
    "ec2-instance-stopped-long": "a fake instance cannot have been stopped for 30 days",
    "autoscaling-capacity-rebalance-off": "moto does not keep a group's Spot distribution",
    "autoscaling-elb-health-check-off": "not seeded yet: the demo has no load balancer",
    "autoscaling-launch-configuration-public-ip": "not seeded yet (fake-AWS test only)",
    "autoscaling-launch-configuration-secrets": "not seeded yet (fake-AWS test only)",
    "ec2-instance-multiple-enis": "not seeded yet (fake-AWS test only)",
    "ec2-instance-public-with-profile": "not seeded yet (fake-AWS test only)",
    "ec2-sg-launch-wizard": "not seeded yet (fake-AWS test only)",
    "ec2-sg-many-rules": "not seeded yet (fake-AWS test only)",
    "ec2-sg-public-source-all-ports": "not seeded yet (fake-AWS test only)",
    "ec2-sg-wide-public-ipv4": "not seeded yet (fake-AWS test only)",
    "vpc-nacl-unused": "not seeded yet (fake-AWS test only)",
    # --- end chkec2 ---
    "rds-extended-support": "the fake AWS does not report an instance's support lifecycle",
    "rds-certificate-expiring": "the fake AWS reports no certificate details for instances",
    # --- chkiam (issue 18) ---
    "iam-cloudshell-full-access": "the fake AWS does not load AWS managed policies",
    "iam-role-cross-account-read-only": "the fake AWS does not load AWS managed policies",
    "iam-root-used-recently": "the fake AWS's credential report has no root row",
    "iam-root-credentials-management-off": "the fake AWS has no ListOrganizationsFeatures",
    "iam-user-console-unused": "a fake user cannot have signed in 90 days ago",
    # --- end chkiam ---
    "vpc-single-region": "the demo estate spans two regions by design (tested on a "
    "one-region estate in tests/assets/checks/test_checks_resilience.py)",
}


def expected_findings(account_id: str) -> set[tuple[str, str]]:
    """{(check id, resource name)}: the marked misconfigurations of `account_id`."""
    return {
        (check_id, name.format(account=account_id))
        for check_id, names in MISCONFIGURATIONS.items()
        for name in names
    }
