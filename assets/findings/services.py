"""Every write of the security checks: evaluating an account's stored estate into
findings (after each sync, or from `manage.py aws_check`), muting and unmuting.

A finding's lifecycle, per (check, resource):

- the check fails: the finding is created, or stays open, or *reopens* (resolved ->
  open, `times_reopened` + 1; a mute whose date has passed reopens too);
- the check passes: the finding is resolved (`resolved_at`);
- the configuration it needs could not be collected (a failed partition, a denied
  detail call): the finding is *not evaluated*, with the reason, never resolved;
- the resource is gone from AWS: the finding is resolved.

Every transition is written to the audit trail (one bulk insert per kind of
transition), so a finding's history page tells when it opened, resolved, reopened, was
muted (by whom, why, until when) and unmuted.
"""

from __future__ import annotations

import datetime
import logging
from collections import Counter, defaultdict

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count
from django.utils import timezone, translation

from assets.aws import checks
from assets.aws.checks import Result
from assets.findings.values import resource_values, union_value
from assets.models import (
    AwsAccount,
    AwsResource,
    AwsResourceLink,
    Finding,
    PostureSnapshot,
    SyncRun,
)
from assets.models.aws import PartitionStatus, SyncStatus
from assets.models.findings import FindingStatus, ScopeDecision
from isms import audit
from isms.models.audit import AuditAction

logger = logging.getLogger(__name__)

BATCH = 1000
FINISHED = (SyncStatus.SUCCEEDED, SyncStatus.PARTIAL, SyncStatus.FAILED)
# What an evaluation may change on a finding besides the times: only findings whose
# values differ are rewritten (a bulk UPDATE of thousands of rows per field is what
# costs); evaluation times and last_seen are set with a few plain UPDATEs.
UPDATED_FIELDS = [
    "status",
    "detail",
    "severity",
    "region",
    "service",
    "value_at_stake_usd",
    "resolved_at",
    "times_reopened",
]


def _uncollected(run: SyncRun | None) -> dict[tuple[str, str], str]:
    """{(partition region, service): why} for the partitions `run` could not collect."""
    if run is None:
        return {}
    return {
        (p.region, p.service): (
            f"The sync #{run.pk} could not collect {p.service} in {p.region}: "
            f"{p.error_code or 'error'}{' — ' + p.error_hint if p.error_hint else ''}"
        )
        for p in run.partitions.filter(status=PartitionStatus.FAILED)
    }


def _load_estate(account: AwsAccount, uncollected: dict, now) -> tuple[list, dict, dict]:
    """The account's live resources as the checks see them, and their asset links."""
    links: dict[int, set[int]] = defaultdict(set)
    for resource_id, asset_id in AwsResourceLink.objects.filter(
        resource__account=account
    ).values_list("resource_id", "asset_id"):
        links[resource_id].add(asset_id)
    rows = (
        AwsResource.objects.live()
        .filter(account=account)
        .values_list(
            "pk",
            "arn",
            "service__code",
            "resource_type",
            "region",
            "partition_region",
            "name",
            "configuration",
            "tags",
        )
        .order_by("pk")
    )
    resources = [
        checks.Resource(
            pk=row[0],
            arn=row[1],
            account_id=account.account_id,
            service=row[2],
            resource_type=row[3],
            region=row[4],
            name=row[6] or row[1],
            configuration=row[7] if isinstance(row[7], dict) else {},
            tags=row[8] or {},
            linked=row[0] in links,
            uncollected=uncollected.get((row[5], row[2]), ""),
        )
        for row in rows.iterator(chunk_size=2000)
    ]
    return resources, links, resource_values(links)


