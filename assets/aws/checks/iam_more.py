"""More IAM checks (issue 18, Prowler's list for IAM): password complexity and expiry,
hardware MFA, how the root user is used and managed, federation, policies that let
their holder escalate, take over CloudTrail or KMS, subscribe to Marketplace products or
assume any role, risky AWS managed policies, roles open to confused deputies, expired
server certificates and long-lived or unused user credentials."""

from __future__ import annotations

import datetime
from fnmatch import fnmatchcase

from assets.aws.checks import policies
from assets.aws.checks.base import Severity, Threat, as_list, dig, failed, not_evaluated, passed
from assets.aws.checks.iam import (
    ADMIN_MANAGED_POLICY,
    SUMMARY,
    USER,
    _active_keys,
    _when,
    foreign_principals,
)
from assets.aws.checks.registry import check

PASSWORD_POLICY = (("iam", "password-policy"),)
HOLDERS = (("iam", "policy"), ("iam", "user"), ("iam", "group"), ("iam", "role"))
ATTACHABLE = (("iam", "user"), ("iam", "group"), ("iam", "role"))
ROLE = (("iam", "role"),)
MAX_PASSWORD_AGE_DAYS = 90
ROOT_USE_DAYS = 30  # root used more recently than this: used for daily work
CONSOLE_UNUSED_DAYS = 90
AWS_POLICY = "arn:aws:iam::aws:policy/"
CLOUDSHELL_FULL = AWS_POLICY + "AWSCloudShellFullAccess"
READ_ONLY = AWS_POLICY + "ReadOnlyAccess"
SECURITY_AUDIT = AWS_POLICY + "SecurityAudit"
SUPPORT_ACCESS = AWS_POLICY + "AWSSupportAccess"

# Actions that let whoever holds them give themselves (or a principal they control) more
# permissions than they have: rewrite or attach policies, mint credentials for others,
# join groups, change who may assume a role.
ESCALATION_ACTIONS = (
    "iam:CreatePolicyVersion",
    "iam:SetDefaultPolicyVersion",
    "iam:AttachUserPolicy",
    "iam:AttachGroupPolicy",
    "iam:AttachRolePolicy",
    "iam:PutUserPolicy",
    "iam:PutGroupPolicy",
    "iam:PutRolePolicy",
    "iam:CreateAccessKey",
    "iam:CreateLoginProfile",
    "iam:UpdateLoginProfile",
    "iam:AddUserToGroup",
    "iam:UpdateAssumeRolePolicy",
)
# iam:PassRole together with one of these runs code as a more privileged role.
PASS_ROLE_TO = (
    "ec2:RunInstances",
    "lambda:CreateFunction",
    "cloudformation:CreateStack",
    "glue:CreateDevEndpoint",
    "datapipeline:CreatePipeline",
)


def _allows(statement: dict, action: str) -> bool:
    """Whether an Allow statement's Action (wildcards included) covers `action`."""
    if statement.get("Effect") != "Allow":
        return False
    wanted = action.lower()
    return any(fnmatchcase(wanted, str(a).lower()) for a in as_list(statement.get("Action")))


def _on_everything(statement: dict) -> bool:
    return "*" in [str(r) for r in as_list(statement.get("Resource"))]


def _documents(resource) -> list[tuple[str, object]] | None:
    """(label, document) of every policy a resource carries: a customer-managed policy's
    default version, or a user's, group's or role's inline policies. None when the
    policy's document was not read."""
    config = resource.configuration
    if resource.resource_type == "policy":
        if config.get("Document") is None:
            return None
        return [(f"Policy {resource.name}", config["Document"])]
    return [
        (f"{resource.resource_type.title()} {resource.name}: inline policy {name}", document)
        for name, document in sorted((config.get("InlinePolicies") or {}).items())
    ]


def _policy_check(resource, finds) -> object:
    """Fail naming every document where `finds(statements)` found something."""
    documents = _documents(resource)
    if documents is None:
        return not_evaluated("The policy's default version was not read.")
    causes = []
    for label, document in documents:
        found = finds(policies.statements(document))
        if found:
            causes.append(f"{label} allows {', '.join(found)}")
    return failed("; ".join(causes) + ".") if causes else passed()


