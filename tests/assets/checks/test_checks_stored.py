"""The checks on configurations a fake AWS cannot produce, written exactly as the
collectors store them (assets/aws/collectors/): the root user's MFA and keys, keys 90
days old or unused, MFA delete, Glacier vault policies, the account-wide S3 block,
EMR's permitted ports. Plus the engine's rules: what was not collected is never a pass.
These call the pure check functions; no database."""

import datetime
import json
from pathlib import Path

from assets.aws import checks
from assets.aws.checks import CATALOGUE, Estate, Resource, Result
from assets.aws.checks.engine import evaluate

NOW = datetime.datetime(2026, 6, 1, 12, 0, tzinfo=datetime.UTC)
DATA = Path(__file__).resolve().parents[3] / "isms" / "frameworks" / "data"


def resource(service, resource_type, configuration, name="r", **extra):
    return Resource(
        pk=extra.pop("pk", 1),
        arn=extra.pop("arn", f"arn:aws:{service}:eu-west-1:111122223333:{resource_type}/{name}"),
        account_id="111122223333",
        service=service,
        resource_type=resource_type,
        region="eu-west-1",
        name=name,
        configuration=configuration,
        **extra,
    )


def run(check_id, item, *others):
    return evaluate(CATALOGUE[check_id], item, Estate([item, *others], now=NOW))


def days_ago(days):
    return (NOW - datetime.timedelta(days=days)).isoformat()


def key(created, last_used=None, status="Active"):
    return {
        "AccessKeyId": "AKIAEXAMPLE",
        "Status": status,
        "CreateDate": created,
        "LastUsed": {"LastUsedDate": last_used, "ServiceName": "s3"} if last_used else None,
    }


def test_root_account_mfa_and_keys():
    secure = resource(
        "iam", "account-summary", {"AccountMFAEnabled": 1, "AccountAccessKeysPresent": 0}
    )
    careless = resource(
        "iam", "account-summary", {"AccountMFAEnabled": 0, "AccountAccessKeysPresent": 2}
    )
    assert run("iam-root-mfa", secure).result == Result.PASS
    assert run("iam-root-mfa", careless).result == Result.FAIL
    assert run("iam-root-access-keys", secure).result == Result.PASS
    found = run("iam-root-access-keys", careless)
    assert found.result == Result.FAIL and "2 access key(s)" in found.detail
    assert (
        run("iam-root-mfa", resource("iam", "account-summary", {})).result == Result.NOT_EVALUATED
    )


def test_access_keys_older_than_90_days():
    old = resource("iam", "user", {"AccessKeys": [key(days_ago(200), days_ago(1))]})
    found = run("iam-access-key-old", old)
    assert found.result == Result.FAIL and "200 days old" in found.detail
    assert (
        run(
            "iam-access-key-old", resource("iam", "user", {"AccessKeys": [key(days_ago(30))]})
        ).result
        == Result.PASS
    )
    inactive = resource("iam", "user", {"AccessKeys": [key(days_ago(400), status="Inactive")]})
    assert run("iam-access-key-old", inactive).result == Result.PASS


def test_access_keys_unused_for_90_days():
    stale = resource("iam", "user", {"AccessKeys": [key(days_ago(300), days_ago(120))]})
    never = resource("iam", "user", {"AccessKeys": [key(days_ago(95))]})
    used = resource("iam", "user", {"AccessKeys": [key(days_ago(300), days_ago(2))]})
    found = run("iam-access-key-unused", stale)
    assert found.result == Result.FAIL and "last used" in found.detail
    found = run("iam-access-key-unused", never)
    assert found.result == Result.FAIL and "never used" in found.detail
    assert run("iam-access-key-unused", used).result == Result.PASS
    # The collector could not read the last use: not evaluated, not a pass.
    denied = resource(
        "iam",
        "user",
        {"AccessKeys": [key(days_ago(5))], "_errors": {"AccessKeyLastUsed": "AccessDenied"}},
    )
    found = run("iam-access-key-unused", denied)
    assert (
        found.result == Result.NOT_EVALUATED and "AccessKeyLastUsed (AccessDenied)" in found.detail
    )


def test_s3_mfa_delete_enabled_passes():
    bucket = resource("s3", "bucket", {"Versioning": {"Status": "Enabled", "MFADelete": "Enabled"}})
    assert run("s3-bucket-mfa-delete-off", bucket).result == Result.PASS
    off = resource("s3", "bucket", {"Versioning": {"Status": "Enabled", "MFADelete": "Disabled"}})
    assert run("s3-bucket-mfa-delete-off", off).result == Result.FAIL


