"""Issue 18's data-service checks (assets/aws/checks/data_more.py): KMS keys pending
deletion or multi-Region, SES identities without DKIM, EMR masters open to the internet,
DynamoDB tables shared with other accounts or without auto scaling, DAX clusters. Each
against an estate built in the fake AWS and read by the real collectors, failing and
passing resources side by side; what the fake AWS cannot produce on stored
configurations."""

import json

import pytest

from assets.aws.checks import Result
from tests.assets.aws.conftest import ACCOUNT_ID
from tests.assets.checks.factories import check_input as _stored
from tests.assets.checks.factories import check_result as _result

pytestmark = pytest.mark.django_db
KEY = [{"AttributeName": "id", "KeyType": "HASH"}]
ATTRIBUTES = [{"AttributeName": "id", "AttributeType": "S"}]


def _table(dynamodb, name, **options):
    return dynamodb.create_table(
        TableName=name, KeySchema=KEY, AttributeDefinitions=ATTRIBUTES, **options
    )["TableDescription"]["TableArn"]


def _grant(arn, principal):
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": {"AWS": principal},
                    "Action": "dynamodb:GetItem",
                    "Resource": arn,
                }
            ],
        }
    )


def test_keys_tables_caches_mail_and_emr(fake_aws, aws_account, estate, run_sync, outcome):
    kms = estate.client("kms")
    for alias, options in (("doomed", {}), ("everywhere", {"MultiRegion": True}), ("kept", {})):
        key = kms.create_key(Description=alias, **options)["KeyMetadata"]["KeyId"]
        kms.create_alias(AliasName=f"alias/{alias}", TargetKeyId=key)
        if alias == "doomed":
            kms.schedule_key_deletion(KeyId=key, PendingWindowInDays=7)

    dynamodb = estate.client("dynamodb")
    provisioned = {
        "BillingMode": "PROVISIONED",
        "ProvisionedThroughput": {"ReadCapacityUnits": 5, "WriteCapacityUnits": 5},
    }
    shared = _table(dynamodb, "shared", BillingMode="PAY_PER_REQUEST")
    dynamodb.put_resource_policy(ResourceArn=shared, Policy=_grant(shared, "444455556666"))
    own = _table(dynamodb, "own", BillingMode="PAY_PER_REQUEST")
    dynamodb.put_resource_policy(
        ResourceArn=own, Policy=_grant(own, f"arn:aws:iam::{ACCOUNT_ID}:role/app")
    )
    _table(dynamodb, "fixed", **provisioned)
    _table(dynamodb, "scaled", **provisioned)
    scaling = estate.client("application-autoscaling")
    for kind in ("Read", "Write"):
        scaling.register_scalable_target(
            ServiceNamespace="dynamodb", ResourceId="table/scaled",
            ScalableDimension=f"dynamodb:table:{kind}CapacityUnits", MinCapacity=5,
            MaxCapacity=100,
        )  # fmt: skip

    dax = estate.client("dax")
    for name, hardened in (("cache-plain", False), ("cache-hardened", True)):
        dax.create_cluster(
            ClusterName=name,
            NodeType="dax.t3.small",
            ReplicationFactor=3 if hardened else 1,
            IamRoleArn=f"arn:aws:iam::{ACCOUNT_ID}:role/dax",
            SSESpecification={"Enabled": hardened},
            ClusterEndpointEncryptionType="TLS" if hardened else "NONE",
        )

    estate.client("sesv2").create_email_identity(EmailIdentity="mail.example.org")

    ec2 = estate.client("ec2")
    vpc = ec2.create_vpc(CidrBlock="10.50.0.0/16")["Vpc"]["VpcId"]
    open_group = ec2.create_security_group(GroupName="emr-open", Description="o", VpcId=vpc)
    ec2.authorize_security_group_ingress(
        GroupId=open_group["GroupId"],
        IpPermissions=[
            {
                "IpProtocol": "tcp",
                "FromPort": 22,
                "ToPort": 22,
                "IpRanges": [{"CidrIp": "0.0.0.0/0"}],
            }
        ],
    )
    closed_group = ec2.create_security_group(GroupName="emr-closed", Description="c", VpcId=vpc)
    emr = estate.client("emr")
    for name, group in (("emr-exposed", open_group), ("emr-guarded", closed_group)):
        emr.run_job_flow(
            Name=name,
            ReleaseLabel="emr-6.15.0",
            Instances={
                "MasterInstanceType": "m5.xlarge",
                "SlaveInstanceType": "m5.xlarge",
                "InstanceCount": 2,
                "KeepJobFlowAliveWhenNoSteps": True,
                "AdditionalMasterSecurityGroups": [group["GroupId"]],
            },
            JobFlowRole="EMR_EC2_DefaultRole",
            ServiceRole="EMR_DefaultRole",
        )

    run_sync(aws_account)

    status, detail = outcome(aws_account, "kms-key-pending-deletion", "alias/doomed")
    assert status == "open" and "will be deleted" in detail
    assert outcome(aws_account, "kms-key-pending-deletion", "alias/kept")[0] == "pass"
    assert outcome(aws_account, "kms-key-multi-region", "alias/everywhere")[0] == "open"
    assert outcome(aws_account, "kms-key-multi-region", "alias/kept")[0] == "pass"

    status, detail = outcome(aws_account, "dynamodb-table-cross-account", "shared")
    assert status == "open" and "444455556666" in detail
    assert outcome(aws_account, "dynamodb-table-cross-account", "own")[0] == "pass"
    status, detail = outcome(aws_account, "dynamodb-table-autoscaling-off", "fixed")
    assert status == "open" and "read and write" in detail
    assert outcome(aws_account, "dynamodb-table-autoscaling-off", "scaled")[0] == "pass"
    assert outcome(aws_account, "dynamodb-table-autoscaling-off", "shared")[0] == "pass"

    for check_id in ("dax-cluster-unencrypted", "dax-cluster-no-tls", "dax-cluster-single-az"):
        assert outcome(aws_account, check_id, "cache-plain")[0] == "open", check_id
        assert outcome(aws_account, check_id, "cache-hardened")[0] == "pass", check_id

    status, detail = outcome(aws_account, "ses-identity-dkim-off", "mail.example.org")
    assert status == "open" and "off" in detail

    status, detail = outcome(aws_account, "emr-cluster-publicly-accessible", "emr-exposed")
    assert status == "open" and "emr-open" in detail
    assert outcome(aws_account, "emr-cluster-publicly-accessible", "emr-guarded")[0] == "pass"