@check(
    id="iam-password-policy-complexity",
    title="Password policy does not require all character classes",
    service="iam",
    resource_types=PASSWORD_POLICY,
    severity=Severity.MEDIUM,
    threat=Threat.CREDENTIALS,
    rationale="Without lower and upper case letters, digits and symbols, users pick "
    "passwords from a much smaller space that guessing and stuffing attacks cover first.",
    console="IAM > Account settings > Password policy > Edit: require at least one "
    "lowercase letter, one uppercase letter, one number and one non-alphanumeric character.",
    cli="aws iam update-account-password-policy --minimum-password-length 14 "
    "--password-reuse-prevention 24 --require-lowercase-characters "
    "--require-uppercase-characters --require-numbers --require-symbols",
    iso27001=("5.17",),
    csf=("PR.AA-01",),
    needs=("PasswordPolicy",),
)
def password_complexity(resource, estate):
    config = resource.configuration
    if "PasswordPolicy" not in config:
        return not_evaluated("The password policy was not read.")
    policy = config["PasswordPolicy"] or {}
    missing = [
        label
        for key, label in (
            ("RequireLowercaseCharacters", "lowercase letters"),
            ("RequireUppercaseCharacters", "uppercase letters"),
            ("RequireNumbers", "numbers"),
            ("RequireSymbols", "symbols"),
        )
        if not policy.get(key)
    ]
    if missing:
        return failed("The password policy does not require " + ", ".join(missing) + ".")
    return passed()


@check(
    id="iam-password-policy-no-expiry",
    title="Passwords do not expire within 90 days",
    service="iam",
    resource_types=PASSWORD_POLICY,
    severity=Severity.LOW,
    threat=Threat.CREDENTIALS,
    rationale="A console password that never expires stays valid wherever it leaked; CIS "
    "asks for expiry within 90 days where passwords are the only factor.",
    console="IAM > Account settings > Password policy > Edit: Turn on password "
    "expiration, 90 days or less.",
    cli="aws iam update-account-password-policy --max-password-age 90 "
    "--minimum-password-length 14 --password-reuse-prevention 24",
    iso27001=("5.17",),
    csf=("PR.AA-01",),
    needs=("PasswordPolicy",),
)
def password_expiry(resource, estate):
    config = resource.configuration
    if "PasswordPolicy" not in config:
        return not_evaluated("The password policy was not read.")
    age = (config["PasswordPolicy"] or {}).get("MaxPasswordAge")
    if not age:
        return failed("Passwords never expire.")
    if age > MAX_PASSWORD_AGE_DAYS:
        return failed(f"Passwords expire after {age} days (> {MAX_PASSWORD_AGE_DAYS}).")
    return passed()


@check(
    id="iam-root-virtual-mfa",
    title="Root account without a hardware MFA device",
    service="iam",
    resource_types=SUMMARY,
    severity=Severity.HIGH,
    threat=Threat.CREDENTIALS,
    rationale="A virtual MFA lives on a phone that is lost, replaced, backed up to the "
    "cloud or phished; the root user, which can close the account, deserves a hardware key.",
    console="Sign in as the root user > Security credentials > Multi-factor "
    "authentication (MFA): assign a hardware TOTP token or FIDO security key, then remove "
    "the virtual device.",
    cli="Root MFA devices cannot be managed from the CLI: use the console as the root user.",
    iso27001=("8.5", "8.2"),
    csf=("PR.AA-03",),
    needs=("virtualMFADevices",),
)
def root_virtual_mfa(resource, estate):
    config = resource.configuration
    if "VirtualMFADevices" not in config:
        return not_evaluated("The virtual MFA devices were not read.")
    if not config.get("AccountMFAEnabled"):
        return failed("The root user has no MFA device at all.")
    for device in as_list(config["VirtualMFADevices"]):
        user = str(device.get("User") or "")
        if user.endswith(":root") or str(device.get("SerialNumber", "")).endswith(
            "/root-account-mfa-device"
        ):
            return failed(f"The root user's MFA is a virtual device ({device['SerialNumber']}).")
    return passed()