def test_s3_account_block_and_its_effect_on_buckets():
    full = dict.fromkeys(
        ("BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy", "RestrictPublicBuckets"), True
    )
    account_on = resource("s3", "account-public-access-block", {"PublicAccessBlock": full}, pk=2)
    account_off = resource("s3", "account-public-access-block", {"PublicAccessBlock": None}, pk=2)
    assert run("s3-account-public-access-block-off", account_on).result == Result.PASS
    found = run("s3-account-public-access-block-off", account_off)
    assert found.result == Result.FAIL and "BlockPublicAcls" in found.detail
    bucket = resource("s3", "bucket", {"PublicAccessBlock": None})
    assert run("s3-bucket-public-access-block-off", bucket, account_on).result == Result.PASS
    assert run("s3-bucket-public-access-block-off", bucket, account_off).result == Result.FAIL
    denied = resource(
        "s3", "account-public-access-block", {"_errors": {"PublicAccessBlock": "AccessDenied"}}
    )
    assert run("s3-account-public-access-block-off", denied).result == Result.NOT_EVALUATED


def test_glacier_vault_policy():
    open_to_all = {
        "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "glacier:*", "Resource": "*"}]
    }
    restricted = {
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": "*",
                "Action": "glacier:InitiateJob",
                "Resource": "*",
                "Condition": {"StringEquals": {"aws:PrincipalOrgID": "o-abc123"}},
            }
        ]
    }
    found = run(
        "glacier-vault-policy-public", resource("glacier", "vault", {"Policy": open_to_all})
    )
    assert found.result == Result.FAIL and "glacier:* to everyone" in found.detail
    assert (
        run(
            "glacier-vault-policy-public", resource("glacier", "vault", {"Policy": restricted})
        ).result
        == Result.PASS
    )
    assert (
        run("glacier-vault-policy-public", resource("glacier", "vault", {"Policy": None})).result
        == Result.PASS
    )


def test_emr_block_public_access_permitting_more_than_ssh():
    config = {
        "BlockPublicAccessConfiguration": {
            "BlockPublicSecurityGroupRules": True,
            "PermittedPublicSecurityGroupRuleRanges": [{"MinRange": 8080, "MaxRange": 8090}],
        }
    }
    found = run("emr-block-public-access-off", resource("emr", "block-public-access", config))
    assert found.result == Result.FAIL and "8080-8090" in found.detail


def test_bucket_policy_with_a_source_condition_is_not_public():
    policy = {
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"Service": "cloudfront.amazonaws.com", "AWS": "*"},
                "Action": "s3:GetObject",
                "Resource": "arn:aws:s3:::site/*",
                "Condition": {
                    "StringEquals": {"AWS:SourceArn": "arn:aws:cloudfront::1:distribution/X"}
                },
            }
        ]
    }
    assert (
        run("s3-bucket-policy-public", resource("s3", "bucket", {"Policy": policy})).result
        == Result.PASS
    )


def test_an_instance_whose_security_group_was_not_collected_is_not_evaluated():
    instance = resource(
        "ec2",
        "instance",
        {"PublicIpAddress": "203.0.113.9", "SecurityGroups": [{"GroupId": "sg-missing"}]},
    )
    found = run("ec2-instance-public-admin", instance)
    assert found.result == Result.NOT_EVALUATED and "sg-missing" in found.detail


def test_the_engine_never_passes_what_was_not_collected():
    # The partition failed: every check on its resources is not evaluated, with why.
    stale = resource(
        "s3", "bucket", {"Versioning": {"Status": "Enabled"}}, uncollected="s3: AccessDenied"
    )
    assert run("s3-bucket-versioning-off", stale) == checks.Outcome(
        Result.NOT_EVALUATED, "s3: AccessDenied"
    )
    # A detail call failed: the checks reading that part are not evaluated, the others run.
    partial = resource(
        "s3",
        "bucket",
        {
            "Versioning": {"Status": "Enabled"},
            "Policy": None,
            "_errors": {"Policy": "AccessDenied"},
        },
    )
    assert run("s3-bucket-policy-public", partial).result == Result.NOT_EVALUATED
    assert run("s3-bucket-https-not-enforced", partial).result == Result.NOT_EVALUATED
    assert run("s3-bucket-versioning-off", partial).result == Result.PASS
    # A resource stored with what there was (odd fields): not evaluated.
    odd = resource("rds", "db-instance", {"_errors": {"read": "KeyError('DBInstanceArn')"}})
    assert run("rds-storage-unencrypted", odd).result == Result.NOT_EVALUATED
    # A configuration a check does not expect does not crash the run.
    weird = resource("ec2", "security-group", {"IpPermissions": "not a list"})
    assert run("ec2-sg-open-all-ports", weird).result in (Result.PASS, Result.NOT_EVALUATED)
    weirder = resource(
        "autoscaling", "auto-scaling-group", {"AvailabilityZones": [{"unhashable": 1}]}
    )
    assert run("autoscaling-single-az", weirder).result == Result.NOT_EVALUATED


def test_every_catalogue_entry_is_complete():
    assert len(CATALOGUE) >= 38
    for check in CATALOGUE.values():
        assert check.title and check.rationale and check.console and check.cli, check.id
        assert check.severity in checks.Severity.values and check.threat in checks.Threat.values
        assert check.iso27001 and check.csf and check.resource_types, check.id


