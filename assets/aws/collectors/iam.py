"""IAM (global): users with their console access, MFA devices, access keys (age and
last use), policies and groups; groups; roles with their trust policy; customer-managed
policies with their default version's document; server certificates; the password
policy and the account summary (root MFA, root access keys), with what the account-wide
checks also read: the virtual MFA devices, the SAML providers, the root user's row of
the credential report and the organisation's centralised root access features."""

import csv
import io
import time
from urllib.parse import unquote

from botocore.exceptions import ClientError

from assets.aws.collectors.base import (
    GLOBAL_REGION,
    Collected,
    PartitionContext,
    error_code,
    guarded,
    plain,
    tag_dict,
)
from assets.aws.collectors.data import parse_policy
from assets.aws.session import HOME_REGION


def _document(value):
    """A policy document, whatever its encoding (dict, JSON text, URL-encoded JSON)."""
    if isinstance(value, str):
        return parse_policy(unquote(value))
    return plain(value)


def _inline_policies(ctx, configuration, list_call, get_call, key):
    names = list(
        ctx.paginate(ctx.client("iam", HOME_REGION), list_call[0], "PolicyNames", **list_call[1])
    )
    policies = {}
    for name in names:
        answer = ctx.detail(configuration, key, lambda name=name: get_call(name))
        if answer is not None:
            policies[name] = _document(answer.get("PolicyDocument"))
    return policies


def collect_iam(ctx: PartitionContext) -> list[Collected]:
    iam = ctx.client("iam", HOME_REGION)

    def attached(operation, **kwargs):
        return [plain(p) for p in ctx.paginate(iam, operation, "AttachedPolicies", **kwargs)]

    def convert_user(user):
        name = user["UserName"]
        configuration = plain(user)
        profile = ctx.detail(
            configuration,
            "LoginProfile",
            lambda: iam.get_login_profile(UserName=name),
            missing=("NoSuchEntity",),
        )
        configuration["ConsoleAccess"] = profile is not None
        configuration["MFADevices"] = [
            plain(d) for d in ctx.paginate(iam, "list_mfa_devices", "MFADevices", UserName=name)
        ]
        keys = []
        for key in ctx.paginate(iam, "list_access_keys", "AccessKeyMetadata", UserName=name):
            key = plain(key)
            last_used = ctx.detail(
                configuration,
                "AccessKeyLastUsed",
                lambda key=key: iam.get_access_key_last_used(AccessKeyId=key["AccessKeyId"]),
            )
            key["LastUsed"] = plain((last_used or {}).get("AccessKeyLastUsed"))
            keys.append(key)
        configuration["AccessKeys"] = keys
        configuration["AttachedPolicies"] = attached("list_attached_user_policies", UserName=name)
        configuration["InlinePolicies"] = _inline_policies(
            ctx,
            configuration,
            ("list_user_policies", {"UserName": name}),
            lambda p: iam.get_user_policy(UserName=name, PolicyName=p),
            "InlinePolicies",
        )
        configuration["Groups"] = [
            g["GroupName"]
            for g in ctx.paginate(iam, "list_groups_for_user", "Groups", UserName=name)
        ]
        tags = tag_dict(ctx.paginate(iam, "list_user_tags", "Tags", UserName=name))
        return Collected(user["Arn"], "user", name, GLOBAL_REGION, tags, configuration)

    def convert_group(group):
        name = group["GroupName"]
        configuration = plain(group)
        configuration["AttachedPolicies"] = attached("list_attached_group_policies", GroupName=name)
        configuration["InlinePolicies"] = _inline_policies(
            ctx,
            configuration,
            ("list_group_policies", {"GroupName": name}),
            lambda p: iam.get_group_policy(GroupName=name, PolicyName=p),
            "InlinePolicies",
        )
        return Collected(group["Arn"], "group", name, GLOBAL_REGION, {}, configuration)

    def convert_role(role):
        name = role["RoleName"]
        configuration = plain(role)
        configuration["AssumeRolePolicyDocument"] = _document(role.get("AssumeRolePolicyDocument"))
        configuration["AttachedPolicies"] = attached("list_attached_role_policies", RoleName=name)
        configuration["InlinePolicies"] = _inline_policies(
            ctx,
            configuration,
            ("list_role_policies", {"RoleName": name}),
            lambda p: iam.get_role_policy(RoleName=name, PolicyName=p),
            "InlinePolicies",
        )
        tags = tag_dict(ctx.paginate(iam, "list_role_tags", "Tags", RoleName=name))
        return Collected(role["Arn"], "role", name, GLOBAL_REGION, tags, configuration)

    def convert_policy(policy):
        configuration = plain(policy)
        version = ctx.detail(
            configuration,
            "DefaultVersion",
            lambda: iam.get_policy_version(
                PolicyArn=policy["Arn"], VersionId=policy["DefaultVersionId"]
            ),
        )
        configuration["Document"] = _document(
            ((version or {}).get("PolicyVersion") or {}).get("Document")
        )
        return Collected(
            policy["Arn"], "policy", policy.get("PolicyName", ""), GLOBAL_REGION, {}, configuration
        )

    def fallback_for(resource_type, name_key):
        return lambda item: Collected(
            item["Arn"], resource_type, item.get(name_key, ""), GLOBAL_REGION
        )

    results = ctx.map(
        guarded(convert_user, fallback_for("user", "UserName")),
        list(ctx.paginate(iam, "list_users", "Users")),
    )
    results += ctx.map(
        guarded(convert_group, fallback_for("group", "GroupName")),
        list(ctx.paginate(iam, "list_groups", "Groups")),
    )
    results += ctx.map(
        guarded(convert_role, fallback_for("role", "RoleName")),
        list(ctx.paginate(iam, "list_roles", "Roles")),
    )
    results += ctx.map(
        guarded(convert_policy, fallback_for("policy", "PolicyName")),
        list(ctx.paginate(iam, "list_policies", "Policies", Scope="Local")),
    )

    # The account itself: its password policy and summary (root MFA, root keys).
    configuration: dict = {}
    policy = ctx.detail(
        configuration,
        "PasswordPolicy",
        iam.get_account_password_policy,
        missing=("NoSuchEntity",),
    )
    if "_errors" not in configuration:
        configuration["PasswordPolicy"] = plain((policy or {}).get("PasswordPolicy"))
    results.append(
        Collected(
            f"arn:aws:iam::{ctx.account_id}:account-password-policy",
            "password-policy",
            "Account password policy",
            GLOBAL_REGION,
            {},
            configuration,
        )
    )
    summary = plain(iam.get_account_summary().get("SummaryMap") or {})
    summary.update(_account_details(ctx, iam, summary))
    results += [
        Collected(
            c["Arn"],
            "server-certificate",
            c.get("ServerCertificateName", ""),
            GLOBAL_REGION,
            {},
            plain(c),
        )
        for c in ctx.paginate(iam, "list_server_certificates", "ServerCertificateMetadataList")
    ]
    results.append(
        Collected(
            f"arn:aws:iam::{ctx.account_id}:account-summary",
            "account-summary",
            "Account summary",
            GLOBAL_REGION,
            {},
            summary,
        )
    )
    return results