def findings_evaluate(
    *, account: AwsAccount, run: SyncRun | None = None, now=None
) -> PostureSnapshot:
    """Run every check over the account's stored estate and bring its findings up to
    date (see the module docstring for the lifecycle); record the posture snapshot.

    `run` is the sync the evaluation follows (its failed partitions make their
    resources "not evaluated"); None takes the account's last finished sync. Calls no
    AWS API. Idempotent: evaluating twice changes nothing but the evaluation times.
    """
    now = now or timezone.now()
    today = timezone.localdate(now)
    if run is None:
        run = account.sync_runs.filter(status__in=FINISHED).order_by("-created_at", "-id").first()
    with transaction.atomic():
        resources, links, values = _load_estate(account, _uncollected(run), now)
        estate = checks.Estate(resources, now=now)
        existing = {
            (f.check_id, f.resource_id): f
            for f in Finding.objects.filter(account=account).defer("muted_reason")
        }
        created: list[Finding] = []
        changed: dict[int, Finding] = {}
        transitions: dict[str, list[tuple[Finding, str, str]]] = defaultdict(list)
        counts: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
        seen = set()
        failing: list[int] = []

        def move(finding: Finding, status: str, message: str) -> None:
            transitions[message].append((finding, finding.status, status))
            finding.status = status

        for check, resource, outcome in checks.run(resources, estate):
            key = (check.id, resource.pk)
            seen.add(key)
            counts[check.id][
                {Result.PASS: 0, Result.FAIL: 1, Result.NOT_EVALUATED: 2}[outcome.result]
            ] += 1
            finding = existing.get(key)
            if finding is None:
                if outcome.result == Result.PASS:
                    continue
                created.append(
                    Finding(
                        check_id=check.id,
                        resource_id=resource.pk,
                        account=account,
                        region=resource.region,
                        service=check.service,
                        severity=check.severity,
                        status=FindingStatus.OPEN
                        if outcome.result == Result.FAIL
                        else FindingStatus.NOT_EVALUATED,
                        detail=outcome.detail,
                        value_at_stake_usd=values.get(resource.pk),
                        first_seen=now,
                        last_seen=now,
                        evaluated_at=now,
                        last_run=run,
                    )
                )
                continue
            before = [getattr(finding, name) for name in UPDATED_FIELDS]
            _apply(finding, check, resource, outcome, values, run, now, today, move)
            if outcome.result == Result.FAIL:
                failing.append(finding.pk)
            if [getattr(finding, name) for name in UPDATED_FIELDS] != before:
                changed[finding.pk] = finding

        # Findings whose resource is gone (or no longer checked) are over.
        for key, finding in existing.items():
            if key in seen or finding.status == FindingStatus.RESOLVED:
                continue
            finding.resolved_at = now
            finding.evaluated_at = now
            finding.detail = "The resource is gone from AWS (or no longer checked)."
            move(finding, FindingStatus.RESOLVED, "Resolved: the resource is gone.")
            changed[finding.pk] = finding

        Finding.objects.bulk_create(created, batch_size=BATCH)
        Finding.objects.bulk_update(list(changed.values()), UPDATED_FIELDS, batch_size=BATCH)
        # Each existing row is rewritten once: failing ones with their last_seen too.
        failing_pks = set(failing)
        evaluated = [
            f.pk
            for key, f in existing.items()
            if (key in seen or f.pk in changed) and f.pk not in failing_pks
        ]
        for pks, fields in ((failing, {"last_seen": now}), (evaluated, {})):
            for start in range(0, len(pks), BATCH):
                Finding.objects.filter(pk__in=pks[start : start + BATCH]).update(
                    evaluated_at=now, last_run=run, **fields
                )
        if created:
            audit.record_many(
                created,
                AuditAction.CREATE,
                changes_for=lambda f: {"status": [None, f.status]},
                message=f"Found by the security checks{_after(run)}.",
            )
        for message, moves in transitions.items():
            by_pk = {f.pk: (old, new) for f, old, new in moves}
            audit.record_many(
                [f for f, _, _ in moves],
                AuditAction.UPDATE,
                changes_for=lambda f, by_pk=by_pk: {"status": list(by_pk[f.pk])},
                message=message.rstrip(".") + _after(run) + ".",
            )
        return _snapshot(account=account, run=run, now=now, counts=counts, links=links)


def _after(run: SyncRun | None) -> str:
    return f" (after sync #{run.pk})" if run is not None else ""


def _apply(finding, check, resource, outcome, values, run, now, today, move) -> None:
    """Bring one existing finding in line with its check's new outcome."""
    finding.severity = check.severity
    finding.service = check.service
    finding.region = resource.region
    # None: the resource is linked to no asset, so its value is unknown (not $0).
    finding.value_at_stake_usd = values.get(resource.pk)
    finding.evaluated_at = now
    finding.last_run = run
    status = finding.status
    mute_over = status == FindingStatus.MUTED and (
        finding.muted_until is None or finding.muted_until < today
    )
    if outcome.result == Result.PASS:
        if status != FindingStatus.RESOLVED:
            finding.resolved_at = now
            move(finding, FindingStatus.RESOLVED, "Resolved: the check passes.")
        return
    finding.detail = outcome.detail
    if outcome.result == Result.NOT_EVALUATED:
        if status in (FindingStatus.OPEN, FindingStatus.RESOLVED) or mute_over:
            finding.resolved_at = None
            move(finding, FindingStatus.NOT_EVALUATED, "Not evaluated: " + outcome.detail)
        return
    finding.last_seen = now
    if status == FindingStatus.RESOLVED:
        finding.resolved_at = None
        finding.times_reopened += 1
        move(finding, FindingStatus.OPEN, "Reopened: the check fails again.")
    elif status == FindingStatus.NOT_EVALUATED:
        move(finding, FindingStatus.OPEN, "Open: evaluated again, the check fails.")
    elif mute_over:
        move(finding, FindingStatus.OPEN, f"Reopened: the mute expired on {finding.muted_until}.")


