"""Issue 18's last Prowler-level checks: the regions' EC2 account settings, AWS Backup
plans, snapshots, Systems Manager, deprecated images, Client VPN logs, VPC design
(regions, EC2 endpoints, public and private subnets, peering routes, VPN tunnels,
endpoint services), RDS placement, TLS and engine versions, S3 access points, object
ACLs and service bucket names taken by others. Each against the fake AWS through the
real collectors, failing and passing side by side, and "not evaluated" when what it
needs was not read."""

import pytest

from assets.aws.checks import Result
from assets.aws.checks.backup import selects
from assets.models import AwsResource
from tests.assets.aws.conftest import ACCOUNT_ID, REGIONS
from tests.assets.checks.factories import check_input, check_result

pytestmark = pytest.mark.django_db
STRANGER = "444455556666"
AMI = "ami-12c6146b"


def _both_regions(account):
    account.regions = REGIONS
    account.save(update_fields=["regions"])
    return account


def _name(name):
    return [{"Key": "Name", "Value": name}]


def _spec(kind, name):
    return [{"ResourceType": kind, "Tags": _name(name)}]


def test_account_settings_are_read_per_region(fake_aws, aws_account, estate, run_sync, outcome):
    careful = estate.client("ec2", REGIONS[0])
    careful.modify_instance_metadata_defaults(HttpTokens="required")
    careful.enable_image_block_public_access(ImageBlockPublicAccessState="block-new-sharing")
    careful.enable_snapshot_block_public_access(State="block-all-sharing")

    run_sync(_both_regions(aws_account))

    for check_id in ("ec2-imdsv2-not-default", "ec2-ami-block-public-access-off"):
        assert outcome(aws_account, check_id, f"EC2 account settings ({REGIONS[0]})")[0] == "pass"
        status, detail = outcome(aws_account, check_id, f"EC2 account settings ({REGIONS[1]})")
        assert status == "open" and REGIONS[1] in detail, check_id
    snapshots = "ebs-snapshot-block-public-access-off"
    assert (
        outcome(aws_account, snapshots, f"EBS snapshot block public access ({REGIONS[0]})")[0]
        == "pass"
    )
    status, detail = outcome(
        aws_account, snapshots, f"EBS snapshot block public access ({REGIONS[1]})"
    )
    assert status == "open" and "unblocked" in detail


def test_unread_account_settings_are_not_evaluated():
    settings = check_input(
        "ec2",
        "ec2-settings",
        {"_errors": {"instanceMetadataDefaults": "AccessDenied", "imageBlockPublicAccess": "x"}},
    )
    for check_id in ("ec2-imdsv2-not-default", "ec2-ami-block-public-access-off"):
        assert check_result(check_id, settings) == Result.NOT_EVALUATED, check_id
    snapshots = check_input("ebs", "snapshot-block-public-access", {"_errors": {"state": "x"}})
    assert check_result("ebs-snapshot-block-public-access-off", snapshots) == Result.NOT_EVALUATED


def _plan(backup, selection):
    plan = backup.create_backup_plan(
        BackupPlan={
            "BackupPlanName": "daily",
            "Rules": [{"RuleName": "daily", "TargetBackupVaultName": "Default"}],
        }
    )["BackupPlanId"]
    backup.create_backup_selection(
        BackupPlanId=plan,
        BackupSelection={
            "SelectionName": "chosen",
            "IamRoleArn": f"arn:aws:iam::{ACCOUNT_ID}:role/backup",
            **selection,
        },
    )


