"""The IAM and CloudTrail checks taken from Prowler's list (issue 18): password
complexity and expiry, hardware MFA, administrators without MFA, federation, policies
that escalate or take over CloudTrail and KMS, service roles open to confused deputies,
expired certificates, long-lived and unused credentials, the trail's bucket, Insights and
what each region's trails record. One estate in the fake AWS, collected by the real
collectors, with failing and passing resources side by side; what the fake AWS cannot
produce (the root user's activity, AWS managed policies, old dates) is checked on stored
configurations."""

import datetime
import json

from assets.aws.checks import Result
from tests.assets.aws.conftest import ACCOUNT_ID, REGIONS
from tests.assets.checks.factories import check_input, check_outcome

NOW = datetime.datetime(2026, 6, 1, tzinfo=datetime.UTC)
SAML_METADATA = (
    '<?xml version="1.0"?><EntityDescriptor xmlns="urn:oasis:names:tc:SAML:2.0:metadata" '
    'entityID="https://idp.example.com">' + "<!-- padding -->" * 70 + "</EntityDescriptor>"
)


def _policy(*statements):
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def _allow(*actions, resource="*", **extra):
    return {"Effect": "Allow", "Action": list(actions), "Resource": resource, **extra}


def _trust(service, condition=None):
    statement = {
        "Effect": "Allow",
        "Principal": {"Service": service},
        "Action": "sts:AssumeRole",
    }
    if condition:
        statement["Condition"] = condition
    return _policy(statement)


def _virtual_mfa(iam, user):
    serial = iam.create_virtual_mfa_device(VirtualMFADeviceName=user)["VirtualMFADevice"][
        "SerialNumber"
    ]
    iam.enable_mfa_device(
        UserName=user,
        SerialNumber=serial,
        AuthenticationCode1="123456",
        AuthenticationCode2="654321",
    )


def _build_iam(iam):
    iam.update_account_password_policy(
        MinimumPasswordLength=14,
        PasswordReusePrevention=24,
        RequireLowercaseCharacters=True,
        RequireUppercaseCharacters=True,
        RequireNumbers=True,
        RequireSymbols=True,
        MaxPasswordAge=90,
    )
    iam.create_saml_provider(Name="company-idp", SAMLMetadataDocument=SAML_METADATA)
    for user in ("carol", "dave", "erin"):
        iam.create_user(UserName=user)
    iam.create_login_profile(UserName="carol", Password="Long-Password-123!")
    _virtual_mfa(iam, "carol")
    iam.create_login_profile(UserName="dave", Password="Long-Password-123!")
    iam.create_access_key(UserName="dave")  # console user, key never used, long-lived
    for group, member in (("root-like", "dave"), ("careful-admins", "carol")):
        iam.create_group(GroupName=group)
        iam.put_group_policy(
            GroupName=group, PolicyName="everything", PolicyDocument=_policy(_allow("*"))
        )
        iam.add_user_to_group(GroupName=group, UserName=member)
    for name, statement in (
        ("can-escalate", _allow("iam:CreatePolicyVersion", "s3:GetObject")),
        ("passes-roles", _allow("iam:PassRole", "lambda:Create*")),
        ("trail-owner", _allow("cloudtrail:*")),
        ("key-owner", _allow("kms:*")),
        ("shopper", _allow("aws-marketplace:*")),
        ("hopper", _allow("sts:AssumeRole")),
        ("reader", _allow("s3:Get*", "cloudtrail:LookupEvents", "kms:Decrypt")),
        (
            "named-roles",
            _allow("sts:AssumeRole", resource=f"arn:aws:iam::{ACCOUNT_ID}:role/deploy"),
        ),
    ):
        iam.create_policy(PolicyName=name, PolicyDocument=_policy(statement))
    iam.create_role(RoleName="open-deputy", AssumeRolePolicyDocument=_trust("ec2.amazonaws.com"))
    iam.create_role(
        RoleName="bound-deputy",
        AssumeRolePolicyDocument=_trust(
            "events.amazonaws.com", {"StringEquals": {"aws:SourceAccount": ACCOUNT_ID}}
        ),
    )
    iam.upload_server_certificate(
        ServerCertificateName="old-cert",
        CertificateBody="-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----",
        PrivateKey="-----BEGIN PRIVATE KEY-----\nMIIB\n-----END PRIVATE KEY-----",
    )


