"""IAM checks: the root account, people without MFA, old and unused keys, privileges
given to users directly or without limits, roles trusting other accounts, and the
password policy."""

from __future__ import annotations

import datetime

from assets.aws.checks import policies
from assets.aws.checks.base import Severity, Threat, as_list, dig, failed, not_evaluated, passed
from assets.aws.checks.registry import check

KEY_MAX_AGE_DAYS = 90
MIN_PASSWORD_LENGTH = 14
MIN_PASSWORD_REUSE_PREVENTION = 24
SUMMARY = (("iam", "account-summary"),)
USER = (("iam", "user"),)
ADMIN_MANAGED_POLICY = "arn:aws:iam::aws:policy/AdministratorAccess"


def _when(value) -> datetime.datetime | None:
    if not isinstance(value, str):
        return None
    try:
        moment = datetime.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=datetime.UTC)


def _active_keys(config: dict) -> list[dict]:
    return [k for k in as_list(config.get("AccessKeys")) if k.get("Status") == "Active"]


def _summary_value(resource, key):
    value = resource.configuration.get(key)
    return value if isinstance(value, int) else None


@check(
    id="iam-root-mfa",
    title="Root account without MFA",
    service="iam",
    resource_types=SUMMARY,
    severity=Severity.CRITICAL,
    threat=Threat.CREDENTIALS,
    rationale="The root user can do anything, including closing the account; its password "
    "alone must never be enough to sign in.",
    console="Sign in as the root user > Security credentials > Multi-factor authentication "
    "(MFA) > Assign MFA device (prefer a hardware key).",
    cli="Root MFA cannot be set from the CLI: use the console as the root user.",
    iso27001=("8.5", "8.2"),
    csf=("PR.AA-03",),
    needs=(),
)
def root_mfa(resource, estate):
    value = _summary_value(resource, "AccountMFAEnabled")
    if value is None:
        return not_evaluated("The account summary has no AccountMFAEnabled.")
    return passed() if value else failed("The root user signs in with a password only.")


@check(
    id="iam-root-access-keys",
    title="Root account has access keys",
    service="iam",
    resource_types=SUMMARY,
    severity=Severity.CRITICAL,
    threat=Threat.CREDENTIALS,
    rationale="A root access key is an unrestricted, non-expiring credential that cannot "
    "be limited by any policy; leaked, it hands over the whole account.",
    console="Sign in as the root user > Security credentials > Access keys: deactivate and "
    "delete every key.",
    cli="Root keys can only be deleted by the root user (console, or the CLI signed in as "
    "root): aws iam delete-access-key --access-key-id <key-id>",
    iso27001=("8.2", "5.17"),
    csf=("PR.AA-01", "PR.AA-05"),
    needs=(),
)
def root_access_keys(resource, estate):
    value = _summary_value(resource, "AccountAccessKeysPresent")
    if value is None:
        return not_evaluated("The account summary has no AccountAccessKeysPresent.")
    return failed(f"The root user has {value} access key(s).") if value else passed()


@check(
    id="iam-user-console-no-mfa",
    title="Console user without MFA",
    service="iam",
    resource_types=USER,
    severity=Severity.HIGH,
    threat=Threat.CREDENTIALS,
    rationale="A phished or reused password is enough to sign in as a user without MFA.",
    console="IAM > Users > the user > Security credentials > Multi-factor authentication "
    "(MFA) > Assign MFA device; require MFA in a policy for console users.",
    cli="aws iam create-virtual-mfa-device --virtual-mfa-device-name <user> "
    "--outfile qr.png --bootstrap-method QRCodePNG && aws iam enable-mfa-device ...",
    iso27001=("8.5",),
    csf=("PR.AA-03",),
    needs=("LoginProfile",),
)
def console_without_mfa(resource, estate):
    config = resource.configuration
    if not config.get("ConsoleAccess") or as_list(config.get("MFADevices")):
        return passed()
    return failed(f"User {resource.name} has a console password and no MFA device.")


@check(
    id="iam-access-key-old",
    title="Access key older than 90 days",
    service="iam",
    resource_types=USER,
    severity=Severity.MEDIUM,
    threat=Threat.CREDENTIALS,
    rationale="The longer a key lives, the more places it has been copied to; rotating "
    "keys limits how long a leaked one stays useful.",
    console="IAM > Users > the user > Security credentials > Access keys: create a new "
    "key, switch the application to it, then deactivate and delete the old one.",
    cli="aws iam create-access-key --user-name <user> && aws iam update-access-key "
    "--user-name <user> --access-key-id <old-key> --status Inactive",
    iso27001=("5.17",),
    csf=("PR.AA-01",),
    needs=(),
)
def access_key_old(resource, estate):
    limit = estate.now - datetime.timedelta(days=KEY_MAX_AGE_DAYS)
    old = []
    for key in _active_keys(resource.configuration):
        created = _when(key.get("CreateDate"))
        if created is None:
            return not_evaluated(f"Key {key.get('AccessKeyId')} has no creation date.")
        if created < limit:
            old.append(f"{key.get('AccessKeyId')} ({(estate.now - created).days} days old)")
    return failed("Active key(s) " + ", ".join(old) + ".") if old else passed()


