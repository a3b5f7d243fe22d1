"""boto3 sessions for one connected AWS account.

No long-lived AWS key is ever stored by the ISMS manager: the worker's own credential
chain (instance profile, task role, environment, ~/.aws) calls `sts:AssumeRole` on the
account's read-only role, passing the account's ExternalId (the "confused deputy"
guard). The assumed credentials are *refreshable*: botocore renews them shortly before
they expire, so a sync longer than the session duration keeps working.

Every client uses botocore's `standard` retry mode (exponential backoff with jitter on
throttling and transient errors) and `settings.AWS_ENDPOINT_URL`, which points at a
local fake AWS (moto) in the demo, the tests and the benchmark, and is unset for AWS.
"""

from __future__ import annotations

import datetime
import functools
import os
import threading

import boto3
import botocore.session
from botocore.config import Config
from botocore.credentials import RefreshableCredentials
from botocore.utils import parse_timestamp
from django.conf import settings

ROLE_SESSION_NAME = "isms-manager-sync"
SESSION_DURATION_SECONDS = 3600
# The region that global services (IAM, STS, the S3 bucket list) are called in.
HOME_REGION = "us-east-1"

# One botocore loader for the whole process: every new session would otherwise parse
# the service models from disk again (~100 ms a client), once per partition task.
_loader_lock = threading.Lock()
_shared_loader = None
_sts_clients: dict[tuple, object] = {}


def client_config() -> Config:
    """The botocore configuration every client of the connector uses."""
    return Config(
        retries={"mode": "standard", "max_attempts": settings.AWS_MAX_ATTEMPTS},
        max_pool_connections=max(10, settings.AWS_SYNC_THREADS * 2),
        connect_timeout=settings.AWS_CONNECT_TIMEOUT,
        read_timeout=settings.AWS_READ_TIMEOUT,
        user_agent_extra="isms-manager",
    )


def fast_timestamp(value):
    """botocore's timestamp parser, with the common case made cheap: an ISO 8601 string
    (what the XML and REST APIs send: every instance's launch time, every volume's
    creation time) is read by `datetime.fromisoformat` instead of dateutil's general
    parser, which cost about a fifth of a large EC2 partition's CPU. Anything else (epoch
    numbers, RFC 822 dates, a time without a zone) goes to botocore's own parser, so the
    values are the same aware datetimes as before."""
    if isinstance(value, str) and "T" in value:
        try:
            parsed = datetime.datetime.fromisoformat(value)
        except ValueError:
            return parse_timestamp(value)
        if parsed.tzinfo is not None:
            return parsed
    return parse_timestamp(value)


def _botocore_session() -> botocore.session.Session:
    global _shared_loader
    session = botocore.session.get_session()
    session.get_component("response_parser_factory").set_parser_defaults(
        timestamp_parser=fast_timestamp
    )
    with _loader_lock:
        if _shared_loader is None:
            _shared_loader = session.get_component("data_loader")
        else:
            session.register_component("data_loader", _shared_loader)
    return session


def _boto3_session(botocore_session: botocore.session.Session) -> boto3.Session:
    """A boto3 session over `botocore_session` (whose loader is the shared one)."""
    session = boto3.Session(botocore_session=botocore_session)
    # boto3 appends its own data folder to the loader's search path at every new
    # session: on the shared loader, one copy is enough (otherwise the list grows by
    # one folder per partition for the life of the worker, and every model not yet
    # loaded is looked for in each copy).
    with _loader_lock:
        paths = _shared_loader.search_paths
        paths[:] = dict.fromkeys(paths)
    return session


def worker_session() -> boto3.Session:
    """The worker's own identity: the default credential chain, nothing stored."""
    return _boto3_session(_botocore_session())


def _worker_sts():
    """The worker's own STS client, made once per process and endpoint (a sync assumes
    the role once per partition; building a client costs more than the call). It holds
    no role credentials: only the worker's default chain, which refreshes itself. The
    identity the environment names is part of the key, so a changed environment gets a
    client of its own rather than the old identity."""
    key = (
        settings.AWS_ENDPOINT_URL,
        settings.AWS_MAX_ATTEMPTS,
        os.environ.get("AWS_ACCESS_KEY_ID"),
        os.environ.get("AWS_PROFILE"),
    )
    with _loader_lock:
        client = _sts_clients.get(key)
    if client is None:
        client = worker_session().client(
            "sts", region_name=HOME_REGION, endpoint_url=key[0], config=client_config()
        )
        with _loader_lock:
            client = _sts_clients.setdefault(key, client)
    return client


def assume_role_session(*, role_arn: str, external_id: str) -> boto3.Session:
    """A session acting as `role_arn`, with credentials that renew themselves.

    Raises botocore's ClientError (e.g. AccessDenied) when the worker cannot assume the
    role; the caller records the error code on the sync run.
    """
    sts = _worker_sts()

    def refresh() -> dict:
        credentials = sts.assume_role(
            RoleArn=role_arn,
            RoleSessionName=ROLE_SESSION_NAME,
            ExternalId=external_id,
            DurationSeconds=SESSION_DURATION_SECONDS,
        )["Credentials"]
        return {
            "access_key": credentials["AccessKeyId"],
            "secret_key": credentials["SecretAccessKey"],
            "token": credentials["SessionToken"],
            "expiry_time": credentials["Expiration"].isoformat(),
        }

    credentials = RefreshableCredentials.create_from_metadata(
        metadata=refresh(), refresh_using=refresh, method="sts-assume-role"
    )
    botocore_session = _botocore_session()
    botocore_session._credentials = credentials  # the documented way to inject them
    return _boto3_session(botocore_session)


def make_client(session: boto3.Session, service_name: str, region: str):
    """A client of `service_name` in `region`, configured like every other."""
    client = session.client(
        service_name,
        region_name=region,
        endpoint_url=settings.AWS_ENDPOINT_URL,
        config=client_config(),
    )
    if service_name == "s3control" and settings.AWS_ENDPOINT_URL:
        client.meta.events.register("before-sign.s3-control.*", drop_account_host_label)
    return client


def drop_account_host_label(request, **kwargs):
    """S3 Control calls go to <account id>.<endpoint>. A local endpoint (AWS_ENDPOINT_URL)
    has no such DNS names, so send them to the endpoint itself: the account id travels
    in the x-amz-account-id header as well, which is what a local fake AWS reads."""
    account = request.headers.get("x-amz-account-id")
    if account:
        request.url = request.url.replace(f"://{account}.", "://", 1)


def caller_identity(session: boto3.Session) -> dict:
    """`sts:GetCallerIdentity` through `session`: the account and ARN it acts as."""
    identity = make_client(session, "sts", HOME_REGION).get_caller_identity()
    return {"account": identity["Account"], "arn": identity["Arn"]}


def enabled_regions(session: boto3.Session) -> list[str]:
    """The regions enabled for the account (`ec2:DescribeRegions`)."""
    regions = make_client(session, "ec2", HOME_REGION).describe_regions()["Regions"]
    return sorted(region["RegionName"] for region in regions)


@functools.cache
def service_regions(service_name: str) -> frozenset[str]:
    """The regions where botocore's endpoint data says the service exists (a region
    without it can hold none of its resources, and its endpoint does not answer)."""
    return frozenset(boto3.Session().get_available_regions(service_name))


def known_regions() -> list[str]:
    """Every region botocore knows for EC2 (to validate what a user types)."""
    return sorted(service_regions("ec2"))