def test_backup_plans_protect_only_what_they_select_in_their_region(
    fake_aws, aws_account, estate, run_sync, outcome
):
    region = REGIONS[0]
    ec2 = estate.client("ec2")
    volumes = {}
    for name, tags in (
        ("by-arn", []),
        ("by-tag", [{"Key": "backup", "Value": "daily"}]),
        ("tagged-dev", [{"Key": "backup", "Value": "daily"}, {"Key": "env", "Value": "dev"}]),
        ("left-out", []),
    ):
        volumes[name] = ec2.create_volume(
            Size=8,
            AvailabilityZone=f"{region}a",
            TagSpecifications=[{"ResourceType": "volume", "Tags": _name(name) + tags}],
        )["VolumeId"]
    ec2.create_snapshot(VolumeId=volumes["by-arn"])
    ddb = estate.client("dynamodb")
    for table in ("orders", "scratch"):
        ddb.create_table(
            TableName=table,
            KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
            BillingMode="PAY_PER_REQUEST",
        )
    rds = estate.client("rds")
    for name in ("customers", "reports"):
        rds.create_db_instance(
            DBInstanceIdentifier=name,
            DBInstanceClass="db.t3.micro",
            Engine="postgres",
            AllocatedStorage=20,
            MasterUsername="owner",
            MasterUserPassword="not-a-real-pass",
        )
    rds.create_db_cluster(
        DBClusterIdentifier="ledger",
        Engine="aurora-postgresql",
        MasterUsername="owner",
        MasterUserPassword="not-a-real-pass",
    )
    arn = f"arn:aws:ec2:{region}:{ACCOUNT_ID}"
    _plan(
        estate.client("backup"),
        {
            "Resources": [
                f"{arn}:volume/{volumes['by-arn']}",
                f"{arn}:volume/{volumes['left-out']}",
                f"arn:aws:dynamodb:{region}:{ACCOUNT_ID}:table/ord*",
                f"arn:aws:rds:{region}:{ACCOUNT_ID}:db:customers",
                f"arn:aws:rds:{region}:{ACCOUNT_ID}:cluster:ledger",
            ],
            "ListOfTags": [
                {
                    "ConditionType": "STRINGEQUALS",
                    "ConditionKey": "backup",
                    "ConditionValue": "daily",
                }
            ],
            "NotResources": [f"{arn}:volume/{volumes['left-out']}"],
            "Conditions": {
                "StringNotEquals": [
                    {"ConditionKey": "aws:ResourceTag/env", "ConditionValue": "dev"}
                ]
            },
        },
    )
    # The same plan in the other region protects nothing here.
    _plan(estate.client("backup", REGIONS[1]), {"Resources": ["*"]})

    run_sync(aws_account)

    plans = AwsResource.objects.get(resource_type="backup-plans", region=region)
    assert plans.configuration["Plans"][0]["Selections"][0]["SelectionName"] == "chosen"
    expected = {
        "ebs-volume-not-in-backup-plan": {
            "by-arn": "pass",
            "by-tag": "pass",
            "tagged-dev": "open",
            "left-out": "open",
        },
        "dynamodb-table-not-in-backup-plan": {"orders": "pass", "scratch": "open"},
        "rds-instance-not-in-backup-plan": {"customers": "pass", "reports": "open"},
        "rds-cluster-not-in-backup-plan": {"ledger": "pass"},
        "ebs-volume-no-snapshot": {"by-arn": "pass", "by-tag": "open"},
    }
    for check_id, names in expected.items():
        for name, status in names.items():
            assert outcome(aws_account, check_id, name)[0] == status, (check_id, name)


def test_backup_checks_need_the_regions_plans():
    volume = check_input("ebs", "volume", {"VolumeId": "vol-1"})
    assert check_result("ebs-volume-not-in-backup-plan", volume) == Result.NOT_EVALUATED
    unread = check_input("backup", "backup-plans", {"Plans": [], "_errors": {"selections": "x"}})
    assert check_result("ebs-volume-not-in-backup-plan", volume, unread) == Result.NOT_EVALUATED
    member = check_input("rds", "db-instance", {"DBClusterIdentifier": "ledger"})
    assert check_result("rds-instance-not-in-backup-plan", member) == Result.PASS


def test_a_selection_reads_arns_tags_conditions_and_exclusions():
    arn = "arn:aws:ec2:eu-west-1:111122223333:volume/vol-1"
    assert selects({"Resources": ["*"]}, arn, {})
    assert selects({"Resources": ["arn:aws:ec2:*:*:volume/*"]}, arn, {})
    assert not selects({"Resources": ["arn:aws:rds:*"]}, arn, {})
    by_tag = {"ListOfTags": [{"ConditionKey": "aws:ResourceTag/tier", "ConditionValue": "db"}]}
    assert selects(by_tag, arn, {"tier": "db"}) and not selects(by_tag, arn, {"tier": "web"})
    like = {
        "Resources": ["*"],
        "Conditions": {"StringLike": [{"ConditionKey": "team", "ConditionValue": "pay*"}]},
    }
    assert selects(like, arn, {"team": "payments"}) and not selects(like, arn, {})
    assert not selects({"Resources": ["*"], "NotResources": [arn]}, arn, {})