def _control_ids(node, found):
    if isinstance(node, dict):
        for key in ("id", "identifier"):
            if isinstance(node.get(key), str):
                found.add(node[key])
        for value in node.values():
            _control_ids(value, found)
    elif isinstance(node, list):
        for value in node:
            _control_ids(value, found)
    return found


def test_every_mapped_control_exists_in_its_framework():
    iso = _control_ids(json.loads((DATA / "iso27001-2022.json").read_text()), set())
    csf = _control_ids(json.loads((DATA / "nist-csf-2.0.json").read_text()), set())
    for check in CATALOGUE.values():
        assert set(check.iso27001) <= iso, (check.id, set(check.iso27001) - iso)
        assert set(check.csf) <= csf, (check.id, set(check.csf) - csf)


def test_the_checks_added_for_prowler_parity():
    """Issue 18's later checks, on both sides and on missing data; their failing side
    against the fake AWS is in test_demo.py (the marked demo estate)."""
    db = {"MasterUsername": "shop", "AutoMinorVersionUpgrade": True, "CopyTagsToSnapshot": True}
    default_db = {"MasterUsername": "Postgres", "AutoMinorVersionUpgrade": False}
    for check_id in ("rds-default-master-user", "rds-minor-upgrades-off"):
        assert run(check_id, resource("rds", "db-instance", db)).result == Result.PASS
        assert run(check_id, resource("rds", "db-instance", default_db)).result == Result.FAIL
    assert run("rds-copy-tags-to-snapshots-off", resource("rds", "db-instance", db)).result == (
        Result.PASS
    )
    table = resource("dynamodb", "table", {"DeletionProtectionEnabled": True})
    assert run("dynamodb-deletion-protection-off", table).result == Result.PASS
    unread = resource("dynamodb", "table", {"_errors": {"describeTable": "AccessDenied"}})
    assert run("dynamodb-deletion-protection-off", unread).result == Result.NOT_EVALUATED

    keys = [key(days_ago(10)), key(days_ago(200)), key(days_ago(300), status="Inactive")]
    assert run(
        "iam-user-two-active-keys", resource("iam", "user", {"AccessKeys": keys[:2]})
    ).result == (Result.FAIL)
    assert run(
        "iam-user-two-active-keys", resource("iam", "user", {"AccessKeys": keys[1:]})
    ).result == (Result.PASS)

    logged = resource("s3", "bucket", {"Logging": {"TargetBucket": "logs"}})
    assert run("s3-bucket-access-logging-off", logged).result == Result.PASS
    assert run(
        "s3-bucket-access-logging-off", resource("s3", "bucket", {"Logging": None})
    ).result == (Result.FAIL)
    denied = resource("s3", "bucket", {"_errors": {"Logging": "AccessDenied"}})
    assert run("s3-bucket-access-logging-off", denied).result == Result.NOT_EVALUATED

    # Keys behind an alias/aws/ alias are AWS's, whatever KeyManager a fake says.
    aws_key = {"KeyManager": "CUSTOMER", "KeyState": "Disabled", "Aliases": ["alias/aws/s3"]}
    own_key = {**aws_key, "Aliases": ["alias/old"], "KeyId": "k1"}
    assert run("kms-key-disabled", resource("kms", "key", aws_key)).result == Result.PASS
    assert run("kms-key-disabled", resource("kms", "key", own_key)).result == Result.FAIL


def test_instance_exposure_reads_the_groups_of_its_network_interfaces():
    group = resource(
        "ec2",
        "security-group",
        {
            "GroupId": "sg-1",
            "IpPermissions": [
                {
                    "IpProtocol": "tcp",
                    "FromPort": 22,
                    "ToPort": 22,
                    "IpRanges": [{"CidrIp": "0.0.0.0/0"}],
                }
            ],
        },
        name="open",
        pk=2,
    )
    instance = resource(
        "ec2",
        "instance",
        {
            "State": {"Name": "running"},
            "PublicIpAddress": "203.0.113.9",
            "SecurityGroups": [],
            "NetworkInterfaces": [{"Groups": [{"GroupId": "sg-1"}]}],
            "Monitoring": {"State": "disabled"},
        },
    )
    found = run("ec2-instance-public-admin", instance, group)
    assert found.result == Result.FAIL and "sg-1" in found.detail
    assert run("ec2-instance-no-iam-profile", instance).result == Result.FAIL
    assert run("ec2-instance-detailed-monitoring-off", instance).result == Result.FAIL
    hardened = {
        **instance.configuration,
        "IamInstanceProfile": {"Arn": "arn:aws:iam::1:instance-profile/web"},
        "Monitoring": {"State": "enabled"},
    }
    assert run("ec2-instance-no-iam-profile", resource("ec2", "instance", hardened)).result == (
        Result.PASS
    )
    assert (
        run("ec2-instance-detailed-monitoring-off", resource("ec2", "instance", hardened)).result
        == Result.PASS
    )