# The credential report is generated asynchronously: how often, and how long apart, to
# ask for it before giving up (the checks that read it are then not evaluated).
REPORT_ATTEMPTS = 5
REPORT_WAIT_SECONDS = 1.0
ROOT_ROW = "<root_account>"


def _root_row(iam) -> dict:
    """The root user's row of the credential report ({} when the report has none)."""
    for attempt in range(REPORT_ATTEMPTS):
        state = iam.generate_credential_report().get("State")
        if state == "COMPLETE":
            break
        time.sleep(REPORT_WAIT_SECONDS * (attempt + 1) / REPORT_ATTEMPTS)
    content = iam.get_credential_report().get("Content") or b""
    if isinstance(content, bytes):
        content = content.decode("utf-8", "replace")
    for row in csv.DictReader(io.StringIO(content)):
        if row.get("user") == ROOT_ROW:
            return dict(row)
    return {}


def _organizations_features(iam) -> dict:
    """The organisation's centralised root access features; IAM's trusted access not
    enabled in the organisation means none."""
    try:
        return iam.list_organizations_features()
    except ClientError as exc:
        if error_code(exc) == "ServiceAccessNotEnabledException":
            return {"EnabledFeatures": []}
        raise


def _account_details(ctx, iam, configuration: dict) -> dict:
    """What the account-wide IAM checks read besides the summary; a part that could not
    be read is recorded under configuration["_errors"] (its checks are not evaluated)."""
    details: dict = {}
    devices = ctx.detail(
        configuration,
        "virtualMFADevices",
        lambda: list(
            ctx.paginate(
                iam, "list_virtual_mfa_devices", "VirtualMFADevices", AssignmentStatus="Assigned"
            )
        ),
    )
    if devices is not None:
        details["VirtualMFADevices"] = [
            {"SerialNumber": d.get("SerialNumber"), "User": (d.get("User") or {}).get("Arn")}
            for d in devices
        ]
    providers = ctx.detail(configuration, "samlProviders", iam.list_saml_providers)
    if providers is not None:
        details["SAMLProviders"] = [p.get("Arn") for p in providers.get("SAMLProviderList") or []]
    root = ctx.detail(configuration, "credentialReport", lambda: _root_row(iam))
    if root is not None:
        details["RootCredentials"] = root
    features = ctx.detail(
        configuration,
        "organizationsFeatures",
        lambda: _organizations_features(iam),
        # Not in an organisation, or a member account (the management account answers).
        missing=(
            "AWSOrganizationsNotInUseException",
            "OrganizationNotFoundException",
            "AccountNotManagementOrDelegatedAdministratorException",
        ),
    )
    if "organizationsFeatures" not in configuration.get("_errors", {}):
        details["OrganizationsFeatures"] = (
            None if features is None else list(features.get("EnabledFeatures") or [])
        )
    return details