def test_systems_manager_images_and_client_vpn(fake_aws, aws_account, estate, run_sync, outcome):
    ec2 = estate.client("ec2")
    estate.client("iam").create_instance_profile(InstanceProfileName="ssm")
    old = ec2.register_image(Name="base-2022", VirtualizationType="hvm", RootDeviceName="/dev/xvda")
    current = ec2.register_image(
        Name="base-2026", VirtualizationType="hvm", RootDeviceName="/dev/xvda"
    )
    ec2.enable_image_deprecation(ImageId=old["ImageId"], DeprecateAt="2025-01-01T00:00:00Z")
    ec2.enable_image_deprecation(ImageId=current["ImageId"], DeprecateAt="2099-01-01T00:00:00Z")
    for name, image, profile in (
        ("managed-old", old["ImageId"], {"IamInstanceProfile": {"Name": "ssm"}}),
        ("unmanaged-current", current["ImageId"], {}),
        ("unknown-image", AMI, {}),
    ):
        ec2.run_instances(
            ImageId=image,
            MinCount=1,
            MaxCount=1,
            TagSpecifications=_spec("instance", name),
            **profile,
        )
    stopped = ec2.run_instances(
        ImageId=AMI, MinCount=1, MaxCount=1, TagSpecifications=_spec("instance", "stopped")
    )["Instances"][0]["InstanceId"]
    ec2.stop_instances(InstanceIds=[stopped])
    for name, logs in (
        ("logged", {"Enabled": True, "CloudwatchLogGroup": "vpn"}),
        ("silent", {"Enabled": False}),
    ):
        ec2.create_client_vpn_endpoint(
            ClientCidrBlock="10.200.0.0/22",
            ServerCertificateArn=f"arn:aws:acm:{REGIONS[0]}:{ACCOUNT_ID}:certificate/x",
            AuthenticationOptions=[{"Type": "federated-authentication"}],
            ConnectionLogOptions=logs,
            TagSpecifications=_spec("client-vpn-endpoint", name),
        )

    run_sync(aws_account)

    ssm = "ec2-instance-not-ssm-managed"
    assert outcome(aws_account, ssm, "managed-old")[0] == "pass"
    assert outcome(aws_account, ssm, "unmanaged-current")[0] == "open"
    assert outcome(aws_account, ssm, "stopped")[0] == "pass"
    ami = "ec2-instance-deprecated-ami"
    status, detail = outcome(aws_account, ami, "managed-old")
    assert status == "open" and "2025-01-01" in detail
    assert outcome(aws_account, ami, "unmanaged-current")[0] == "pass"
    assert outcome(aws_account, ami, "unknown-image")[0] == "pass"  # no longer described
    vpn = "ec2-client-vpn-no-connection-log"
    assert outcome(aws_account, vpn, "silent")[0] == "open"
    assert outcome(aws_account, vpn, "logged")[0] == "pass"


def test_unread_instance_context_is_not_evaluated():
    running = {
        "State": {"Name": "running"},
        "_errors": {"ssmInstanceInformation": "x", "images": "x"},
    }
    instance = check_input("ec2", "instance", running)
    for check_id in ("ec2-instance-not-ssm-managed", "ec2-instance-deprecated-ami"):
        assert check_result(check_id, instance) == Result.NOT_EVALUATED, check_id


def _vpc(ec2, name, cidr, subnets=1):
    vpc = ec2.create_vpc(CidrBlock=cidr, TagSpecifications=_spec("vpc", name))["Vpc"]["VpcId"]
    prefix = cidr.rsplit(".", 2)[0]
    ids = [
        ec2.create_subnet(VpcId=vpc, CidrBlock=f"{prefix}.{n}.0/24")["Subnet"]["SubnetId"]
        for n in range(subnets)
    ]
    ec2.run_instances(ImageId=AMI, MinCount=1, MaxCount=1, SubnetId=ids[0])
    return vpc, ids


def _internet_route(ec2, vpc, subnet=None):
    gateway = ec2.create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
    ec2.attach_internet_gateway(InternetGatewayId=gateway, VpcId=vpc)
    if subnet:
        table = ec2.create_route_table(VpcId=vpc)["RouteTable"]["RouteTableId"]
        ec2.associate_route_table(RouteTableId=table, SubnetId=subnet)
    else:
        table = ec2.describe_route_tables(
            Filters=[
                {"Name": "vpc-id", "Values": [vpc]},
                {"Name": "association.main", "Values": ["true"]},
            ]
        )["RouteTables"][0]["RouteTableId"]
    ec2.create_route(RouteTableId=table, DestinationCidrBlock="0.0.0.0/0", GatewayId=gateway)
    return table


