"""Fetch one partition (account, region, service) from AWS: the only entry point from
the sync services into boto3. Returns what was seen, or why nothing could be."""

from __future__ import annotations

import logging
from collections import Counter
from dataclasses import dataclass, field

from botocore.exceptions import BotoCoreError, ClientError
from django.conf import settings

from assets.aws import session as aws_session
from assets.aws.collectors import COLLECTORS, Collected
from assets.aws.collectors.base import GLOBAL_REGION, PartitionContext, error_code, new_pool

logger = logging.getLogger(__name__)

# What to do about the errors a sync meets most; shown beside the error code.
HINTS = {
    "AccessDenied": "The role lacks a permission for this service: attach the AWS managed "
    "policies SecurityAudit and ViewOnlyAccess (see the CloudFormation template).",
    "AccessDeniedException": "The role lacks a permission for this service: attach "
    "SecurityAudit and ViewOnlyAccess.",
    "UnauthorizedOperation": "The role lacks a permission for this service: attach "
    "SecurityAudit and ViewOnlyAccess.",
    "AuthorizationError": "The role lacks a permission for this service: attach "
    "SecurityAudit and ViewOnlyAccess.",
    "OptInRequired": "The region is not enabled for this account: enable it in the AWS "
    "console, or remove it from the account's regions.",
    "AuthFailure": "AWS refused the credentials in this region: is the region enabled?",
    "InvalidClientTokenId": "AWS refused the credentials: the region may not be enabled, or "
    "the worker's credentials are wrong.",
    "UnrecognizedClientException": "AWS refused the credentials in this region: is the "
    "region enabled?",
    "Throttling": "AWS throttled the calls past every retry; the next sync tries again.",
    "ThrottlingException": "AWS throttled the calls past every retry; the next sync tries again.",
    "RequestLimitExceeded": "AWS throttled the calls past every retry; the next sync tries again.",
    "EndpointConnectionError": "The AWS endpoint could not be reached (network, proxy or "
    "AWS_ENDPOINT_URL).",
    "NoCredentialsError": "The worker has no AWS credentials of its own to assume the role "
    "with (instance profile, task role or environment).",
}
ASSUME_ROLE_HINT = (
    "The worker could not assume the role: check that the role exists, that its trust "
    "policy names the ISMS manager's AWS principal and requires exactly this ExternalId, "
    "and that the worker's own credentials may call sts:AssumeRole."
)


class AwsError(Exception):
    """A call to AWS failed: `code` is AWS's error code, `hint` what to do about it."""

    def __init__(self, code: str, message: str, hint: str = ""):
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message
        self.hint = hint or HINTS.get(code, "")


def _as_aws_error(exc: Exception, hint: str = "") -> AwsError:
    if isinstance(exc, ClientError):
        message = exc.response.get("Error", {}).get("Message") or str(exc)
    else:
        message = str(exc)
    return AwsError(error_code(exc), message[:1000], hint)


def open_session(*, role_arn: str, external_id: str):
    """The account's session, or AwsError with the AWS code and the assume-role hint."""
    try:
        return aws_session.assume_role_session(role_arn=role_arn, external_id=external_id)
    except (ClientError, BotoCoreError) as exc:
        error = _as_aws_error(exc)
        raise AwsError(
            error.code,
            error.message,
            HINTS.get(error.code)
            if error.code in ("NoCredentialsError", "EndpointConnectionError")
            else ASSUME_ROLE_HINT,
        ) from exc


def test_connection(*, role_arn: str, external_id: str) -> dict:
    """Assume the role and ask STS who we are: {"account", "arn"} or AwsError."""
    session = open_session(role_arn=role_arn, external_id=external_id)
    try:
        return aws_session.caller_identity(session)
    except (ClientError, BotoCoreError) as exc:
        raise _as_aws_error(exc) from exc


def discover_regions(*, role_arn: str, external_id: str) -> list[str]:
    """The regions enabled for the account, or AwsError."""
    session = open_session(role_arn=role_arn, external_id=external_id)
    try:
        return aws_session.enabled_regions(session)
    except (ClientError, BotoCoreError) as exc:
        raise _as_aws_error(exc) from exc


@dataclass
class PartitionFetch:
    """What one partition's fetch returned."""

    resources: list[Collected] = field(default_factory=list)
    api_calls: Counter = field(default_factory=Counter)


