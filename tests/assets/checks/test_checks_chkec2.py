"""The EC2, VPC and Auto Scaling checks taken from Prowler's list (issue 18): risky ports,
public sources, launch-wizard and crowded groups, public instances with a role or several
interfaces, network ACLs open on all ports or unused, Auto Scaling health checks, instance
types and launch configurations. Against an estate built in the fake AWS and collected by
the real collectors; what the fake AWS cannot produce (ages, Spot, PV) on stored
configurations."""

import datetime

import pytest

from assets.aws.checks import CATALOGUE, Estate, Result
from assets.aws.checks.engine import evaluate
from assets.aws.checks.prowler import MATCHES, NOT_APPLICABLE, PARTLY, missing
from tests.assets.checks.factories import check_input as _stored

AMI = "ami-12c6146b"
WORLD = "0.0.0.0/0"
NOW = datetime.datetime(2026, 6, 1, tzinfo=datetime.UTC)


def _named(kind, name):
    return [{"ResourceType": kind, "Tags": [{"Key": "Name", "Value": name}]}]


def _tcp(port, *cidrs):
    return {
        "IpProtocol": "tcp",
        "FromPort": port,
        "ToPort": port,
        "IpRanges": [{"CidrIp": c} for c in cidrs],
    }


@pytest.mark.django_db
def test_ec2_groups_instances_and_acls(fake_aws, aws_account, estate, run_sync, outcome):
    ec2 = estate.client("ec2")
    vpc = ec2.create_vpc(CidrBlock="10.50.0.0/16")["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.50.1.0/24")["Subnet"]["SubnetId"]

    def group(name, *permissions):
        ident = ec2.create_security_group(GroupName=name, Description=name, VpcId=vpc)["GroupId"]
        if permissions:
            ec2.authorize_security_group_ingress(GroupId=ident, IpPermissions=list(permissions))
        return ident

    risky = group(
        "risky",
        _tcp(21, WORLD),
        _tcp(9092, WORLD),
        {"IpProtocol": "-1", "IpRanges": [{"CidrIp": "52.10.0.0/16"}]},
    )
    tidy = group("tidy", _tcp(443, "10.0.0.0/8", "8.8.8.8/32"))
    group("launch-wizard-3", _tcp(443, "10.0.0.0/8"))
    group("crowded", _tcp(443, *(f"10.9.{n}.0/24" for n in range(51))))
    profile = estate.client("iam").create_instance_profile(InstanceProfileName="web")[
        "InstanceProfile"
    ]
    ec2.run_instances(
        ImageId=AMI,
        MinCount=1,
        MaxCount=1,
        IamInstanceProfile={"Arn": profile["Arn"]},
        NetworkInterfaces=[
            {
                "DeviceIndex": 0,
                "SubnetId": subnet,
                "Groups": [risky],
                "AssociatePublicIpAddress": True,
            }
        ],
        TagSpecifications=_named("instance", "exposed"),
    )
    inner = ec2.run_instances(
        ImageId=AMI,
        MinCount=1,
        MaxCount=1,
        SubnetId=subnet,
        SecurityGroupIds=[tidy],
        TagSpecifications=_named("instance", "inner"),
    )["Instances"][0]["InstanceId"]
    second = ec2.create_network_interface(SubnetId=subnet, Groups=[tidy])["NetworkInterface"]
    ec2.attach_network_interface(
        NetworkInterfaceId=second["NetworkInterfaceId"], InstanceId=inner, DeviceIndex=1
    )
    default_acl = ec2.describe_network_acls(
        Filters=[{"Name": "vpc-id", "Values": [vpc]}, {"Name": "default", "Values": ["true"]}]
    )["NetworkAcls"][0]["NetworkAclId"]
    ec2.create_tags(Resources=[default_acl], Tags=[{"Key": "Name", "Value": "acl-open"}])
    strict = ec2.create_network_acl(
        VpcId=vpc, TagSpecifications=_named("network-acl", "acl-spare")
    )["NetworkAcl"]["NetworkAclId"]
    for number, action in ((10, "deny"), (100, "allow")):
        ec2.create_network_acl_entry(
            NetworkAclId=strict,
            RuleNumber=number,
            Protocol="-1",
            RuleAction=action,
            Egress=False,
            CidrBlock=WORLD,
        )

    run = run_sync(aws_account)

    assert run.status in ("succeeded", "partial")
    status, detail = outcome(aws_account, "ec2-sg-open-risky-ports", "risky")
    assert status == "open" and "FTP (21) from 0.0.0.0/0" in detail and "Kafka (9092)" in detail
    assert outcome(aws_account, "ec2-sg-open-risky-ports", "tidy")[0] == "pass"
    status, detail = outcome(aws_account, "ec2-sg-public-source-all-ports", "risky")
    assert status == "open" and "52.10.0.0/16" in detail
    assert outcome(aws_account, "ec2-sg-public-source-all-ports", "tidy")[0] == "pass"
    status, detail = outcome(aws_account, "ec2-sg-wide-public-ipv4", "risky")
    assert status == "open" and "inbound all traffic with 52.10.0.0/16" in detail
    assert outcome(aws_account, "ec2-sg-wide-public-ipv4", "tidy")[0] == "pass"
    assert outcome(aws_account, "ec2-sg-launch-wizard", "launch-wizard-3")[0] == "open"
    assert outcome(aws_account, "ec2-sg-launch-wizard", "tidy")[0] == "pass"
    status, detail = outcome(aws_account, "ec2-sg-many-rules", "crowded")
    assert status == "open" and "51 inbound" in detail
    assert outcome(aws_account, "ec2-sg-many-rules", "tidy")[0] == "pass"
    status, detail = outcome(aws_account, "ec2-instance-public-risky-ports", "exposed")
    assert status == "open" and "FTP (21)" in detail
    assert outcome(aws_account, "ec2-instance-public-risky-ports", "inner")[0] == "pass"
    status, detail = outcome(aws_account, "ec2-instance-public-with-profile", "exposed")
    assert status == "open" and "instance-profile/web" in detail
    assert outcome(aws_account, "ec2-instance-public-with-profile", "inner")[0] == "pass"
    status, detail = outcome(aws_account, "ec2-instance-multiple-enis", "inner")
    assert status == "open" and "2 network interfaces" in detail
    assert outcome(aws_account, "ec2-instance-multiple-enis", "exposed")[0] == "pass"
    # Just launched: neither old nor stopped.
    assert outcome(aws_account, "ec2-instance-old", "exposed")[0] == "pass"
    assert outcome(aws_account, "ec2-instance-stopped-long", "exposed")[0] == "pass"
    status, detail = outcome(aws_account, "vpc-nacl-open-all-ports", "acl-open")
    assert status == "open" and "all traffic from 0.0.0.0/0 by rule 100" in detail
    assert outcome(aws_account, "vpc-nacl-open-all-ports", "acl-spare")[0] == "pass"
    assert outcome(aws_account, "vpc-nacl-unused", "acl-spare")[0] == "open"
    assert outcome(aws_account, "vpc-nacl-unused", "acl-open")[0] == "pass"