def test_vpc_design_checks(fake_aws, aws_account, estate, run_sync, outcome):
    ec2 = estate.client("ec2")
    tiered, tiered_subnets = _vpc(ec2, "tiered", "10.1.0.0/16", subnets=2)
    exposed, _ = _vpc(ec2, "exposed", "10.2.0.0/16")
    peer, _ = _vpc(ec2, "peer", "10.3.0.0/16")
    _internet_route(ec2, tiered, subnet=tiered_subnets[0])
    exposed_table = _internet_route(ec2, exposed)
    ec2.create_vpc_endpoint(
        VpcId=tiered,
        ServiceName=f"com.amazonaws.{REGIONS[0]}.ec2",
        VpcEndpointType="Interface",
        SubnetIds=tiered_subnets,
    )
    for name, destination in (("narrow", "10.3.0.0/24"), ("whole", "10.3.0.0/16")):
        peering = ec2.create_vpc_peering_connection(
            VpcId=exposed if name == "whole" else tiered,
            PeerVpcId=peer,
            TagSpecifications=_spec("vpc-peering-connection", name),
        )["VpcPeeringConnection"]["VpcPeeringConnectionId"]
        ec2.accept_vpc_peering_connection(VpcPeeringConnectionId=peering)
        table = (
            exposed_table
            if name == "whole"
            else ec2.describe_route_tables(
                Filters=[
                    {"Name": "vpc-id", "Values": [tiered]},
                    {"Name": "association.main", "Values": ["true"]},
                ]
            )["RouteTables"][0]["RouteTableId"]
        )
        ec2.create_route(
            RouteTableId=table, DestinationCidrBlock=destination, VpcPeeringConnectionId=peering
        )
    customer = ec2.create_customer_gateway(Type="ipsec.1", PublicIp="198.51.100.7", BgpAsn=65000)
    gateway = ec2.create_vpn_gateway(Type="ipsec.1")["VpnGateway"]["VpnGatewayId"]
    ec2.create_vpn_connection(
        Type="ipsec.1",
        CustomerGatewayId=customer["CustomerGateway"]["CustomerGatewayId"],
        VpnGatewayId=gateway,
        TagSpecifications=_spec("vpn-connection", "office"),
    )
    elb = estate.client("elbv2")
    for name, principal in (("open-api", "*"), ("own-api", f"arn:aws:iam::{ACCOUNT_ID}:root")):
        balancer = elb.create_load_balancer(
            Name=name, Subnets=[tiered_subnets[1]], Type="network", Scheme="internal"
        )["LoadBalancers"][0]["LoadBalancerArn"]
        service = ec2.create_vpc_endpoint_service_configuration(
            NetworkLoadBalancerArns=[balancer],
            TagSpecifications=_spec("vpc-endpoint-service", name),
        )["ServiceConfiguration"]["ServiceId"]
        ec2.modify_vpc_endpoint_service_permissions(
            ServiceId=service, AddAllowedPrincipals=[principal]
        )

    run_sync(aws_account)

    assert outcome(aws_account, "vpc-no-ec2-endpoint", "tiered")[0] == "pass"
    assert outcome(aws_account, "vpc-no-ec2-endpoint", "exposed")[0] == "open"
    assert outcome(aws_account, "vpc-only-public-subnets", "tiered")[0] == "pass"
    assert outcome(aws_account, "vpc-only-public-subnets", "exposed")[0] == "open"
    assert outcome(aws_account, "vpc-only-public-subnets", "peer")[0] == "pass"  # all private
    status, detail = outcome(aws_account, "vpc-peering-routes-too-broad", "whole")
    assert status == "open" and "10.3.0.0/16" in detail
    assert outcome(aws_account, "vpc-peering-routes-too-broad", "narrow")[0] == "pass"
    status, detail = outcome(aws_account, "vpc-vpn-tunnel-down", "office")
    assert status == "open" and "203.0.113.1" in detail
    principals = "vpc-endpoint-service-untrusted-principals"
    status, detail = outcome(aws_account, principals, "open-api")
    assert status == "open" and "everyone" in detail
    assert outcome(aws_account, principals, "own-api")[0] == "pass"
    # Non-default VPCs in one region only: a finding on each, gone once a second region
    # has one.
    assert outcome(aws_account, "vpc-single-region", "tiered")[0] == "open"
    _vpc(estate.client("ec2", REGIONS[1]), "recovery", "10.9.0.0/16")
    run_sync(_both_regions(aws_account))
    assert outcome(aws_account, "vpc-single-region", "tiered")[0] == "pass"