def fetch_partition(
    *,
    account_id: str,
    role_arn: str,
    external_id: str,
    region: str,
    service: str,
    regions: tuple[str, ...] = (),
) -> PartitionFetch:
    """Every resource of `service` in `region` (GLOBAL_REGION for IAM and S3); `regions`
    are all the regions the sync covers (a global collector may look into each).

    Raises AwsError when the fetch is incomplete (a list call was refused, the region is
    not enabled, throttling outlasted the retries): the caller must then mark nothing gone.
    """
    collector = COLLECTORS[service]
    session = open_session(role_arn=role_arn, external_id=external_id)
    pool = new_pool(settings.AWS_SYNC_THREADS)
    ctx = PartitionContext(
        session=session,
        account_id=account_id,
        region=aws_session.HOME_REGION if region == GLOBAL_REGION else region,
        page_size=settings.AWS_PAGE_SIZE,
        threads=pool,
        regions=tuple(regions),
    )
    try:
        resources = collector.collect(ctx)
    except (ClientError, BotoCoreError) as exc:
        raise _as_aws_error(exc) from exc
    finally:
        pool.shutdown(wait=True)
    # Two list calls may both return a resource (e.g. a bucket seen twice while paging):
    # keep one per ARN so the upsert stays one row per resource.
    unique = {resource.arn: resource for resource in resources}
    return PartitionFetch(resources=list(unique.values()), api_calls=ctx.api_calls)


# --- Organizations ----------------------------------------------------------------------

ORGANIZATIONS_DENIED = {
    "AccessDenied",
    "AccessDeniedException",
    "AWSOrganizationsNotInUseException",
}


def _organizations_hint(action: str, code: str) -> str:
    if code == "AWSOrganizationsNotInUseException":
        return (
            "This account is not in an organisation: connect the organisation's "
            "management account (or a delegated administrator) instead."
        )
    return (
        f"The management account's role may not call organizations:{action}: allow it "
        "organizations:DescribeOrganization, ListAccounts, ListParents and "
        "DescribeOrganizationalUnit (the managed policy SecurityAudit has them), or connect "
        "the organisation through an account registered as its delegated administrator."
    )


@dataclass
class MemberAccount:
    """One account of an organisation, as `ListAccounts` and `ListParents` show it."""

    account_id: str
    name: str
    status: str  # ACTIVE, SUSPENDED, PENDING_CLOSURE
    ou_id: str
    ou_path: str


def list_organization_accounts(
    *, role_arn: str, external_id: str
) -> tuple[str, list[MemberAccount]]:
    """(organization id, every account of the organisation with its OU path), read
    through the management (or delegated administrator) account's role; AwsError naming
    the refused `organizations:` permission when the role may not read them."""
    session = open_session(role_arn=role_arn, external_id=external_id)
    client = aws_session.make_client(session, "organizations", aws_session.HOME_REGION)
    action = "DescribeOrganization"
    try:
        organization_id = client.describe_organization()["Organization"]["Id"]
        action = "ListAccounts"
        accounts = [
            account
            for page in client.get_paginator("list_accounts").paginate()
            for account in page["Accounts"]
        ]
        paths: dict[str, str] = {}  # parent id -> path of names
        parents: dict[str, str] = {}  # child id -> parent id

        def parent_of(child_id: str) -> str:
            nonlocal action
            if child_id not in parents:
                action = "ListParents"
                found = client.list_parents(ChildId=child_id)["Parents"]
                parents[child_id] = found[0]["Id"] if found else ""
            return parents[child_id]

        def path_of(parent_id: str) -> str:
            nonlocal action
            if parent_id in paths:
                return paths[parent_id]
            if not parent_id.startswith("ou-"):  # the root
                paths[parent_id] = "Root"
                return "Root"
            action = "DescribeOrganizationalUnit"
            name = client.describe_organizational_unit(OrganizationalUnitId=parent_id)[
                "OrganizationalUnit"
            ]["Name"]
            paths[parent_id] = f"{path_of(parent_of(parent_id))} / {name}"
            return paths[parent_id]

        members = []
        for account in accounts:
            parent_id = parent_of(account["Id"])
            members.append(
                MemberAccount(
                    account_id=account["Id"],
                    name=account.get("Name") or account["Id"],
                    status=account.get("State") or account.get("Status", ""),
                    ou_id=parent_id,
                    ou_path=path_of(parent_id) if parent_id else "",
                )
            )
    except (ClientError, BotoCoreError) as exc:
        error = _as_aws_error(exc)
        if error.code in ORGANIZATIONS_DENIED:
            raise AwsError(
                error.code,
                f"organizations:{action} refused: {error.message}",
                _organizations_hint(action, error.code),
            ) from exc
        raise error from exc
    return organization_id, members
