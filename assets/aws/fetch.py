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
    *, account_id: str, role_arn: str, external_id: str, region: str, service: str
) -> PartitionFetch:
    """Every resource of `service` in `region` (GLOBAL_REGION for IAM and S3).

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