def test_vpn_tunnels_up_pass_and_missing_telemetry_is_not_evaluated():
    up = [{"OutsideIpAddress": ip, "Status": "UP"} for ip in ("192.0.2.1", "192.0.2.2")]
    connection = check_input("vpc", "vpn-connection", {"State": "available", "VgwTelemetry": up})
    assert check_result("vpc-vpn-tunnel-down", connection) == Result.PASS
    silent = check_input("vpc", "vpn-connection", {"State": "available"})
    assert check_result("vpc-vpn-tunnel-down", silent) == Result.NOT_EVALUATED


def test_rds_placement_tls_and_engine_versions(fake_aws, aws_account, estate, run_sync, outcome):
    ec2 = estate.client("ec2")
    vpc = ec2.create_vpc(CidrBlock="10.7.0.0/16")["Vpc"]["VpcId"]
    subnets = [
        ec2.create_subnet(
            VpcId=vpc, CidrBlock=f"10.7.{n}.0/24", AvailabilityZone=f"{REGIONS[0]}{z}"
        )["Subnet"]["SubnetId"]
        for n, z in ((0, "a"), (1, "b"))
    ]
    rds = estate.client("rds")
    rds.create_db_subnet_group(
        DBSubnetGroupName="private", DBSubnetGroupDescription="private", SubnetIds=subnets
    )
    for name, family, parameter, value in (
        ("pg-tls", "postgres16", "rds.force_ssl", "1"),
        ("my-tls", "mysql8.0", "require_secure_transport", "ON"),
    ):
        rds.create_db_parameter_group(
            DBParameterGroupName=name, DBParameterGroupFamily=family, Description=name
        )
        rds.modify_db_parameter_group(
            DBParameterGroupName=name,
            Parameters=[
                {"ParameterName": parameter, "ParameterValue": value, "ApplyMethod": "immediate"}
            ],
        )
    common = {
        "DBInstanceClass": "db.t3.micro",
        "AllocatedStorage": 20,
        "MasterUsername": "owner",
        "MasterUserPassword": "not-a-real-pass",
    }
    rds.create_db_instance(
        DBInstanceIdentifier="careful",
        Engine="postgres",
        EngineVersion="16.6",
        DBSubnetGroupName="private",
        DBParameterGroupName="pg-tls",
        **common,
    )
    rds.create_db_instance(
        DBInstanceIdentifier="careful-mysql",
        Engine="mysql",
        EngineVersion="8.0.40",
        DBSubnetGroupName="private",
        DBParameterGroupName="my-tls",
        **common,
    )
    rds.create_db_instance(DBInstanceIdentifier="careless", Engine="postgres", **common)
    rds.create_db_instance(DBInstanceIdentifier="legacy-oracle", Engine="oracle-ee", **common)

    run_sync(aws_account)

    for check_id in (
        "rds-instance-outside-vpc",
        "rds-instance-tls-not-required",
        "rds-instance-deprecated-engine",
    ):
        assert outcome(aws_account, check_id, "careful")[0] == "pass", check_id
        assert outcome(aws_account, check_id, "careless")[0] == "open", check_id
    assert outcome(aws_account, "rds-instance-tls-not-required", "careful-mysql")[0] == "pass"
    status, detail = outcome(aws_account, "rds-instance-deprecated-engine", "careless")
    assert "postgres 9.3.3" in detail and "deprecated" in detail
    status, detail = outcome(aws_account, "rds-instance-tls-not-required", "legacy-oracle")
    assert status == "not_evaluated" and "option group" in detail


def test_unread_rds_context_is_not_evaluated():
    instance = check_input(
        "rds",
        "db-instance",
        {"Engine": "postgres", "_errors": {"tlsParameters": "x", "engineVersion": "x"}},
    )
    for check_id in ("rds-instance-tls-not-required", "rds-instance-deprecated-engine"):
        assert check_result(check_id, instance) == Result.NOT_EVALUATED, check_id
    unlisted = check_input("rds", "db-instance", {"EngineVersionStatus": None, "Engine": "mysql"})
    assert check_result("rds-instance-deprecated-engine", unlisted) == Result.FAIL