@check(
    id="iam-user-virtual-mfa-only",
    title="User whose MFA devices are all virtual",
    service="iam",
    resource_types=USER,
    severity=Severity.LOW,
    threat=Threat.CREDENTIALS,
    rationale="Codes from an authenticator app can be phished in real time or copied with "
    "the phone's backup; a FIDO security key or hardware token cannot.",
    console="IAM > Users > the user > Security credentials > Multi-factor authentication "
    "(MFA) > Assign MFA device: a security key or hardware TOTP token; then remove the "
    "virtual device.",
    cli="aws iam enable-mfa-device --user-name <user> --serial-number <token-serial> "
    "--authentication-code1 <code> --authentication-code2 <next-code>",
    iso27001=("8.5",),
    csf=("PR.AA-03",),
    needs=(),
)
def user_virtual_mfa(resource, estate):
    serials = [
        str(d.get("SerialNumber", "")) for d in as_list(resource.configuration.get("MFADevices"))
    ]
    if serials and all(":mfa/" in s for s in serials):
        return failed(f"User {resource.name} has only virtual MFA: {', '.join(serials)}.")
    return passed()


def _members_by_group(estate) -> dict[str, list]:
    members: dict[str, list] = {}
    for user in estate.by_type.get(("iam", "user"), []):
        for group in as_list(user.configuration.get("Groups")):
            members.setdefault(group, []).append(user)
    return members


def _has_mfa(user) -> bool:
    return bool(as_list(user.configuration.get("MFADevices")))


def _grants_admin(holder, estate) -> list[str]:
    """How a user, group or role is given * on * (AWS's AdministratorAccess, an inline or
    a customer-managed policy)."""
    config = holder.configuration
    found = [
        f"inline policy {name}"
        for name, document in sorted((config.get("InlinePolicies") or {}).items())
        if any(policies.grants_everything(s) for s in policies.statements(document))
    ]
    managed = estate.cached(
        ("iam", "policies by arn"),
        lambda: {r.arn: r for r in estate.by_type.get(("iam", "policy"), [])},
    )
    for attached in as_list(config.get("AttachedPolicies")):
        arn = attached.get("PolicyArn")
        if arn == ADMIN_MANAGED_POLICY:
            found.append("AdministratorAccess")
        elif arn in managed and any(
            policies.grants_everything(s)
            for s in policies.statements(managed[arn].configuration.get("Document"))
        ):
            found.append(f"policy {managed[arn].name}")
    return found


@check(
    id="iam-admin-group-member-no-mfa",
    title="Administrators' group with a member without MFA",
    service="iam",
    resource_types=(("iam", "group"),),
    severity=Severity.HIGH,
    threat=Threat.CREDENTIALS,
    rationale="A member of a group that grants full administrator rights, signing in "
    "with a password or key alone, puts the whole account one phished secret away.",
    console="IAM > User groups > the group > Users: for each member without MFA, assign "
    "an MFA device (or remove the member from the group).",
    cli="aws iam remove-user-from-group --group-name <group> --user-name <user>",
    iso27001=("8.5", "8.2"),
    csf=("PR.AA-03", "PR.AA-05"),
    needs=("InlinePolicies",),
)
def admin_group_without_mfa(resource, estate):
    how = _grants_admin(resource, estate)
    if not how:
        return passed()
    members = estate.cached(("iam", "members by group"), lambda: _members_by_group(estate)).get(
        resource.name, []
    )
    without = sorted(u.name for u in members if not _has_mfa(u))
    if without:
        return failed(
            f"Group {resource.name} grants * on * ({', '.join(how)}); members without MFA: "
            f"{', '.join(without)}."
        )
    return passed()