def _build_cloudtrail(s3, cloudtrail):
    s3.create_bucket(
        Bucket="trail-logs-kept", CreateBucketConfiguration={"LocationConstraint": REGIONS[0]}
    )
    s3.create_bucket(
        Bucket="trail-logs-open",
        ACL="public-read",
        CreateBucketConfiguration={"LocationConstraint": REGIONS[0]},
    )
    s3.create_bucket(
        Bucket="trail-access-logs",
        ACL="log-delivery-write",
        CreateBucketConfiguration={"LocationConstraint": REGIONS[0]},
    )
    s3.put_bucket_logging(
        Bucket="trail-logs-kept",
        BucketLoggingStatus={
            "LoggingEnabled": {"TargetBucket": "trail-access-logs", "TargetPrefix": "trail/"}
        },
    )
    cloudtrail.create_trail(
        Name="org-trail", S3BucketName="trail-logs-kept", IsMultiRegionTrail=True
    )
    cloudtrail.put_event_selectors(
        TrailName="org-trail",
        EventSelectors=[
            {
                "ReadWriteType": "All",
                "IncludeManagementEvents": True,
                "DataResources": [{"Type": "AWS::S3::Object", "Values": ["arn:aws:s3"]}],
            }
        ],
    )
    cloudtrail.put_insight_selectors(
        TrailName="org-trail", InsightSelectors=[{"InsightType": "ApiCallRateInsight"}]
    )
    cloudtrail.start_logging(Name="org-trail")
    cloudtrail.create_trail(Name="side-trail", S3BucketName="trail-logs-open")


def test_iam_and_cloudtrail_against_the_fake_aws(fake_aws, aws_account, estate, run_sync, outcome):
    _build_iam(estate.client("iam"))
    _build_cloudtrail(estate.client("s3"), estate.client("cloudtrail"))

    run = run_sync(aws_account)

    assert run.status in ("succeeded", "partial")

    def status(check_id, name):
        return outcome(aws_account, check_id, name)[0]

    for check_id in ("iam-password-policy-complexity", "iam-password-policy-no-expiry"):
        assert status(check_id, "Account password policy") == "pass"
    assert status("iam-no-saml-federation", "Account summary") == "pass"
    for check_id in ("iam-no-security-audit-role", "iam-no-support-role"):
        assert status(check_id, "Account summary") == "open"
    state, detail = outcome(aws_account, "iam-user-virtual-mfa-only", "carol")
    assert state == "open" and ":mfa/carol" in detail
    assert status("iam-user-virtual-mfa-only", "dave") == "pass"
    state, detail = outcome(aws_account, "iam-admin-group-member-no-mfa", "root-like")
    assert state == "open" and "dave" in detail and "inline policy everything" in detail
    assert status("iam-admin-group-member-no-mfa", "careful-admins") == "pass"
    for check_id in ("iam-user-console-key-never-used", "iam-user-long-lived-keys"):
        assert status(check_id, "dave") == "open"
        assert status(check_id, "carol") == "pass"
        assert status(check_id, "erin") == "pass"
    state, detail = outcome(aws_account, "iam-policy-privilege-escalation", "can-escalate")
    assert state == "open" and "iam:CreatePolicyVersion" in detail
    state, detail = outcome(aws_account, "iam-policy-privilege-escalation", "passes-roles")
    assert state == "open" and "iam:PassRole with lambda:CreateFunction" in detail
    assert status("iam-policy-privilege-escalation", "root-like") == "open"  # * on *
    for check_id, failing in (
        ("iam-policy-full-cloudtrail-access", "trail-owner"),
        ("iam-policy-full-kms-access", "key-owner"),
        ("iam-policy-marketplace-subscribe", "shopper"),
        ("iam-policy-assume-any-role", "hopper"),
    ):
        assert status(check_id, failing) == "open", check_id
        assert status(check_id, "reader") == "pass", check_id
    assert status("iam-policy-assume-any-role", "named-roles") == "pass"
    assert status("iam-policy-privilege-escalation", "reader") == "pass"
    state, detail = outcome(aws_account, "iam-role-service-trust-no-source", "open-deputy")
    assert state == "open" and "ec2.amazonaws.com" in detail
    assert status("iam-role-service-trust-no-source", "bound-deputy") == "pass"
    assert status("iam-server-certificate-expired", "old-cert") == "open"

    assert status("cloudtrail-insights-off", "side-trail") == "open"
    assert status("cloudtrail-insights-off", "org-trail") == "pass"
    state, detail = outcome(aws_account, "cloudtrail-bucket-public", "side-trail")
    assert state == "open" and "trail-logs-open" in detail
    assert status("cloudtrail-bucket-public", "org-trail") == "pass"
    assert status("cloudtrail-bucket-access-logging-off", "side-trail") == "open"
    assert status("cloudtrail-bucket-access-logging-off", "org-trail") == "pass"
    assert status("cloudtrail-bucket-mfa-delete-off", "org-trail") == "open"
    coverage = f"CloudTrail coverage ({REGIONS[0]})"
    for check_id in (
        "cloudtrail-no-management-events-trail",
        "cloudtrail-s3-object-reads-not-logged",
        "cloudtrail-s3-object-writes-not-logged",
    ):
        assert status(check_id, coverage) == "pass", check_id