@pytest.mark.django_db
def test_autoscaling_groups(fake_aws, aws_account, estate, run_sync, outcome):
    ec2 = estate.client("ec2")
    vpc = ec2.create_vpc(CidrBlock="10.60.0.0/16")["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.60.1.0/24")["Subnet"]["SubnetId"]
    target = estate.client("elbv2").create_target_group(
        Name="web", Protocol="HTTP", Port=80, VpcId=vpc
    )["TargetGroups"][0]["TargetGroupArn"]
    ec2.create_launch_template(
        LaunchTemplateName="web", LaunchTemplateData={"ImageId": AMI, "InstanceType": "t3.small"}
    )
    autoscaling = estate.client("autoscaling")
    autoscaling.create_launch_configuration(
        LaunchConfigurationName="old-web",
        ImageId=AMI,
        InstanceType="t3.small",
        AssociatePublicIpAddress=True,
        UserData="#!/bin/sh\nexport AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE\n",
    )
    autoscaling.create_launch_configuration(
        LaunchConfigurationName="hardened",
        ImageId=AMI,
        InstanceType="t3.small",
        AssociatePublicIpAddress=False,
        MetadataOptions={"HttpTokens": "required", "HttpEndpoint": "enabled"},
        UserData="#!/bin/sh\napt-get install -y nginx\n",
    )
    autoscaling.create_auto_scaling_group(
        AutoScalingGroupName="hardened-web",
        LaunchConfigurationName="hardened",
        MinSize=0,
        MaxSize=2,
        DesiredCapacity=0,
        VPCZoneIdentifier=subnet,
    )
    autoscaling.create_auto_scaling_group(
        AutoScalingGroupName="legacy-web",
        LaunchConfigurationName="old-web",
        MinSize=0,
        MaxSize=2,
        DesiredCapacity=0,
        VPCZoneIdentifier=subnet,
        TargetGroupARNs=[target],
    )
    autoscaling.create_auto_scaling_group(
        AutoScalingGroupName="modern-web",
        MixedInstancesPolicy={
            "LaunchTemplate": {
                "LaunchTemplateSpecification": {"LaunchTemplateName": "web", "Version": "$Latest"},
                "Overrides": [{"InstanceType": "t3.small"}, {"InstanceType": "t3a.small"}],
            },
        },
        MinSize=0,
        MaxSize=2,
        DesiredCapacity=0,
        VPCZoneIdentifier=subnet,
        TargetGroupARNs=[target],
        HealthCheckType="ELB",
    )

    run = run_sync(aws_account)

    assert run.status in ("succeeded", "partial")
    status, detail = outcome(aws_account, "autoscaling-launch-configuration", "legacy-web")
    assert status == "open" and "old-web" in detail
    assert outcome(aws_account, "autoscaling-launch-configuration", "modern-web")[0] == "pass"
    status, detail = outcome(aws_account, "autoscaling-elb-health-check-off", "legacy-web")
    assert status == "open" and "health checks EC2 only" in detail
    assert outcome(aws_account, "autoscaling-elb-health-check-off", "modern-web")[0] == "pass"
    assert outcome(aws_account, "autoscaling-single-instance-type", "legacy-web")[0] == "open"
    assert outcome(aws_account, "autoscaling-single-instance-type", "modern-web")[0] == "pass"
    for check_id in (
        "autoscaling-launch-configuration-public-ip",
        "autoscaling-launch-configuration-imdsv1",
        "autoscaling-launch-configuration-secrets",
    ):
        status, detail = outcome(aws_account, check_id, "legacy-web")
        assert status == "open" and "old-web" in detail, check_id
        assert outcome(aws_account, check_id, "hardened-web")[0] == "pass", check_id
        assert outcome(aws_account, check_id, "modern-web")[0] == "pass", check_id
    assert (
        "AWS access key id on line 2"
        in outcome(aws_account, "autoscaling-launch-configuration-secrets", "legacy-web")[1]
    )
    # Neither runs Spot Instances.
    assert outcome(aws_account, "autoscaling-capacity-rebalance-off", "legacy-web")[0] == "pass"