@check(
    id="iam-root-used-recently",
    title="Root user used in the last 30 days",
    service="iam",
    resource_types=SUMMARY,
    severity=Severity.HIGH,
    threat=Threat.CREDENTIALS,
    rationale="The root user cannot be limited by any policy; using it for daily work "
    "multiplies the moments its credentials can be stolen. Keep it for the few tasks only "
    "root can do.",
    console="Create administrators as IAM Identity Center users or IAM roles, sign out of "
    "root, and keep its credentials in a safe; review what root did in CloudTrail.",
    cli="aws iam generate-credential-report && aws iam get-credential-report --query "
    "Content --output text | base64 -d | grep '<root_account>'",
    iso27001=("8.2", "8.5"),
    csf=("PR.AA-05", "DE.CM-03"),
    needs=("credentialReport",),
)
def root_used_recently(resource, estate):
    row = resource.configuration.get("RootCredentials")
    if not row:
        return not_evaluated("The credential report has no row for the root user.")
    limit = estate.now - datetime.timedelta(days=ROOT_USE_DAYS)
    uses = []
    for key, label in (
        ("password_last_used", "signed in"),
        ("access_key_1_last_used_date", "used access key 1"),
        ("access_key_2_last_used_date", "used access key 2"),
    ):
        when = _when(row.get(key))
        if when is not None and when >= limit:
            uses.append(f"{label} on {when:%Y-%m-%d}")
    return failed("The root user " + ", ".join(uses) + ".") if uses else passed()


@check(
    id="iam-root-credentials-management-off",
    title="Organisation without centralised root access management",
    service="iam",
    resource_types=SUMMARY,
    severity=Severity.MEDIUM,
    threat=Threat.CREDENTIALS,
    rationale="In an organisation, each member account's root password, keys and MFA are "
    "credentials nobody watches; centralised root access management lets the management "
    "account remove them and perform root tasks only when needed.",
    console="IAM (management account) > Root access management > Enable: root "
    "credentials management and privileged root actions in member accounts.",
    cli="aws organizations enable-aws-service-access --service-principal iam.amazonaws.com "
    "&& aws iam enable-organizations-root-credentials-management",
    iso27001=("8.2", "5.18"),
    csf=("PR.AA-05",),
    needs=("organizationsFeatures",),
)
def root_credentials_management(resource, estate):
    config = resource.configuration
    if "OrganizationsFeatures" not in config:
        return not_evaluated("The organisation's IAM features were not read.")
    features = config["OrganizationsFeatures"]
    if features is None:
        return passed()  # not in an organisation, or a member: its management account answers
    if "RootCredentialsManagement" not in as_list(features):
        return failed("The organisation does not manage its member accounts' root credentials.")
    return passed()


@check(
    id="iam-no-saml-federation",
    title="No SAML identity provider: people sign in as IAM users",
    service="iam",
    resource_types=SUMMARY,
    severity=Severity.LOW,
    threat=Threat.CREDENTIALS,
    rationale="With federation, people sign in with the company's identity provider and "
    "get temporary credentials: leaving the company closes their AWS access in one place, "
    "and no long-lived IAM password or key is left behind.",
    console="IAM > Identity providers > Add provider > SAML (or IAM Identity Center with "
    "the company's directory), then roles for the people's duties.",
    cli="aws iam create-saml-provider --name <idp> --saml-metadata-document file://metadata.xml",
    iso27001=("5.16", "5.17"),
    csf=("PR.AA-01", "PR.AA-02"),
    needs=("samlProviders",),
)
def no_saml(resource, estate):
    providers = resource.configuration.get("SAMLProviders")
    if providers is None:
        return not_evaluated("The SAML providers were not read.")
    return passed() if providers else failed("The account has no SAML identity provider.")


def _escalations(statements) -> list[str]:
    found = [a for a in ESCALATION_ACTIONS if any(_allows(s, a) for s in statements)]
    if any(_allows(s, "iam:PassRole") for s in statements):
        found += [
            f"iam:PassRole with {a}" for a in PASS_ROLE_TO if any(_allows(s, a) for s in statements)
        ]
    return found