@check(
    id="iam-access-key-unused",
    title="Access key unused for 90 days",
    service="iam",
    resource_types=USER,
    severity=Severity.MEDIUM,
    threat=Threat.CREDENTIALS,
    rationale="A key nobody uses still works for whoever finds it; it should not exist.",
    console="IAM > Users > the user > Security credentials > Access keys: deactivate, then "
    "delete, every key whose Last used is more than 90 days ago (or never).",
    cli="aws iam update-access-key --user-name <user> --access-key-id <key> --status "
    "Inactive && aws iam delete-access-key --user-name <user> --access-key-id <key>",
    iso27001=("5.18", "5.17"),
    csf=("PR.AA-01",),
    needs=("AccessKeyLastUsed",),
)
def access_key_unused(resource, estate):
    limit = estate.now - datetime.timedelta(days=KEY_MAX_AGE_DAYS)
    unused = []
    for key in _active_keys(resource.configuration):
        ident = key.get("AccessKeyId")
        last_used = _when(dig(key, "LastUsed", "LastUsedDate"))
        if last_used is not None:
            if last_used < limit:
                unused.append(f"{ident} (last used {last_used:%Y-%m-%d})")
            continue
        created = _when(key.get("CreateDate"))
        if created is None:
            return not_evaluated(f"Key {ident} has no creation or last-use date.")
        if created < limit:
            unused.append(f"{ident} (never used, created {created:%Y-%m-%d})")
    return failed("Active key(s) " + ", ".join(unused) + ".") if unused else passed()


@check(
    id="iam-user-direct-policies",
    title="User with policies attached directly instead of through groups",
    service="iam",
    resource_types=USER,
    severity=Severity.LOW,
    threat=Threat.CREDENTIALS,
    rationale="Permissions given person by person drift and are forgotten when the person "
    "changes role; groups make access reviewable and revocable in one place.",
    console="IAM > Users > the user > Permissions: add the user to a group that carries "
    "the policy, then remove the directly attached and inline policies.",
    cli="aws iam add-user-to-group --user-name <user> --group-name <group> && aws iam "
    "detach-user-policy --user-name <user> --policy-arn <arn>",
    iso27001=("5.15", "5.18"),
    csf=("PR.AA-05",),
    needs=("InlinePolicies",),
)
def direct_policies(resource, estate):
    config = resource.configuration
    attached = [
        p.get("PolicyName") or p.get("PolicyArn") for p in as_list(config.get("AttachedPolicies"))
    ]
    inline = sorted((config.get("InlinePolicies") or {}).keys())
    causes = [f"attached {name}" for name in attached] + [f"inline {name}" for name in inline]
    return failed(f"User {resource.name}: " + ", ".join(causes) + ".") if causes else passed()


@check(
    id="iam-policy-admin",
    title="Attached policy granting * on *",
    service="iam",
    resource_types=(("iam", "policy"), ("iam", "user"), ("iam", "group"), ("iam", "role")),
    severity=Severity.HIGH,
    threat=Threat.CREDENTIALS,
    rationale="Full administrator rights given by a custom policy escape review and turn "
    "any compromise of its holders into a compromise of the whole account.",
    console="IAM > Policies > the policy (or the user, group or role's inline policy): "
    "replace Action * / Resource * by the actions and resources the holder needs.",
    cli="aws iam create-policy-version --policy-arn <arn> --policy-document "
    "file://least-privilege.json --set-as-default",
    iso27001=("8.2", "5.15"),
    csf=("PR.AA-05",),
    needs=("DefaultVersion", "InlinePolicies"),
)
def policy_admin(resource, estate):
    config = resource.configuration
    if resource.resource_type == "policy":
        if "Document" not in config or config["Document"] is None:
            return not_evaluated("The policy's default version was not read.")
        attachments = config.get("AttachmentCount")
        if attachments == 0:
            return passed()  # not attached to anyone: grants nothing
        if any(policies.grants_everything(s) for s in policies.statements(config["Document"])):
            return failed(
                f"Policy {resource.name} allows * on * and is attached "
                f"{attachments if attachments is not None else 'to someone'}"
                f"{' time(s)' if attachments else ''}."
            )
        return passed()
    causes = [
        f"inline policy {name}"
        for name, document in sorted((config.get("InlinePolicies") or {}).items())
        if any(policies.grants_everything(s) for s in policies.statements(document))
    ]
    causes += [
        "AWS managed AdministratorAccess"
        for p in as_list(config.get("AttachedPolicies"))
        if p.get("PolicyArn") == ADMIN_MANAGED_POLICY
    ]
    if causes:
        return failed(
            f"{resource.resource_type.title()} {resource.name}: " + ", ".join(causes) + "."
        )
    return passed()