# -- stored configurations: what the fake AWS cannot produce --------------------------


def _stored(service, resource_type, configuration, **options):
    return check_input(service, resource_type, configuration, **{"region": "global", **options})


def _result(check_id, item, *others):
    return check_outcome(check_id, item, *others, now=NOW)


def _summary(**configuration):
    return _stored("iam", "account-summary", configuration, name="Account summary")


def test_root_mfa_kind_use_and_central_management():
    virtual = [{"SerialNumber": f"arn:aws:iam::{ACCOUNT_ID}:mfa/root-account-mfa-device"}]
    assert (
        _result(
            "iam-root-virtual-mfa", _summary(AccountMFAEnabled=1, VirtualMFADevices=virtual)
        ).result
        == Result.FAIL
    )
    assert (
        _result("iam-root-virtual-mfa", _summary(AccountMFAEnabled=1, VirtualMFADevices=[])).result
        == Result.PASS
    )
    recent = {
        "password_last_used": "2026-05-20T10:00:00+00:00",
        "access_key_1_last_used_date": "N/A",
    }
    outcome = _result("iam-root-used-recently", _summary(RootCredentials=recent))
    assert outcome.result == Result.FAIL and "signed in on 2026-05-20" in outcome.detail
    old = {"password_last_used": "2025-01-01T10:00:00+00:00", "access_key_1_last_used_date": "N/A"}
    assert _result("iam-root-used-recently", _summary(RootCredentials=old)).result == Result.PASS
    assert _result("iam-root-used-recently", _summary()).result == Result.NOT_EVALUATED
    check = "iam-root-credentials-management-off"
    assert _result(check, _summary(OrganizationsFeatures=None)).result == Result.PASS
    assert _result(check, _summary(OrganizationsFeatures=[])).result == Result.FAIL
    assert (
        _result(check, _summary(OrganizationsFeatures=["RootCredentialsManagement"])).result
        == Result.PASS
    )


def test_managed_policies_the_fake_aws_does_not_have():
    def role(name, attached, principal):
        trust = {"Statement": [{"Effect": "Allow", "Principal": {"AWS": principal}}]}
        return _stored(
            "iam",
            "role",
            {
                "AttachedPolicies": [{"PolicyArn": f"arn:aws:iam::aws:policy/{attached}"}],
                "AssumeRolePolicyDocument": trust,
            },
            name=name,
            pk=hash(name),
        )

    partner = role("partner", "ReadOnlyAccess", "arn:aws:iam::999988887777:root")
    internal = role("internal", "ReadOnlyAccess", f"arn:aws:iam::{ACCOUNT_ID}:root")
    assert _result("iam-role-cross-account-read-only", partner).result == Result.FAIL
    assert _result("iam-role-cross-account-read-only", internal).result == Result.PASS
    shell = role("shell", "AWSCloudShellFullAccess", ACCOUNT_ID)
    assert _result("iam-cloudshell-full-access", shell).result == Result.FAIL
    assert _result("iam-cloudshell-full-access", partner).result == Result.PASS
    auditors = role("auditors", "SecurityAudit", "arn:aws:iam::444455556666:root")
    support = role("support", "AWSSupportAccess", ACCOUNT_ID)
    assert _result("iam-no-security-audit-role", _summary(), auditors).result == Result.PASS
    assert _result("iam-no-support-role", _summary(), support).result == Result.PASS


def test_passwords_users_and_certificates_on_stored_configurations():
    weak = _stored("iam", "password-policy", {"PasswordPolicy": {"RequireSymbols": True}})
    outcome = _result("iam-password-policy-complexity", weak)
    assert outcome.result == Result.FAIL and "symbols" not in outcome.detail
    assert _result("iam-password-policy-no-expiry", weak).result == Result.FAIL
    long_lived = _stored("iam", "password-policy", {"PasswordPolicy": {"MaxPasswordAge": 365}})
    assert "365 days" in _result("iam-password-policy-no-expiry", long_lived).detail
    hardware = _stored("iam", "user", {"MFADevices": [{"SerialNumber": "GAHT12345678"}]})
    assert _result("iam-user-virtual-mfa-only", hardware).result == Result.PASS

    def user(**configuration):
        return _stored("iam", "user", {"ConsoleAccess": True, **configuration}, name="frank")

    stale = user(PasswordLastUsed="2026-01-01T00:00:00+00:00")
    assert _result("iam-user-console-unused", stale).result == Result.FAIL
    fresh = user(PasswordLastUsed="2026-05-01T00:00:00+00:00")
    assert _result("iam-user-console-unused", fresh).result == Result.PASS
    never = user(CreateDate="2025-01-01T00:00:00+00:00")
    assert "never signed in" in _result("iam-user-console-unused", never).detail
    valid = _stored(
        "iam", "server-certificate", {"Expiration": "2027-01-01T00:00:00Z"}, name="current"
    )
    assert _result("iam-server-certificate-expired", valid).result == Result.PASS