def test_dkim_signing_and_what_was_not_read():
    signing = {"DkimAttributes": {"SigningEnabled": True, "Status": "SUCCESS"}}
    assert _result("ses-identity-dkim-off", _stored("ses", "identity", signing)) == Result.PASS
    pending = {"DkimAttributes": {"SigningEnabled": True, "Status": "PENDING"}}
    assert _result("ses-identity-dkim-off", _stored("ses", "identity", pending)) == Result.FAIL
    unread = {"_errors": {"identity": "AccessDenied"}}
    assert _result("ses-identity-dkim-off", _stored("ses", "identity", unread)) == (
        Result.NOT_EVALUATED
    )
    table = {"_errors": {"resourcePolicy": "AccessDenied", "autoScaling": "AccessDenied"}}
    for check_id in ("dynamodb-table-cross-account", "dynamodb-table-autoscaling-off"):
        assert _result(check_id, _stored("dynamodb", "table", table)) == Result.NOT_EVALUATED
    # A public grant counts as shared with everyone; AWS managed keys are AWS's business.
    public = {"ResourcePolicy": {"Statement": [{"Effect": "Allow", "Principal": "*"}]}}
    assert _result("dynamodb-table-cross-account", _stored("dynamodb", "table", public)) == (
        Result.FAIL
    )
    aws_key = {"KeyManager": "AWS", "KeyState": "PendingDeletion", "MultiRegion": True}
    for check_id in ("kms-key-pending-deletion", "kms-key-multi-region"):
        assert _result(check_id, _stored("kms", "key", aws_key)) == Result.PASS
    # An EMR master whose security group was not collected is not judged.
    emr = {
        "MasterPublicDnsName": "ec2-1-2-3-4.compute.amazonaws.com",
        "Ec2InstanceAttributes": {"EmrManagedMasterSecurityGroup": "sg-unknown"},
    }
    assert _result("emr-cluster-publicly-accessible", _stored("emr", "cluster", emr)) == (
        Result.NOT_EVALUATED
    )