@check(
    id="iam-policy-privilege-escalation",
    title="Policy letting its holder escalate its own privileges",
    service="iam",
    resource_types=HOLDERS,
    severity=Severity.HIGH,
    threat=Threat.CREDENTIALS,
    rationale="Whoever may rewrite or attach policies, mint keys or passwords for others, "
    "change a role's trust or pass a role to new compute can become administrator: the "
    "policy grants far more than it reads.",
    console="IAM > Policies (or the identity's inline policy) > Edit: remove the IAM "
    "write actions listed in the finding, or limit them to named resources with conditions.",
    cli="aws iam create-policy-version --policy-arn <arn> --policy-document "
    "file://without-iam-writes.json --set-as-default",
    iso27001=("8.2", "5.15"),
    csf=("PR.AA-05",),
    needs=("DefaultVersion", "InlinePolicies"),
)
def privilege_escalation(resource, estate):
    return _policy_check(resource, _escalations)


def _full_access(service: str):
    def finds(statements):
        pattern = f"{service}:*"
        return (
            [pattern]
            if any(
                s.get("Effect") == "Allow"
                and pattern in [str(a).lower() for a in as_list(s.get("Action"))]
                and _on_everything(s)
                for s in statements
            )
            else []
        )

    return finds


@check(
    id="iam-policy-full-cloudtrail-access",
    title="Policy granting cloudtrail:* on every trail",
    service="iam",
    resource_types=HOLDERS,
    severity=Severity.MEDIUM,
    threat=Threat.INTEGRITY,
    rationale="Full CloudTrail rights include stopping and deleting trails: whoever holds "
    "them can erase the record of what they do next.",
    console="IAM > Policies (or the identity's inline policy) > Edit: replace cloudtrail:* "
    "by the read actions needed (LookupEvents, Describe*, Get*, List*).",
    cli="aws iam create-policy-version --policy-arn <arn> --policy-document "
    "file://cloudtrail-read-only.json --set-as-default",
    iso27001=("8.15", "8.2"),
    csf=("PR.AA-05", "PR.PS-04"),
    needs=("DefaultVersion", "InlinePolicies"),
)
def full_cloudtrail(resource, estate):
    return _policy_check(resource, _full_access("cloudtrail"))


@check(
    id="iam-policy-full-kms-access",
    title="Policy granting kms:* on every key",
    service="iam",
    resource_types=HOLDERS,
    severity=Severity.MEDIUM,
    threat=Threat.DISCLOSURE,
    rationale="Full KMS rights mean decrypting any data the keys protect, changing key "
    "policies and scheduling keys for deletion, which makes the data unreadable for good.",
    console="IAM > Policies (or the identity's inline policy) > Edit: replace kms:* by the "
    "actions needed, on the named keys.",
    cli="aws iam create-policy-version --policy-arn <arn> --policy-document "
    "file://kms-least-privilege.json --set-as-default",
    iso27001=("8.24", "8.2"),
    csf=("PR.AA-05", "PR.DS-01"),
    needs=("DefaultVersion", "InlinePolicies"),
)
def full_kms(resource, estate):
    return _policy_check(resource, _full_access("kms"))


def _unconditioned_on_everything(action: str):
    def finds(statements):
        return (
            [action]
            if any(
                _allows(s, action) and _on_everything(s) and not s.get("Condition")
                for s in statements
            )
            else []
        )

    return finds


@check(
    id="iam-policy-marketplace-subscribe",
    title="Policy allowing any AWS Marketplace subscription",
    service="iam",
    resource_types=HOLDERS,
    severity=Severity.MEDIUM,
    threat=Threat.CREDENTIALS,
    rationale="aws-marketplace:Subscribe on every product lets its holder buy software "
    "billed to the account and run code nobody vetted.",
    console="IAM > Policies (or the identity's inline policy) > Edit: remove "
    "aws-marketplace:Subscribe, or limit it with a condition on approved product ids; "
    "prefer a Private Marketplace.",
    cli="aws iam create-policy-version --policy-arn <arn> --policy-document "
    "file://no-marketplace-subscribe.json --set-as-default",
    iso27001=("5.19", "8.2"),
    csf=("GV.SC-07", "PR.AA-05"),
    needs=("DefaultVersion", "InlinePolicies"),
)
def marketplace_subscribe(resource, estate):
    return _policy_check(resource, _unconditioned_on_everything("aws-marketplace:Subscribe"))