def _trail(name, pk, **configuration):
    return _stored(
        "cloudtrail",
        "trail",
        {"HasCustomEventSelectors": True, **configuration},
        name=name,
        region="eu-west-1",
        pk=pk,
    )


def _coverage(*trails):
    entries = [
        {
            "TrailARN": t.arn,
            "Name": t.name,
            "IsMultiRegionTrail": t.configuration.get("IsMultiRegionTrail", False),
            "IsLogging": True,
        }
        for t in trails
    ]
    return _stored(
        "cloudtrail", "trail-coverage", {"Trails": entries}, name="coverage", region="eu-west-1"
    )


def test_what_the_trails_of_a_region_record():
    writes_only = _trail(
        "writes",
        2,
        IsMultiRegionTrail=True,
        EventSelectors=[{"ReadWriteType": "WriteOnly", "IncludeManagementEvents": True}],
    )
    coverage = _coverage(writes_only)
    assert (
        _result("cloudtrail-no-management-events-trail", coverage, writes_only).result
        == Result.FAIL
    )
    advanced = _trail(
        "advanced",
        3,
        IsMultiRegionTrail=True,
        EventSelectors=[],
        AdvancedEventSelectors=[
            {"FieldSelectors": [{"Field": "eventCategory", "Equals": ["Management"]}]},
            {
                "FieldSelectors": [
                    {"Field": "eventCategory", "Equals": ["Data"]},
                    {"Field": "resources.type", "Equals": ["AWS::S3::Object"]},
                    {"Field": "readOnly", "Equals": ["false"]},
                ]
            },
        ],
    )
    coverage = _coverage(advanced)
    for check_id, expected in (
        ("cloudtrail-no-management-events-trail", Result.PASS),
        ("cloudtrail-s3-object-writes-not-logged", Result.PASS),
        ("cloudtrail-s3-object-reads-not-logged", Result.FAIL),
    ):
        assert _result(check_id, coverage, advanced).result == expected, check_id
    # One bucket only is not every bucket.
    one_bucket = _trail(
        "one-bucket",
        4,
        EventSelectors=[
            {
                "ReadWriteType": "All",
                "DataResources": [
                    {"Type": "AWS::S3::Object", "Values": ["arn:aws:s3:::payments/"]}
                ],
            }
        ],
    )
    assert (
        _result("cloudtrail-s3-object-reads-not-logged", _coverage(one_bucket), one_bucket).result
        == Result.FAIL
    )
    # A trail of another account's bucket: the bucket checks cannot say.
    elsewhere = _trail("elsewhere", 5, S3BucketName="central-logs")
    assert _result("cloudtrail-bucket-public", elsewhere).result == Result.NOT_EVALUATED


def test_checks_whose_data_was_not_read_are_not_evaluated():
    cases = [
        ("iam-root-virtual-mfa", "account-summary", "virtualMFADevices"),
        ("iam-no-saml-federation", "account-summary", "samlProviders"),
        ("iam-root-used-recently", "account-summary", "credentialReport"),
        ("iam-root-credentials-management-off", "account-summary", "organizationsFeatures"),
        ("iam-policy-privilege-escalation", "policy", "DefaultVersion"),
        ("iam-policy-full-kms-access", "role", "InlinePolicies"),
        ("iam-admin-group-member-no-mfa", "group", "InlinePolicies"),
        ("iam-user-console-unused", "user", "LoginProfile"),
        ("iam-user-console-key-never-used", "user", "AccessKeyLastUsed"),
        ("cloudtrail-insights-off", "trail", "insightSelectors"),
    ]
    for check_id, resource_type, part in cases:
        service = "cloudtrail" if resource_type == "trail" else "iam"
        item = _stored(service, resource_type, {"_errors": {part: "AccessDenied"}})
        assert _result(check_id, item).result == Result.NOT_EVALUATED, check_id
    # A trail whose selectors were not read leaves its region's recording unknown.
    unread = _trail("unread", 6, IsMultiRegionTrail=True, _errors={"eventSelectors": "x"})
    assert (
        _result("cloudtrail-no-management-events-trail", _coverage(unread), unread).result
        == Result.NOT_EVALUATED
    )


def test_every_prowler_check_for_iam_and_cloudtrail_is_answered_or_not_applicable():
    from assets.aws.checks import prowler

    for service in ("iam", "cloudtrail"):
        assert prowler.missing()[service] == [], service
    listed = {name for names in prowler.PROWLER_CHECKS.values() for name in names}
    assert set(prowler.NOT_APPLICABLE) <= listed
    assert not set(prowler.NOT_APPLICABLE) & set(prowler.MATCHES)