def _result(check_id, item):
    return evaluate(CATALOGUE[check_id], item, Estate([item], now=NOW))


def test_instance_age_stopped_time_and_virtualisation_on_stored_configurations():
    running = {"State": {"Name": "running"}}
    old = _stored("ec2", "instance", {**running, "LaunchTime": "2025-06-01T00:00:00Z"})
    recent = _stored("ec2", "instance", {**running, "LaunchTime": "2026-05-01T00:00:00Z"})
    assert _result("ec2-instance-old", old).result == Result.FAIL
    assert "365 days" in _result("ec2-instance-old", old).detail
    assert _result("ec2-instance-old", recent).result == Result.PASS
    assert _result("ec2-instance-old", _stored("ec2", "instance", running)).result == (
        Result.NOT_EVALUATED
    )

    def stopped(reason):
        return _stored("ec2", "instance", {"State": {"Name": "stopped"}, **reason})

    long_ago = stopped({"StateTransitionReason": "User initiated (2026-01-01 10:00:00 GMT)"})
    lately = stopped({"StateTransitionReason": "User initiated (2026-05-25 10:00:00 GMT)"})
    assert _result("ec2-instance-stopped-long", long_ago).result == Result.FAIL
    assert _result("ec2-instance-stopped-long", lately).result == Result.PASS
    assert _result("ec2-instance-stopped-long", stopped({})).result == Result.NOT_EVALUATED
    pv = _stored("ec2", "instance", {**running, "VirtualizationType": "paravirtual"})
    hvm = _stored("ec2", "instance", {**running, "VirtualizationType": "hvm"})
    assert _result("ec2-instance-paravirtual", pv).result == Result.FAIL
    assert _result("ec2-instance-paravirtual", hvm).result == Result.PASS


def test_spot_groups_and_unread_acls_on_stored_configurations():
    def group(rebalance):
        return _stored(
            "autoscaling",
            "auto-scaling-group",
            {
                "CapacityRebalance": rebalance,
                "MixedInstancesPolicy": {
                    "InstancesDistribution": {"OnDemandPercentageAboveBaseCapacity": 20}
                },
            },
        )

    outcome = _result("autoscaling-capacity-rebalance-off", group(False))
    assert outcome.result == Result.FAIL and "80% Spot" in outcome.detail
    assert _result("autoscaling-capacity-rebalance-off", group(True)).result == Result.PASS
    unread = _stored("vpc", "network-acl", {"IsDefault": False})
    assert _result("vpc-nacl-unused", unread).result == Result.NOT_EVALUATED
    assert _result("vpc-nacl-open-all-ports", unread).result == Result.NOT_EVALUATED
    not_read = _stored(
        "autoscaling",
        "auto-scaling-group",
        {"LaunchConfigurationName": "lc", "_errors": {"launchConfigurations": "AccessDenied"}},
    )
    for check_id in (
        "autoscaling-launch-configuration-public-ip",
        "autoscaling-launch-configuration-imdsv1",
        "autoscaling-launch-configuration-secrets",
    ):
        assert _result(check_id, not_read).result == Result.NOT_EVALUATED, check_id


def test_no_ec2_vpc_or_autoscaling_prowler_check_is_left_unmapped_by_this_part():
    left = missing()
    for name in MATCHES:
        assert all(check in CATALOGUE for check in MATCHES[name])
    for name in (*PARTLY, *NOT_APPLICABLE):
        assert name not in left.get(name.split("_", 1)[0], [])
    assert "ec2_elastic_ip_shodan" in NOT_APPLICABLE