@check(
    id="iam-policy-assume-any-role",
    title="Policy allowing sts:AssumeRole on every role",
    service="iam",
    resource_types=HOLDERS,
    severity=Severity.MEDIUM,
    threat=Threat.CREDENTIALS,
    rationale="Allowed to assume any role, a holder inherits the rights of every role "
    "that trusts the account, including ones created later for other purposes.",
    console="IAM > Policies (or the identity's inline policy) > Edit: list the ARNs of the "
    "roles the holder may assume instead of *.",
    cli="aws iam create-policy-version --policy-arn <arn> --policy-document "
    "file://assume-named-roles.json --set-as-default",
    iso27001=("8.2", "5.15"),
    csf=("PR.AA-05",),
    needs=("DefaultVersion", "InlinePolicies"),
)
def assume_any_role(resource, estate):
    return _policy_check(resource, _unconditioned_on_everything("sts:AssumeRole"))


def _attached(resource, arn: str) -> bool:
    return any(
        p.get("PolicyArn") == arn for p in as_list(resource.configuration.get("AttachedPolicies"))
    )


@check(
    id="iam-cloudshell-full-access",
    title="AWSCloudShellFullAccess attached",
    service="iam",
    resource_types=ATTACHABLE,
    severity=Severity.MEDIUM,
    threat=Threat.DISCLOSURE,
    rationale="Full CloudShell access includes uploading and downloading files to a shell "
    "inside the account: an easy, unlogged path to copy data out.",
    console="IAM > the user, group or role > Permissions: detach AWSCloudShellFullAccess; "
    "grant the CloudShell actions needed, without file transfer.",
    cli="aws iam detach-role-policy --role-name <role> --policy-arn "
    "arn:aws:iam::aws:policy/AWSCloudShellFullAccess",
    iso27001=("8.2", "8.12"),
    csf=("PR.AA-05", "PR.DS-01"),
    needs=(),
)
def cloudshell_full_access(resource, estate):
    if _attached(resource, CLOUDSHELL_FULL):
        return failed(
            f"{resource.resource_type.title()} {resource.name} has AWSCloudShellFullAccess."
        )
    return passed()


def _trust(resource):
    return resource.configuration.get("AssumeRolePolicyDocument")


@check(
    id="iam-role-cross-account-read-only",
    title="Role giving another account read access to everything",
    service="iam",
    resource_types=ROLE,
    severity=Severity.MEDIUM,
    threat=Threat.DISCLOSURE,
    rationale="ReadOnlyAccess reads data too (objects, items, secrets' metadata, logs); "
    "given to another account, it hands a third party a copy of the estate.",
    console="IAM > Roles > the role > Permissions: replace ReadOnlyAccess by SecurityAudit "
    "or a policy naming what the other account needs.",
    cli="aws iam detach-role-policy --role-name <role> --policy-arn "
    "arn:aws:iam::aws:policy/ReadOnlyAccess",
    iso27001=("5.19", "8.3"),
    csf=("PR.AA-05", "GV.SC-07"),
    needs=(),
)
def cross_account_read_only(resource, estate):
    if not _attached(resource, READ_ONLY):
        return passed()
    document = _trust(resource)
    if document is None:
        return not_evaluated("The role's trust policy was not read.")
    foreign = [
        p
        for s in policies.statements(document)
        if s.get("Effect") == "Allow"
        for p in foreign_principals(s, resource.account_id)
    ]
    if foreign:
        return failed(f"Role {resource.name} gives ReadOnlyAccess to {', '.join(foreign)}.")
    return passed()


SOURCE_KEYS = {"aws:sourceaccount", "aws:sourcearn", "aws:sourceorgid", "aws:sourceorgpaths"}


