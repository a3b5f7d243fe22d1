"""What every collector shares: the partition it runs in, paging, counting API calls,
the bounded thread pool for per-resource detail calls, and JSON-safe configurations.

A collector is a function `collect(ctx) -> Iterable[Collected]` for one service in one
region (or for a global service). It pages through every list call, and for resources
whose configuration needs more calls (a bucket's policy, a user's keys) it fans the
detail calls out over `ctx.map()`, a thread pool bounded by `AWS_SYNC_THREADS`.

A failing *list* call raises, and the whole partition fails (nothing is marked gone).
A failing *detail* call never does: `ctx.detail()` records the error code under
`configuration["_errors"]`, so the checks can say "not evaluated" instead of "pass".
"""

from __future__ import annotations

import datetime
import decimal
import logging
import threading
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from botocore.exceptions import BotoCoreError, ClientError
from botocore.parsers import ResponseParserError

from assets.aws.session import make_client

logger = logging.getLogger(__name__)

GLOBAL_REGION = "global"


@dataclass
class Collected:
    """One resource as a collector saw it."""

    arn: str
    resource_type: str
    name: str
    region: str
    tags: dict = field(default_factory=dict)
    configuration: dict = field(default_factory=dict)


def plain(value):
    """A JSON-safe copy of a boto3 response value (datetimes become ISO strings)."""
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items() if k != "ResponseMetadata"}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    if hasattr(value, "read"):  # a streaming body
        return None
    return value


def tag_dict(tags, key="Key", value="Value") -> dict:
    """AWS's [{"Key": k, "Value": v}] (or {k: v}) as {k: v}; tolerant of junk."""
    if isinstance(tags, dict):
        return {str(k): str(v) for k, v in tags.items()}
    result = {}
    for tag in tags or []:
        if isinstance(tag, dict) and key in tag:
            result[str(tag[key])] = str(tag.get(value, ""))
    return result


def error_code(exc: Exception) -> str:
    """AWS's error code for a failed call (AccessDenied, Throttling...)."""
    if isinstance(exc, ClientError):
        code = exc.response.get("Error", {}).get("Code") or "ClientError"
        # An error body botocore could not parse (a proxy's HTML page, an XML answer to a
        # JSON API) leaves only the HTTP status; 403 is a refusal whatever the body said.
        return "AccessDenied" if code == "403" else code
    return type(exc).__name__


class PartitionContext:
    """One (account, region, service) being collected: clients, paging, call counts."""

    def __init__(
        self,
        *,
        session,
        account_id: str,
        region: str,
        page_size: int | None,
        threads,
        regions: tuple[str, ...] = (),
    ):
        self.session = session
        self.account_id = account_id
        self.region = region
        self.regions = regions or (region,)  # every region of the sync
        self.page_size = page_size
        self.threads = threads
        self.api_calls: Counter = Counter()
        self._lock = threading.Lock()
        self._clients: dict[tuple[str, str], object] = {}

    # -- clients and call counting ----------------------------------------------------

    def client(self, service_name: str, region: str | None = None):
        """A cached client; each of its calls is counted in `api_calls`."""
        region = region or self.region
        key = (service_name, region)
        with self._lock:
            if key not in self._clients:
                client = make_client(self.session, service_name, region)
                client.meta.events.register("before-call.*.*", self._count)
                self._clients[key] = client
            return self._clients[key]

    def _count(self, model=None, **kwargs):
        with self._lock:
            self.api_calls[f"{model.service_model.service_name}:{model.name}"] += 1

    # -- paging --------------------------------------------------------------------------

    def paginate(self, client, operation: str, key: str, *, page_size=True, **kwargs) -> Iterator:
        """Every item under `key` across all pages of `operation`."""
        config = {}
        if page_size and self.page_size:
            config["PageSize"] = self.page_size
        paginator = client.get_paginator(operation)
        for page in paginator.paginate(**kwargs, PaginationConfig=config):
            yield from page.get(key) or []

    def pages_by_token(self, call: Callable, key: str, token: str = "NextToken", **kwargs):
        """Paging for the few operations botocore has no paginator for."""
        while True:
            page = call(**kwargs)
            yield from page.get(key) or []
            next_token = page.get(token)
            if not next_token:
                return
            kwargs[token] = next_token

    # -- detail calls ----------------------------------------------------------------------

    def detail(self, configuration: dict, name: str, call: Callable, *, missing=()):
        """Run one detail call for a resource and return its response (or None).

        An error whose code is in `missing` means "not configured" (NoSuchBucketPolicy)
        and returns None; any other error is recorded under `_errors[name]` so that the
        checks know this part of the configuration could not be read.
        """
        try:
            return call()
        # An answer botocore cannot parse (an HTML error page from a proxy, or from an
        # endpoint that lacks the operation) is a failed call too, not a defect.
        except (ClientError, BotoCoreError, ResponseParserError) as exc:
            code = error_code(exc)
            if code in missing:
                return None
            configuration.setdefault("_errors", {})[name] = code
            logger.info("AWS %s failed on %s: %s", name, self.region, code)
            return None

    def region_read(self, name: str, call: Callable) -> RegionRead:
        """One region-wide read whose answer many resources share (the region's flow
        logs, network interfaces, SSM-managed instances...): read once, not per resource.
        When it fails, `RegionRead.failed_on` records its error on each resource that
        depends on it."""
        read: dict = {}
        answer = self.detail(read, name, call)
        return RegionRead(answer, read.get("_errors", {}))

    def map(self, function: Callable, items: Iterable) -> list:
        """`function(item)` for every item over the bounded pool, order kept, Nones dropped."""
        return [result for result in self.threads.map(function, items) if result is not None]


@dataclass(frozen=True)
class RegionRead:
    """The outcome of `PartitionContext.region_read`: its answer, or None and the error
    that each dependent resource must carry (its checks are then not evaluated, never
    passed on a part of the configuration nobody could read)."""

    answer: object
    errors: dict

    def failed_on(self, configuration: dict) -> bool:
        """True when the read failed, after recording its error on `configuration`."""
        if self.answer is not None:
            return False
        configuration.setdefault("_errors", {}).update(self.errors)
        return True


def guarded(convert: Callable, fallback: Callable) -> Callable:
    """Wrap a converter so that a resource with unexpected or missing fields is still
    stored, with what there is, instead of crashing the run (and, worse, of vanishing
    from a "successful" fetch and being marked gone).

    `fallback(item)` builds the bare record (ARN, type, raw item); the error is kept under
    `configuration["_errors"]["read"]` and logged.
    """

    def run(item):
        try:
            return convert(item)
        except Exception as exc:  # noqa: BLE001 - one odd resource must not stop the run
            logger.warning("Could not read an AWS resource fully: %r", exc, exc_info=True)
            try:
                collected = fallback(item)
            except Exception:  # noqa: BLE001 - not even an identifier: nothing to store
                logger.exception("Skipped an AWS resource without an identifier: %r", item)
                return None
            collected.configuration.setdefault("_errors", {})["read"] = repr(exc)[:300]
            return collected

    return run


def new_pool(threads: int) -> ThreadPoolExecutor:
    return ThreadPoolExecutor(max_workers=threads, thread_name_prefix="aws-detail")