def _snapshot(*, account, run, now, counts, links) -> PostureSnapshot:
    """Record the account's posture now (open findings, value at stake, check counts)."""
    open_findings = Finding.objects.filter(account=account, status=FindingStatus.OPEN)
    by_severity = Counter(dict(_grouped(open_findings, "severity")))
    by_service = Counter(dict(_grouped(open_findings, "service")))
    exposed = set(open_findings.values_list("resource_id", flat=True).distinct())
    value = union_value({a for r in exposed for a in links.get(r, ())})
    fields = {
        "taken_at": now,
        "open_findings": sum(by_severity.values()),
        "by_severity": dict(by_severity),
        "by_service": dict(by_service),
        "value_at_stake_usd": value,
        "checks": {check_id: list(values) for check_id, values in sorted(counts.items())},
    }
    if run is not None:
        snapshot, _ = PostureSnapshot.objects.update_or_create(
            account=account, run=run, defaults=fields
        )
    else:
        snapshot = PostureSnapshot.objects.create(account=account, **fields)
    return snapshot


def _grouped(queryset, field: str):
    return queryset.order_by().values_list(field).annotate(n=Count("id"))


# --- Muting -----------------------------------------------------------------------------


@audit.acts_as_user
def finding_mute(*, finding: Finding, reason: str, until: datetime.date, user=None) -> Finding:
    """Mute a finding until a date, for a reason (an accepted risk, a compensating
    control). Both are required and recorded in the audit trail; when the date passes,
    the next evaluation (or the daily task) reopens the finding if it still fails."""
    errors = {}
    reason = (reason or "").strip()
    if not reason:
        errors["reason"] = "Say why this finding may be ignored for now."
    if until is None:
        errors["until"] = "Choose the date the mute ends."
    elif until <= timezone.localdate():
        errors["until"] = "The mute must end in the future."
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        finding = Finding.objects.select_for_update().get(pk=finding.pk)
        if finding.status == FindingStatus.RESOLVED:
            raise ValidationError("This finding is resolved: there is nothing to mute.")
        before = audit.snapshot(finding)
        finding.status = FindingStatus.MUTED
        finding.muted_reason = reason
        finding.muted_until = until
        finding.muted_by = user
        finding.muted_at = timezone.now()
        finding.save(
            update_fields=["status", "muted_reason", "muted_until", "muted_by", "muted_at"]
        )
        audit.record_change(finding, before, message=f"Muted until {until}: {reason}")
    return finding


@audit.acts_as_user
def finding_unmute(*, finding: Finding, user=None) -> Finding:
    """End a mute now: the finding is open again (the next evaluation resolves it if
    the check passes by then)."""
    with transaction.atomic():
        finding = Finding.objects.select_for_update().get(pk=finding.pk)
        if finding.status != FindingStatus.MUTED:
            raise ValidationError("This finding is not muted.")
        before = audit.snapshot(finding)
        finding.status = FindingStatus.OPEN
        finding.muted_until = None
        finding.save(update_fields=["status", "muted_until"])
        audit.record_change(finding, before, message="Unmuted.")
    return finding


def findings_unmute_expired(*, today=None) -> int:
    """Reopen every finding whose mute ended before `today`; returns how many."""
    today = today or timezone.localdate()
    with transaction.atomic():
        expired = list(
            Finding.objects.select_for_update().filter(
                status=FindingStatus.MUTED, muted_until__lt=today
            )
        )
        for finding in expired:
            finding.status = FindingStatus.OPEN
        Finding.objects.bulk_update(expired, ["status"], batch_size=BATCH)
        audit.record_many(
            expired,
            AuditAction.UPDATE,
            changes_for=lambda f: {"status": [FindingStatus.MUTED, FindingStatus.OPEN]},
            message="Reopened: the mute expired.",
        )
    return len(expired)


def finding_scope_triage(*, finding: Finding, user, decision: str, note: str) -> Finding:
    """Decide whether a finding outside the approved scope's AWS accounts or regions is
    in the ISMS's scope after all (treat it like the others) or out of it (the resource
    is not the ISMS's concern), with a reason, in the audit trail. Only for findings that
    the approved scope does not cover: inside the scope there is nothing to decide."""
    from isms.governance import scope_estate

    if not user.has_perm("assets.change_finding"):
        raise PermissionDenied("Only a security manager triages findings.")
    errors = {}
    if decision not in (ScopeDecision.IN_SCOPE, ScopeDecision.OUT_OF_SCOPE):
        errors["decision"] = "Choose in scope or out of scope."
    note = (note or "").strip()
    if not note:
        errors["note"] = "Say why: the auditor reads it."
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        finding = Finding.objects.select_for_update().select_related("account").get(pk=finding.pk)
        reason = scope_estate.bounds().reason(finding.account.account_id, finding.region)
        if not reason:
            raise ValidationError(
                "This finding is inside the approved scope: there is nothing to triage."
            )
        before = audit.snapshot(finding)
        finding.scope_decision = decision
        finding.scope_note = note
        finding.scope_decided_by = user
        finding.scope_decided_at = timezone.now()
        finding.save(
            update_fields=["scope_decision", "scope_note", "scope_decided_by", "scope_decided_at"]
        )
        with translation.override(None):  # the audit trail is written in English
            label = ScopeDecision(decision).label.lower()
        audit.record_change(finding, before, message=f"Triaged {label} ({reason}): {note}")
    return finding