@check(
    id="iam-role-service-trust-no-source",
    title="Role trusting an AWS service without a source account or ARN condition",
    service="iam",
    resource_types=ROLE,
    severity=Severity.MEDIUM,
    threat=Threat.CREDENTIALS,
    rationale="A service trusted without aws:SourceAccount or aws:SourceArn can be made to "
    "use the role on behalf of another customer's resource (the cross-service confused "
    "deputy).",
    console="IAM > Roles > the role > Trust relationships > Edit trust policy: add a "
    "Condition StringEquals aws:SourceAccount = <this account> (or ArnLike aws:SourceArn).",
    cli="aws iam update-assume-role-policy --role-name <role> --policy-document "
    "file://trust-with-source-account.json",
    iso27001=("8.2", "5.15"),
    csf=("PR.AA-05",),
    needs=(),
)
def service_trust_without_source(resource, estate):
    if str(resource.configuration.get("Path", "")).startswith("/aws-service-role/"):
        return passed()  # service-linked: its trust is AWS's, not ours
    document = _trust(resource)
    if document is None:
        return not_evaluated("The role's trust policy was not read.")
    services = []
    for statement in policies.statements(document):
        if statement.get("Effect") != "Allow" or not isinstance(statement.get("Principal"), dict):
            continue
        named = [str(s) for s in as_list(statement["Principal"].get("Service"))]
        if named and not policies.condition_keys(statement) & SOURCE_KEYS:
            services += named
    if services:
        return failed(
            f"Role {resource.name} trusts {', '.join(services)} with no source condition."
        )
    return passed()


def _roles_with(estate, arn: str) -> list[str]:
    return sorted(r.name for r in estate.by_type.get(("iam", "role"), []) if _attached(r, arn))


@check(
    id="iam-no-security-audit-role",
    title="No role for security auditors (SecurityAudit)",
    service="iam",
    resource_types=SUMMARY,
    severity=Severity.LOW,
    threat=Threat.INTEGRITY,
    rationale="Auditors and security tools need to read the configuration; without a role "
    "made for it they get broader rights, or personal users, that outlive the audit.",
    console="IAM > Roles > Create role: trusted entity the auditors' account or identity "
    "provider, permissions SecurityAudit.",
    cli="aws iam create-role --role-name security-audit --assume-role-policy-document "
    "file://auditors.json && aws iam attach-role-policy --role-name security-audit "
    "--policy-arn arn:aws:iam::aws:policy/SecurityAudit",
    iso27001=("5.35", "8.34"),
    csf=("ID.IM-02", "PR.AA-05"),
    needs=(),
)
def no_security_audit_role(resource, estate):
    if _roles_with(estate, SECURITY_AUDIT):
        return passed()
    return failed("No role has the SecurityAudit policy.")


@check(
    id="iam-no-support-role",
    title="No role for handling incidents with AWS Support",
    service="iam",
    resource_types=SUMMARY,
    severity=Severity.LOW,
    threat=Threat.AVAILABILITY,
    rationale="During an incident someone must open and follow AWS Support cases; with no "
    "role for it, that falls to the root user or an administrator.",
    console="IAM > Roles > Create role: trusted entity the account, permissions "
    "AWSSupportAccess; let the incident team assume it.",
    cli="aws iam create-role --role-name aws-support --assume-role-policy-document "
    "file://incident-team.json && aws iam attach-role-policy --role-name aws-support "
    "--policy-arn arn:aws:iam::aws:policy/AWSSupportAccess",
    iso27001=("5.24", "5.26"),
    csf=("RS.MA-01",),
    needs=(),
)
def no_support_role(resource, estate):
    if _roles_with(estate, SUPPORT_ACCESS):
        return passed()
    return failed("No role has the AWSSupportAccess policy.")


