"""Every write of the AWS connector: accounts, sync runs and their partitions.

A sync of one account is a `SyncRun` fanned out into one partition per (region,
service), each collected by its own Celery task and applied in its own transaction:

1. `aws_account_sync` queues a run (at most one active run per account: a database
   constraint, so two concurrent requests get the same run);
2. `sync_run_start` resolves the regions and creates the partitions;
3. `sync_partition_collect` fetches one partition from AWS (no transaction open while
   it waits on the network) and then either applies it or records its failure;
4. the partition that completes the count finishes the run (the join), in the same
   transaction as its own result.

With AWS_SYNC_ACCOUNT_CONCURRENCY = N, step 2 sends only the first partition of each of
N chains and each finished partition sends the next of its own chain, so that at most N
partitions of one account are collected at once (AWS throttles per account).

An organisation (`aws_organization_*`) is discovered through its management account
and each member account then syncs as above, in its own run.

Idempotency: a partition is applied at most once (its row is locked and re-checked
before writing), so a task delivered twice, or re-run after its worker died, changes
nothing twice. Resources are upserted by (account, ARN), so nothing is duplicated, and
only a *succeeded* partition marks resources gone: a failed one leaves them alone.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone, translation

from assets.aws import fetch
from assets.aws.collectors import COLLECTORS, partitions_for
from assets.aws.links import apply_links
from assets.catalogue import sync_catalogue
from assets.findings.tasks import evaluate_after_sync
from assets.hooks import aws_account_listeners
from assets.models import (
    AwsAccount,
    AwsOrganization,
    AwsResource,
    AwsService,
    SyncPartition,
    SyncRun,
)
from assets.models.aws import (
    ACTIVE_SYNC_STATUSES,
    ConnectionStatus,
    MembershipStatus,
    PartitionStatus,
    SyncStatus,
    SyncTrigger,
)
from isms import audit
from isms.models.audit import AuditAction

logger = logging.getLogger(__name__)

ACCOUNT_FIELDS = (
    "name",
    "account_id",
    "role_arn",
    "regions",
    "environment",
    "strategy",
    "enabled",
    "sync_interval_minutes",
)
UPSERT_BATCH = 1000


def _enqueue(task, *args) -> None:
    """Send `task` once the current transaction commits (never before: the worker
    must find the rows the task names)."""
    transaction.on_commit(lambda: task.delay(*args))


# --- Accounts ----------------------------------------------------------------------------


def _editable(data: dict, allowed) -> dict:
    """`data` as the fields a user may set; any other key is a programming error."""
    unknown = set(data) - set(allowed)
    if unknown:
        raise TypeError(f"Not editable: {', '.join(sorted(unknown))}")
    return dict(data)


def _assign(obj, fields: dict) -> None:
    """Set `fields` on an account or organisation, its regions as a sorted set, and
    validate it (ValidationError)."""
    for name, value in fields.items():
        setattr(obj, name, value)
    obj.regions = sorted(set(obj.regions or []))
    obj.full_clean()


def _create(model, fields: dict):
    """Create an account or organisation from validated `fields` (its ExternalId is the
    model's generated default) and record it."""
    with transaction.atomic():
        obj = model()
        _assign(obj, fields)
        obj.save()
        audit.record_created(obj)
    return obj


@audit.acts_as_user
def aws_account_create(*, user, data: dict) -> AwsAccount:
    """Connect an account (`data`: fields of ACCOUNT_FIELDS). Its ExternalId is generated
    here and never chosen by a user."""
    with transaction.atomic():
        account = _create(AwsAccount, _editable(data, ACCOUNT_FIELDS))
        for listener in aws_account_listeners:
            listener(account=account)
    return account


@audit.acts_as_user
def aws_account_update(*, account: AwsAccount, user, data: dict) -> AwsAccount:
    """Change an account's connection or schedule (`data`: fields of ACCOUNT_FIELDS;
    never its ExternalId)."""
    fields = _editable(data, ACCOUNT_FIELDS)
    with transaction.atomic():
        before = audit.snapshot(account)
        _assign(account, fields)
        if {"role_arn", "account_id"} & set(fields) and (
            before["role_arn"] != account.role_arn or before["account_id"] != account.account_id
        ):
            account.connection_status = ConnectionStatus.UNTESTED
            account.connection_message = ""
        account.save()
        audit.record_change(account, before)
    return account


def aws_account_delete(*, account: AwsAccount) -> None:
    """Disconnect an account and forget its resources (links included)."""
    with transaction.atomic():
        audit.record_deleted(account, message="Account disconnected; its resources forgotten.")
        account.delete()


def aws_account_test_connection(*, account: AwsAccount) -> AwsAccount:
    """Assume the account's role and call sts:GetCallerIdentity; store the outcome."""
    try:
        identity = fetch.test_connection(role_arn=account.role_arn, external_id=account.external_id)
    except fetch.AwsError as error:
        status = ConnectionStatus.FAILED
        message = f"{error.code}: {error.message}" + (f" — {error.hint}" if error.hint else "")
        if account.organization_id and account.external_id == account.organization.external_id:
            message += f" — {member_connection_hint(account.organization)}"
    else:
        if identity["account"] != account.account_id:
            status = ConnectionStatus.FAILED
            message = (
                f"The role answered as account {identity['account']}, not {account.account_id}: "
                "check the role ARN."
            )
        else:
            status = ConnectionStatus.OK
            message = f"Connected as {identity['arn']}."
    with transaction.atomic():
        before = audit.snapshot(account)
        account.connection_status = status
        account.connection_message = message
        account.connection_checked_at = timezone.now()
        account.save(
            update_fields=["connection_status", "connection_message", "connection_checked_at"]
        )
        audit.record_change(account, before, message="Connection tested.")
    return account


def aws_account_discover_regions(*, account: AwsAccount, user) -> list[str]:
    """Set the account's regions to those enabled for it (ec2:DescribeRegions).

    Raises ValidationError with AWS's error code when the call fails.
    """
    try:
        regions = fetch.discover_regions(role_arn=account.role_arn, external_id=account.external_id)
    except fetch.AwsError as error:
        raise ValidationError(f"{error.code}: {error.message} {error.hint}".strip()) from error
    aws_account_update(account=account, user=user, data={"regions": regions})
    return regions


# --- Runs ---------------------------------------------------------------------------------


def aws_account_sync(
    *, account: AwsAccount, trigger: str | None = None, requested_by=None
) -> tuple[SyncRun, bool]:
    """Queue a sync of `account`; returns (run, created). Without `trigger`, a sync a
    person asked for is manual and any other (commands, fan-out) is automatic
    (issue 20.8: automatic syncs were labelled "Manual").

    One sync per account at a time: while a run is queued or running, asking again
    returns that run (created=False). Disabled accounts never sync.
    """
    if not account.enabled:
        raise ValidationError("This account is disabled: enable it to sync.")
    if not account.in_scope:
        raise ValidationError(
            f"This account's OU ({account.ou_path}) is outside the scope of its organisation: "
            "include the OU in the organisation's scope to sync it."
        )
    if trigger is None:
        trigger = SyncTrigger.MANUAL if requested_by is not None else SyncTrigger.SCHEDULED
    try:
        with transaction.atomic():
            # Serialise requests for this account (PostgreSQL row lock; SQLite's
            # IMMEDIATE transactions serialise writers already).
            AwsAccount.objects.select_for_update().filter(pk=account.pk).first()
            active = account.sync_runs.filter(status__in=ACTIVE_SYNC_STATUSES).first()
            if active is not None:
                return active, False
            run = SyncRun.objects.create(
                account=account, trigger=trigger, requested_by=requested_by
            )
            AwsAccount.objects.filter(pk=account.pk).update(last_sync_started_at=run.created_at)
            with translation.override(None):  # the audit trail is written in English
                trigger_label = run.get_trigger_display()
            audit.record(run, AuditAction.SYNC, message=f"{trigger_label} sync queued.")
            from assets import tasks

            _enqueue(tasks.aws_sync_run_start, run.pk)
            return run, True
    except IntegrityError:
        # Another request won the race between our check and our insert.
        active = account.sync_runs.filter(status__in=ACTIVE_SYNC_STATUSES).first()
        if active is None:
            raise
        return active, False


def sync_run_start(*, run_id: int) -> list[int]:
    """Resolve the run's regions, create its partitions and queue them; returns the ids
    of the partitions queued. Safe to run again (after a worker died): existing
    partitions are kept and only unfinished ones are queued again."""
    run = SyncRun.objects.select_related("account").get(pk=run_id)
    if not run.is_active:
        return []
    account = run.account
    regions = run.regions or account.regions
    if not regions:
        try:
            regions = fetch.discover_regions(
                role_arn=account.role_arn, external_id=account.external_id
            )
        except fetch.AwsError as error:
            sync_run_fail(run_id=run.pk, code=error.code, message=error.message, hint=error.hint)
            return []
    else:
        # Fail fast, and once, when the role cannot be assumed at all.
        try:
            fetch.open_session(role_arn=account.role_arn, external_id=account.external_id)
        except fetch.AwsError as error:
            sync_run_fail(run_id=run.pk, code=error.code, message=error.message, hint=error.hint)
            return []
    from assets import tasks

    with transaction.atomic():
        run = SyncRun.objects.select_for_update().get(pk=run_id)
        if not run.is_active:
            return []
        for region, service in partitions_for(regions):
            SyncPartition.objects.get_or_create(run=run, region=region, service=service)
        pending = _partitions_to_dispatch(run)
        now = timezone.now()
        run.status = SyncStatus.RUNNING
        run.regions = sorted(regions)
        run.started_at = run.started_at or now
        run.progress_at = now
        run.partitions_total = run.partitions.count()
        run.save(
            update_fields=["status", "regions", "started_at", "progress_at", "partitions_total"]
        )
        for partition_id in pending:
            _enqueue(tasks.aws_sync_partition, partition_id)
    return pending


def _partitions_to_dispatch(run: SyncRun) -> list[int]:
    """The queued partitions to send now: all of them, or with a per-account limit
    (AWS_SYNC_ACCOUNT_CONCURRENCY = N) the first queued one of each of N chains (the
    run's partitions in id order, dealt round-robin): each finished partition sends the
    next of its chain (`_dispatch_next`), so at most N collect at once for the account."""
    rows = list(run.partitions.order_by("pk").values_list("pk", "status"))
    limit = settings.AWS_SYNC_ACCOUNT_CONCURRENCY
    if not limit:
        return [pk for pk, status in rows if status == PartitionStatus.QUEUED]
    heads = []
    for chain in range(limit):
        head = next(
            (pk for pk, status in rows[chain::limit] if status == PartitionStatus.QUEUED), None
        )
        if head is not None:
            heads.append(head)
    return heads


def _dispatch_next(run: SyncRun, partition: SyncPartition) -> None:
    """With a per-account limit, send the next queued partition of `partition`'s chain
    (after this transaction commits). A partition sent twice (after a restart) is
    collected once: its task re-checks its status."""
    limit = settings.AWS_SYNC_ACCOUNT_CONCURRENCY
    if not limit:
        return
    rows = list(run.partitions.order_by("pk").values_list("pk", "status"))
    at = next(i for i, (pk, _) in enumerate(rows) if pk == partition.pk)
    following = (pk for pk, status in rows[at + limit :: limit] if status == PartitionStatus.QUEUED)
    next_pk = next(following, None)
    if next_pk is not None:
        from assets import tasks

        _enqueue(tasks.aws_sync_partition, next_pk)


def sync_run_fail(*, run_id: int, code: str, message: str, hint: str = "") -> None:
    """Fail the whole run (the role could not be assumed, or it stalled). Changes
    nothing else: no resource is marked gone."""
    with transaction.atomic():
        run = SyncRun.objects.select_for_update().get(pk=run_id)
        if not run.is_active:
            return
        now = timezone.now()
        run.status = SyncStatus.FAILED
        run.error_code = code[:100]
        run.error_message = f"{message} {hint}".strip()
        run.finished_at = now
        run.progress_at = now
        run.save(
            update_fields=["status", "error_code", "error_message", "finished_at", "progress_at"]
        )
        run.partitions.filter(status=PartitionStatus.QUEUED).update(
            status=PartitionStatus.FAILED, error_code="NotRun", finished_at=now
        )
        audit.record(run, AuditAction.SYNC, message=f"Sync failed: {code}.")


def sync_partition_collect(*, partition_id: int) -> None:
    """Fetch one partition from AWS and apply the result (or record why it failed).

    Does nothing when the partition is already finished or its run is over, so a
    redelivered task is harmless.
    """
    partition = SyncPartition.objects.select_related("run__account").get(pk=partition_id)
    run = partition.run
    if partition.status != PartitionStatus.QUEUED or not run.is_active:
        return
    SyncPartition.objects.filter(pk=partition.pk).update(
        attempts=F("attempts") + 1, started_at=timezone.now()
    )
    account = run.account
    try:
        result = fetch.fetch_partition(
            account_id=account.account_id,
            role_arn=account.role_arn,
            external_id=account.external_id,
            region=partition.region,
            service=partition.service,
            regions=tuple(run.regions),
        )
    except fetch.AwsError as error:
        sync_partition_record_failure(partition_id=partition.pk, error=error)
        return
    except Exception as exc:  # any defect fails this partition, never the whole run
        _record_unexpected(partition, exc, stage="collecting")
        return
    try:
        sync_partition_apply(partition_id=partition.pk, result=result)
    except Exception as exc:  # the apply rolled back: say why, at once
        _record_unexpected(partition, exc, stage="storing")


UNEXPECTED_HINT = (
    "An unexpected error in the connector, not a refusal by AWS: the other services were "
    "collected and checked, and nothing of this one was marked gone. The worker's log has "
    "the traceback; please report it."
)


def _record_unexpected(partition: SyncPartition, exc: Exception, *, stage: str) -> None:
    """Fail one partition on an exception that is not an AWS error (a collector defect,
    malformed data, a database refusal), so that the run ends at once, partial, instead
    of waiting for the stale-run reaper."""
    logger.exception(
        "Unexpected error %s %s in %s (sync #%s)",
        stage,
        partition.service,
        partition.region,
        partition.run_id,
    )
    error = fetch.AwsError(type(exc).__name__, f"While {stage}: {exc}"[:1000], UNEXPECTED_HINT)
    sync_partition_record_failure(partition_id=partition.pk, error=error)


def _services_by_code() -> dict[str, AwsService]:
    services = {s.code: s for s in AwsService.objects.filter(code__in=COLLECTORS)}
    if len(services) < len(COLLECTORS):  # a fresh or flushed database
        sync_catalogue(AwsService)
        services = {s.code: s for s in AwsService.objects.filter(code__in=COLLECTORS)}
    return services


def sync_partition_apply(*, partition_id: int, result: fetch.PartitionFetch) -> None:
    """Upsert what one partition's successful fetch saw, mark gone what it did not see,
    re-apply the tag and rule links of its resources, and finish the run if this was
    its last partition. One transaction.

    Most of an estate is unchanged from one sync to the next: those rows only get their
    `last_seen` and `last_run` moved (one plain UPDATE per batch), and only new or
    changed resources are written whole (INSERT … ON CONFLICT UPDATE, whose cost is
    preparing each row's JSON configuration)."""
    with transaction.atomic():
        partition = SyncPartition.objects.select_for_update().get(pk=partition_id)
        run = SyncRun.objects.select_for_update().select_related("account").get(pk=partition.run_id)
        if partition.status != PartitionStatus.QUEUED or not run.is_active:
            return  # applied already (a redelivered task), or the run was reaped
        account = run.account
        service = _services_by_code()[partition.service]
        now = timezone.now()
        scope = AwsResource.objects.filter(
            account=account, partition_region=partition.region, service=service
        )
        known = {
            row[1]: row
            for row in scope.values_list(
                "pk",
                "arn",
                "gone_since",
                "resource_type",
                "region",
                "name",
                "tags",
                "configuration",
            )
        }
        seen = {r.arn for r in result.resources}

        rows, unchanged_pks = [], []
        for r in result.resources:
            fields = (r.resource_type[:60], r.region[:30], (r.name or "")[:512], r.tags)
            stored = known.get(r.arn)
            if (
                stored is not None
                and stored[2] is None
                and stored[3:7] == fields
                and stored[7] == r.configuration
            ):
                unchanged_pks.append(stored[0])
                continue
            rows.append(
                AwsResource(
                    account=account,
                    arn=r.arn,
                    service=service,
                    resource_type=fields[0],
                    region=fields[1],
                    partition_region=partition.region,
                    name=fields[2],
                    tags=r.tags,
                    configuration=r.configuration,
                    first_seen=now,
                    last_seen=now,
                    gone_since=None,
                    last_run=run,
                )
            )
        for batch in _batches(unchanged_pks):
            AwsResource.objects.filter(pk__in=batch).update(last_seen=now, last_run=run)
        # Both backends return the primary keys of the rows written (new or updated).
        AwsResource.objects.bulk_create(
            rows,
            batch_size=UPSERT_BATCH,
            update_conflicts=True,
            unique_fields=["account", "arn"],
            update_fields=[
                "service",
                "partition_region",
                "resource_type",
                "region",
                "name",
                "tags",
                "configuration",
                "last_seen",
                "gone_since",
                "last_run",
            ],
        )
        new = [row for row in rows if row.arn not in known]
        returned_pks = [known[arn][0] for arn in seen & known.keys() if known[arn][2] is not None]
        gone_pks = [row[0] for arn, row in known.items() if row[2] is None and arn not in seen]
        for batch in _batches(gone_pks):
            AwsResource.objects.filter(pk__in=batch).update(gone_since=now)
        if gone_pks:
            audit.record_many(
                _in_batches(scope, gone_pks),
                AuditAction.SYNC,
                changes_for=lambda r: {"gone_since": [None, now.isoformat()]},
                message=f"Gone from AWS (sync #{run.pk}).",
            )
        if returned_pks:
            audit.record_many(
                _in_batches(scope, returned_pks),
                AuditAction.SYNC,
                changes_for=lambda r: {"gone_since": ["(gone)", None]},
                message=f"Back in AWS (sync #{run.pk}).",
            )
        if new:
            audit.record_many(new, AuditAction.CREATE, message=f"Found in AWS (sync #{run.pk}).")
        apply_links(scope.filter(gone_since__isnull=True))

        partition.status = PartitionStatus.SUCCEEDED
        partition.finished_at = now
        partition.seen = len(seen)
        partition.created = len(new)
        partition.returned = len(returned_pks)
        partition.updated = len(seen) - len(new)
        partition.gone = len(gone_pks)
        partition.api_calls = dict(result.api_calls)
        partition.save()
        _partition_done(run, partition, now)


def _batches(items, size: int = UPSERT_BATCH):
    items = list(items)
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _in_batches(queryset, pks):
    """The rows of `queryset` with these primary keys, fetched a batch at a time."""
    return [
        r
        for batch in _batches(pks)
        for r in queryset.filter(pk__in=batch).only("pk", "name", "arn")
    ]


def sync_partition_record_failure(*, partition_id: int, error: fetch.AwsError) -> None:
    """Record why a partition could not be fetched. Marks nothing gone."""
    with transaction.atomic():
        partition = SyncPartition.objects.select_for_update().get(pk=partition_id)
        run = SyncRun.objects.select_for_update().get(pk=partition.run_id)
        if partition.status != PartitionStatus.QUEUED or not run.is_active:
            return
        now = timezone.now()
        partition.status = PartitionStatus.FAILED
        partition.finished_at = now
        partition.error_code = error.code[:100]
        partition.error_message = error.message
        partition.error_hint = error.hint
        partition.save()
        _partition_done(run, partition, now)


def _partition_done(run: SyncRun, partition: SyncPartition, now) -> None:
    """Count a finished partition on its (locked) run; the last one finishes the run."""
    counts = dict(run.counts)
    entry = counts.setdefault(partition.service, {})
    for key in ("seen", "created", "updated", "gone", "returned"):
        entry[key] = entry.get(key, 0) + getattr(partition, key)
    if partition.status == PartitionStatus.FAILED:
        entry["failed"] = entry.get("failed", 0) + 1
    run.counts = counts
    run.partitions_done = run.partitions.exclude(status=PartitionStatus.QUEUED).count()
    run.progress_at = now
    fields = ["counts", "partitions_done", "progress_at"]
    _dispatch_next(run, partition)
    if run.partitions_done >= run.partitions_total:
        failed = run.partitions.filter(status=PartitionStatus.FAILED).count()
        if failed == 0:
            run.status = SyncStatus.SUCCEEDED
        elif failed < run.partitions_total:
            run.status = SyncStatus.PARTIAL
        else:
            run.status = SyncStatus.FAILED
            first = run.partitions.filter(status=PartitionStatus.FAILED).first()
            run.error_code = first.error_code
            run.error_message = f"{first.error_message} {first.error_hint}".strip()
            fields += ["error_code", "error_message"]
        run.finished_at = now
        fields += ["status", "finished_at"]
        audit.record(
            run,
            AuditAction.SYNC,
            message=f"Sync {run.get_status_display().lower()}: "
            f"{run.partitions_total - failed} of {run.partitions_total} partitions collected.",
        )
        # The security checks (assets/findings/) run on the estate once this commits.
        evaluate_after_sync(run_id=run.pk)
    run.save(update_fields=fields)


def sync_runs_reap_stale(*, now=None) -> list[int]:
    """Fail the runs that made no progress for AWS_SYNC_STALE_AFTER seconds (their
    worker died, or the broker lost their tasks); returns their ids. What their finished
    partitions applied is kept; nothing is marked gone for the others."""
    now = now or timezone.now()
    limit = now - timedelta(seconds=settings.AWS_SYNC_STALE_AFTER)
    stale = [
        run.pk
        for run in SyncRun.objects.filter(status__in=ACTIVE_SYNC_STATUSES)
        if (run.progress_at or run.created_at) < limit
    ]
    minutes = settings.AWS_SYNC_STALE_AFTER // 60
    for run_id in stale:
        sync_run_fail(
            run_id=run_id,
            code="Stalled",
            message=f"No progress for {minutes} minutes: the worker probably stopped.",
            hint="Partitions already collected are kept; start a new sync.",
        )
    return stale


def aws_accounts_sync_due(*, now=None) -> list[int]:
    """Queue a scheduled sync of every enabled account whose interval has elapsed;
    returns the ids of the runs queued. Disabled accounts never sync."""
    now = now or timezone.now()
    queued = []
    for account in AwsAccount.objects.filter(enabled=True, in_scope=True):
        due = account.last_sync_started_at is None or (
            account.last_sync_started_at + timedelta(minutes=account.sync_interval_minutes) <= now
        )
        if not due:
            continue
        run, created = aws_account_sync(account=account, trigger=SyncTrigger.SCHEDULED)
        if created:
            queued.append(run.pk)
    return queued


# --- Organizations ------------------------------------------------------------------------

ORGANIZATION_FIELDS = (
    "name",
    "management_account",
    "member_role_name",
    "regions",
    "include_ous",
    "exclude_ous",
    "sync_interval_minutes",
    "enabled",
)
# What an organisation's account status means to its connection here.
_MEMBERSHIP = {"ACTIVE": MembershipStatus.ACTIVE}


def member_connection_hint(organization: AwsOrganization) -> str:
    """What to do when a member's role cannot be assumed."""
    return (
        f"The role {organization.member_role_name} is missing in this member account, or its "
        f"trust policy does not require the ExternalId of organisation {organization.name}: "
        "deploy the organisation's StackSet template to this account (or its OU), or "
        "correct the role's trust policy."
    )


@audit.acts_as_user
def aws_organization_create(*, user, data: dict) -> AwsOrganization:
    """Connect an organisation through its (already connected) management or delegated
    administrator account (`data`: fields of ORGANIZATION_FIELDS). Its ExternalId is
    generated here and never chosen by a user."""
    return _create(AwsOrganization, _editable(data, ORGANIZATION_FIELDS))


@audit.acts_as_user
def aws_organization_update(*, organization: AwsOrganization, user, data: dict) -> AwsOrganization:
    """Change an organisation's settings (`data`: fields of ORGANIZATION_FIELDS; never its
    ExternalId). A new member role name applies to the members at the next discovery."""
    fields = _editable(data, ORGANIZATION_FIELDS)
    with transaction.atomic():
        before = audit.snapshot(organization)
        _assign(organization, fields)
        organization.save()
        audit.record_change(organization, before)
        _apply_scope(organization)
    return organization


def _apply_scope(organization: AwsOrganization) -> dict[str, list[str]]:
    """Bring every member's `in_scope` in line with the organisation's OU scope (the
    management account, connected by hand, always stays in); each change goes into the
    audit trail. Returns the account ids that left and joined the scope. Runs inside
    the caller's transaction."""
    outcome: dict[str, list[str]] = {"left scope": [], "joined scope": []}
    members = organization.accounts.exclude(pk=organization.management_account_id)
    for account in members:
        wanted = organization.in_scope(account.ou_path)
        if account.in_scope == wanted:
            continue
        before = audit.snapshot(account)
        account.in_scope = wanted
        account.save(update_fields=["in_scope", "updated_at"])
        key = "joined scope" if wanted else "left scope"
        audit.record_change(
            account,
            before,
            message=f"Organisation {organization.name}: {account.ou_path or 'Root'} {key}.",
        )
        outcome[key].append(account.account_id)
    return outcome


def _member_name(member: fetch.MemberAccount, taken: set[str]) -> str:
    name = (member.name or member.account_id)[:100]
    if name in taken:
        name = f"{name[:85]} ({member.account_id})"
    return name


def aws_organization_discover(*, organization: AwsOrganization) -> dict[str, list[str]]:
    """List the organisation's accounts and bring its member connections up to date, in
    one transaction: a new ACTIVE member gets an account that assumes the member role
    with the organisation's ExternalId; a member that moved gets its new OU; a member
    that was suspended, closed or left is disabled (never deleted: its history is
    evidence); one that is active again is enabled again. An account connected on its
    own before (e.g. the management account) keeps its own role and ExternalId.

    Returns the account ids per outcome (created, moved, disabled, enabled). Raises
    ValidationError naming the refused `organizations:` permission, changing nothing.
    """
    management = organization.management_account
    try:
        organization_id, members = fetch.list_organization_accounts(
            role_arn=management.role_arn, external_id=management.external_id
        )
    except fetch.AwsError as error:
        message = f"{error.code}: {error.message}" + (f" {error.hint}" if error.hint else "")
        with transaction.atomic():
            before = audit.snapshot(organization)
            organization.discovery_message = message
            organization.save(update_fields=["discovery_message", "updated_at"])
            audit.record_change(organization, before, message="Discovery failed.")
        raise ValidationError(message) from error

    outcome: dict[str, list[str]] = {"created": [], "moved": [], "disabled": [], "enabled": []}
    with transaction.atomic():
        organization = AwsOrganization.objects.select_for_update().get(pk=organization.pk)
        seen = {member.account_id: member for member in members}
        existing = {a.account_id: a for a in AwsAccount.objects.filter(account_id__in=seen)}
        taken = set(AwsAccount.objects.values_list("name", flat=True))
        for member in members:
            membership = _MEMBERSHIP.get(member.status, MembershipStatus.SUSPENDED)
            account = existing.get(member.account_id)
            if account is None:
                if membership != MembershipStatus.ACTIVE:
                    continue  # never connected, and nothing to read
                account = AwsAccount(
                    name=_member_name(member, taken),
                    account_id=member.account_id,
                    role_arn=organization.member_role_arn(member.account_id),
                    external_id=organization.external_id,
                    regions=list(organization.regions),
                    sync_interval_minutes=organization.sync_interval_minutes,
                    strategy=management.strategy,
                    organization=organization,
                    membership_status=membership,
                    ou_id=member.ou_id,
                    ou_path=member.ou_path,
                    in_scope=organization.in_scope(member.ou_path),
                )
                account.full_clean()
                account.save()
                taken.add(account.name)
                audit.record_created(
                    account, message=f"Discovered in organisation {organization.name}."
                )
                outcome["created"].append(account.account_id)
                continue
            before = audit.snapshot(account)
            notes = []
            if account.organization_id is None:
                account.organization = organization  # keeps its own role and ExternalId
            if account.organization_id == organization.pk:
                if account.external_id == organization.external_id:
                    account.role_arn = organization.member_role_arn(account.account_id)
                if (account.ou_id, account.ou_path) != (member.ou_id, member.ou_path):
                    if account.ou_id:
                        outcome["moved"].append(account.account_id)
                        notes.append(f"moved to {member.ou_path}")
                    account.ou_id, account.ou_path = member.ou_id, member.ou_path
                if membership != account.membership_status:
                    was_out = account.membership_status in (
                        MembershipStatus.SUSPENDED,
                        MembershipStatus.REMOVED,
                    )
                    if membership == MembershipStatus.ACTIVE and was_out and not account.enabled:
                        account.enabled = True
                        outcome["enabled"].append(account.account_id)
                        notes.append("active again: enabled")
                    elif membership != MembershipStatus.ACTIVE and account.enabled:
                        account.enabled = False
                        outcome["disabled"].append(account.account_id)
                        notes.append(f"{member.status.lower()}: disabled")
                    account.membership_status = membership
            account.save()
            audit.record_change(
                account,
                before,
                message=f"Organisation {organization.name}: " + ("; ".join(notes) or "seen"),
            )
        gone = organization.accounts.exclude(account_id__in=seen).exclude(
            membership_status=MembershipStatus.REMOVED
        )
        for account in gone:
            before = audit.snapshot(account)
            account.membership_status = MembershipStatus.REMOVED
            if account.enabled and account.external_id == organization.external_id:
                account.enabled = False
                outcome["disabled"].append(account.account_id)
            account.save(update_fields=["membership_status", "enabled", "updated_at"])
            audit.record_change(account, before, message=f"Left organisation {organization.name}.")
        outcome.update(_apply_scope(organization))
        before = audit.snapshot(organization)
        organization.organization_id = organization_id
        organization.last_discovered_at = timezone.now()
        organization.discovery_message = (
            f"{sum(1 for m in members if m.status == 'ACTIVE')} active accounts; "
            + ", ".join(f"{len(ids)} {key}" for key, ids in outcome.items())
            + "."
        )
        organization.save()
        audit.record_change(organization, before, message="Members discovered.")
    return outcome


def aws_organization_sync(
    *, organization: AwsOrganization, trigger: str | None = None, requested_by=None
) -> dict[str, list]:
    """Discover the organisation's members again, test each enabled member's connection
    and queue a sync of each one that answers (its own run, fanned out per region and
    service). A member whose role cannot be assumed gets a failed connection with the
    reason and a fix, and the others go on.

    Returns {"runs": [SyncRun, ...], "failed": [AwsAccount, ...]}; raises ValidationError
    when the organisation API refuses (nothing is synced then).
    """
    if not organization.enabled:
        raise ValidationError("This organisation is disabled: enable it to sync.")
    aws_organization_discover(organization=organization)
    runs, failed = [], []
    # Members whose OU the scope leaves out are shown, never synced.
    members = organization.accounts.filter(enabled=True, in_scope=True).exclude(
        pk=organization.management_account_id
    )
    for account in [organization.management_account, *members]:
        if not account.enabled:
            continue
        aws_account_test_connection(account=account)
        if account.connection_status != ConnectionStatus.OK:
            failed.append(account)
            continue
        run, _ = aws_account_sync(account=account, trigger=trigger, requested_by=requested_by)
        runs.append(run)
    with transaction.atomic():
        before = audit.snapshot(organization)
        organization.last_synced_at = timezone.now()
        organization.save(update_fields=["last_synced_at", "updated_at"])
        audit.record_change(
            organization,
            before,
            action=AuditAction.SYNC,
            message=f"{len(runs)} member syncs queued, {len(failed)} connections failed.",
        )
    return {"runs": runs, "failed": failed}


def aws_organization_sync_queue(*, organization: AwsOrganization, requested_by=None) -> None:
    """Queue `aws_organization_sync` in the background (a page or API request does not
    wait for the discovery and every member's connection test)."""
    from assets import tasks

    with transaction.atomic():
        audit.record(organization, AuditAction.SYNC, message="Organisation sync queued.")
        _enqueue(
            tasks.aws_organization_sync,
            organization.pk,
            requested_by.pk if requested_by is not None else None,
        )


def aws_organizations_sync_due(*, now=None) -> list[int]:
    """Beat: sync every enabled organisation whose interval has elapsed (discovery, then
    its members); returns the ids of the organisations synced. One organisation whose
    API refuses does not stop the others."""
    now = now or timezone.now()
    synced = []
    for organization in AwsOrganization.objects.filter(enabled=True):
        last = organization.last_synced_at
        if last is not None and last + timedelta(minutes=organization.sync_interval_minutes) > now:
            continue
        try:
            aws_organization_sync(organization=organization, trigger=SyncTrigger.SCHEDULED)
        except ValidationError:
            logger.warning("Organisation %s: discovery refused", organization.name)
            continue
        synced.append(organization.pk)
    return synced