def test_s3_access_points_public_objects_and_taken_service_buckets(
    fake_aws, aws_account, estate, run_sync, outcome
):
    region = REGIONS[0]
    s3 = estate.client("s3")
    location = {"CreateBucketConfiguration": {"LocationConstraint": region}}
    for bucket in ("acl-era", "modern"):
        s3.create_bucket(Bucket=bucket, **location)
        s3.put_object(Bucket=bucket, Key="private.txt", Body=b"x")
        s3.put_object(Bucket=bucket, Key="public.txt", Body=b"x", ACL="public-read")
    s3.put_bucket_ownership_controls(
        Bucket="modern", OwnershipControls={"Rules": [{"ObjectOwnership": "BucketOwnerEnforced"}]}
    )
    control = estate.client("s3control")
    blocked = dict.fromkeys(
        ("BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy", "RestrictPublicBuckets"), True
    )
    for name, block in (
        ("open-point", {**blocked, "BlockPublicPolicy": False}),
        ("closed-point", blocked),
    ):
        control.create_access_point(
            AccountId=ACCOUNT_ID, Name=name, Bucket="modern", PublicAccessBlockConfiguration=block
        )
    control.create_multi_region_access_point(
        AccountId=ACCOUNT_ID,
        ClientToken="global",
        Details={
            "Name": "global",
            "PublicAccessBlock": {**blocked, "IgnorePublicAcls": False},
            "Regions": [{"Bucket": "modern"}],
        },
    )
    stranger = fake_aws.client(fake_aws.account_session(STRANGER), "s3", region)
    stranger.create_bucket(Bucket=f"aws-glue-assets-{ACCOUNT_ID}-{region}", **location)
    s3.create_bucket(Bucket=f"sagemaker-{region}-{ACCOUNT_ID}", **location)  # our own

    run_sync(aws_account)

    status, detail = outcome(aws_account, "s3-object-public-acl", "acl-era")
    assert status == "open" and "public.txt" in detail and "1 of 2" in detail
    assert outcome(aws_account, "s3-object-public-acl", "modern")[0] == "pass"  # ACLs disabled
    points = "s3-access-point-public-access-block-off"
    status, detail = outcome(aws_account, points, "open-point")
    assert status == "open" and "BlockPublicPolicy" in detail
    assert outcome(aws_account, points, "closed-point")[0] == "pass"
    status, detail = outcome(
        aws_account, "s3-multi-region-access-point-public-access-block-off", "global"
    )
    assert status == "open" and "IgnorePublicAcls" in detail
    status, detail = outcome(aws_account, "s3-shadow-bucket-taken", "S3 service bucket names")
    assert status == "open" and f"aws-glue-assets-{ACCOUNT_ID}-{region} (AWS Glue)" in detail
    assert "sagemaker" not in detail


def test_a_denied_dax_read_fails_only_the_dax_partition(fake_aws, aws_account, as_worker, run_sync):
    fake_aws.create_reader_role(
        ACCOUNT_ID, external_id=aws_account.external_id, deny_actions=["dax:*"]
    )
    as_worker()

    run = run_sync(aws_account)

    assert run.status == "partial"
    dax = run.partitions.get(service="dax")
    assert dax.status == "failed" and dax.error_code == "AccessDenied"
    # (Glacier and Backup fail too under the fake's IAM enforcement: moto cannot check
    # their signatures; see docs/aws.md.)
    assert run.partitions.get(service="dynamodb").status == "succeeded"


def test_unread_s3_access_settings_are_not_evaluated():
    point = check_input("s3", "access-point", {"_errors": {"accessPoint": "AccessDenied"}})
    assert check_result("s3-access-point-public-access-block-off", point) == Result.NOT_EVALUATED
    bucket = check_input("s3", "bucket", {"_errors": {"objectAcl": "AccessDenied"}})
    assert check_result("s3-object-public-acl", bucket) == Result.NOT_EVALUATED
    names = check_input("s3", "shadow-buckets", {"Foreign": {}, "_errors": {"headBucket": "x"}})
    assert check_result("s3-shadow-bucket-taken", names) == Result.NOT_EVALUATED
    sampled = check_input("s3", "bucket", {"ObjectSample": {"Sampled": 3, "PublicKeys": []}})
    assert check_result("s3-object-public-acl", sampled) == Result.PASS