def foreign_principals(statement: dict, own: str) -> list[str]:
    """The AWS principals of a trust statement outside account `own` ("*" included)."""
    principal = statement.get("Principal")
    aws = principal.get("AWS") if isinstance(principal, dict) else principal
    foreign = []
    for value in as_list(aws):
        value = str(value)
        account = value.split(":")[4] if value.startswith("arn:") else value
        if value == "*" or (account.isdigit() and account != own):
            foreign.append(value)
    return foreign


@check(
    id="iam-role-cross-account-no-condition",
    title="Role trusting another account without ExternalId or MFA",
    service="iam",
    resource_types=(("iam", "role"),),
    severity=Severity.HIGH,
    threat=Threat.CREDENTIALS,
    rationale="A third party trusted without an ExternalId can be tricked into acting on "
    "your account for someone else (the confused deputy); people should need MFA.",
    console="IAM > Roles > the role > Trust relationships > Edit trust policy: add a "
    "Condition on sts:ExternalId (third parties) or aws:MultiFactorAuthPresent (people).",
    cli="aws iam update-assume-role-policy --role-name <role> --policy-document "
    "file://trust-with-external-id.json",
    iso27001=("5.19", "8.5"),
    csf=("PR.AA-05", "GV.SC-07"),
    needs=(),
)
def role_cross_account(resource, estate):
    own = resource.account_id
    document = resource.configuration.get("AssumeRolePolicyDocument")
    if document is None:
        return not_evaluated("The role's trust policy was not read.")
    causes = []
    for statement in policies.statements(document):
        if statement.get("Effect") != "Allow":
            continue
        foreign = foreign_principals(statement, own)
        keys = policies.condition_keys(statement)
        if foreign and not keys & {"sts:externalid", "aws:multifactorauthpresent"}:
            causes.append(", ".join(foreign))
    if causes:
        return failed(
            f"Role {resource.name} may be assumed by {'; '.join(causes)} with no ExternalId "
            "or MFA condition."
        )
    return passed()


@check(
    id="iam-password-policy-weak",
    title="Weak or missing password policy",
    service="iam",
    resource_types=(("iam", "password-policy"),),
    severity=Severity.MEDIUM,
    threat=Threat.CREDENTIALS,
    rationale="Short and reused passwords are guessed and stuffed; CIS asks for at least "
    "14 characters and no reuse of the last 24.",
    console="IAM > Account settings > Password policy > Edit: minimum length 14, prevent "
    "password reuse (24).",
    cli="aws iam update-account-password-policy --minimum-password-length 14 "
    "--password-reuse-prevention 24",
    iso27001=("5.17",),
    csf=("PR.AA-01",),
    needs=("PasswordPolicy",),
)
def password_policy(resource, estate):
    config = resource.configuration
    if "PasswordPolicy" not in config:
        return not_evaluated("The password policy was not read.")
    policy = config["PasswordPolicy"]
    if not policy:
        return failed("The account has no password policy: AWS's default allows 8 characters.")
    causes = []
    length = policy.get("MinimumPasswordLength") or 0
    if length < MIN_PASSWORD_LENGTH:
        causes.append(f"minimum length {length} (< {MIN_PASSWORD_LENGTH})")
    reuse = policy.get("PasswordReusePrevention") or 0
    if reuse < MIN_PASSWORD_REUSE_PREVENTION:
        causes.append(f"reuse prevention {reuse or 'off'} (< {MIN_PASSWORD_REUSE_PREVENTION})")
    return failed("Password policy: " + ", ".join(causes) + ".") if causes else passed()


@check(
    id="iam-user-two-active-keys",
    title="IAM user with two active access keys",
    service="iam",
    resource_types=(("iam", "user"),),
    severity=Severity.MEDIUM,
    threat=Threat.CREDENTIALS,
    rationale="Two active keys usually mean a rotation that was never finished: the old "
    "key still works, wherever it was copied.",
    console="IAM > Users > the user > Security credentials: deactivate, then delete, the "
    "key that is no longer used.",
    cli="aws iam update-access-key --user-name <user> --access-key-id <old-key> --status Inactive",
    iso27001=("5.17", "8.5"),
    csf=("PR.AA-01",),
    needs=(),
)
def user_two_keys(resource, estate):
    active = [
        k.get("AccessKeyId", "")
        for k in as_list(resource.configuration.get("AccessKeys"))
        if isinstance(k, dict) and k.get("Status") == "Active"
    ]
    if len(active) > 1:
        return failed(f"User {resource.name} has {len(active)} active keys: {', '.join(active)}.")
    return passed()