@check(
    id="iam-server-certificate-expired",
    title="Expired server certificate stored in IAM",
    service="iam",
    resource_types=(("iam", "server-certificate"),),
    severity=Severity.MEDIUM,
    threat=Threat.AVAILABILITY,
    rationale="An expired certificate deployed by mistake breaks the service behind it, "
    "and clients taught to click through warnings stop noticing real attacks.",
    console="IAM server certificates have no console page: use the CLI (or move the "
    "certificate to AWS Certificate Manager).",
    cli="aws iam delete-server-certificate --server-certificate-name <name>",
    iso27001=("8.24",),
    csf=("PR.DS-02",),
    needs=(),
)
def server_certificate_expired(resource, estate):
    expires = _when(resource.configuration.get("Expiration"))
    if expires is None:
        return not_evaluated("The certificate has no expiration date.")
    if expires < estate.now:
        return failed(f"Certificate {resource.name} expired on {expires:%Y-%m-%d}.")
    return passed()


@check(
    id="iam-user-console-unused",
    title="Console password unused for 90 days",
    service="iam",
    resource_types=USER,
    severity=Severity.MEDIUM,
    threat=Threat.CREDENTIALS,
    rationale="A console password nobody uses (a person who left, a test account) still "
    "works for whoever guesses or finds it.",
    console="IAM > Users > the user > Security credentials > Console sign-in > Manage: "
    "Disable console access.",
    cli="aws iam delete-login-profile --user-name <user>",
    iso27001=("5.18", "5.17"),
    csf=("PR.AA-01",),
    needs=("LoginProfile",),
)
def console_unused(resource, estate):
    config = resource.configuration
    if not config.get("ConsoleAccess"):
        return passed()
    limit = estate.now - datetime.timedelta(days=CONSOLE_UNUSED_DAYS)
    last = _when(config.get("PasswordLastUsed"))
    if last is not None:
        if last < limit:
            return failed(f"User {resource.name} last signed in on {last:%Y-%m-%d}.")
        return passed()
    created = _when(config.get("CreateDate"))
    if created is None:
        return not_evaluated("The user has no creation or sign-in date.")
    if created < limit:
        return failed(f"User {resource.name} never signed in (created {created:%Y-%m-%d}).")
    return passed()


@check(
    id="iam-user-console-key-never-used",
    title="Console user with an access key never used",
    service="iam",
    resource_types=USER,
    severity=Severity.LOW,
    threat=Threat.CREDENTIALS,
    rationale='Keys created with a console user "just in case" are never used and never '
    "rotated, but work for whoever finds them.",
    console="IAM > Users > the user > Security credentials > Access keys: deactivate and "
    "delete the keys whose Last used is N/A.",
    cli="aws iam delete-access-key --user-name <user> --access-key-id <key-id>",
    iso27001=("5.18", "5.17"),
    csf=("PR.AA-01",),
    needs=("LoginProfile", "AccessKeyLastUsed"),
)
def console_key_never_used(resource, estate):
    config = resource.configuration
    if not config.get("ConsoleAccess"):
        return passed()
    unused = [
        k.get("AccessKeyId", "")
        for k in _active_keys(config)
        if not dig(k, "LastUsed", "LastUsedDate")
    ]
    if unused:
        return failed(f"User {resource.name}: key(s) {', '.join(unused)} never used.")
    return passed()


@check(
    id="iam-user-long-lived-keys",
    title="User with long-lived access keys instead of temporary credentials",
    service="iam",
    resource_types=USER,
    severity=Severity.LOW,
    threat=Threat.CREDENTIALS,
    rationale="An access key works until someone deletes it, wherever it was copied; "
    "roles (for workloads) and federated sign-in (for people) give credentials that expire "
    "within hours.",
    console="Give workloads an IAM role (instance profile, task role, OIDC for CI) and "
    "people federated access; then IAM > Users > the user > Security credentials: "
    "deactivate and delete the keys.",
    cli="aws iam update-access-key --user-name <user> --access-key-id <key-id> --status Inactive",
    iso27001=("5.17", "8.5"),
    csf=("PR.AA-01", "PR.AA-05"),
    needs=(),
)
def long_lived_keys(resource, estate):
    keys = [k.get("AccessKeyId", "") for k in _active_keys(resource.configuration)]
    if keys:
        return failed(f"User {resource.name} has active access key(s) {', '.join(keys)}.")
    return passed()
