"""Every write to the business impact analysis and the continuity plans.

The required (inherited) recovery objectives are maintained like the value at stake
(assets/services.py): `objectives_refresh` recomputes, with the one upward walk of
`assets.graph` (`minimum_above`), the assets below a change. It runs inside the
transaction of the change: from `objective_save` here, and from every graph change of
the inventory through `assets.hooks.dependency_listeners`.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from assets import graph
from assets.continuity.models import (
    OWN,
    REQUIRED,
    ContinuityExercise,
    ContinuityPlan,
    ContinuityPlanVersion,
    RecoveryObjective,
)
from assets.models import Asset
from assets.services import _lock_graph
from isms import approvals, audit, numbering
from isms.models.approvals import EDITABLE_STATES, ApprovalState
from isms.models.audit import AuditAction

OBJECTIVE_FIELDS = (
    *OWN,
    "impact_over_time",
    "achievable_rto_minutes",
    "achievable_rpo_minutes",
    "notes",
)
PLAN_FIELDS = ("title", "strategy", "content", "status", "owner", "test_interval_days")
EXERCISE_FIELDS = (
    "held_on",
    "kind",
    "scenario",
    "achieved_rto_minutes",
    "achieved_rpo_minutes",
    "result",
    "observations",
)


# From this many assets to recompute, one pass over the whole graph in memory beats one
# upward walk per asset (benchmarks/continuity_bench.py: a first derivation of the
# 100,000-asset graph took 25 s with walks; a user's edit touches tens to a few thousand).
FULL_PASS_FROM = 5_000
# Rows per multi-row write: 2,000 x 5 values stays under SQLite's 32,766 bound
# parameters, and 43 statements insert a first derivation's 85,000 rows.
WRITE_ROWS = 2_000
_KEPT = ("achievable_rto_minutes", "achievable_rpo_minutes", "notes", "impact_over_time")


def objectives_refresh(*, asset_ids: Iterable[int]) -> set[int]:
    """Recompute the required objectives of `asset_ids` (the strictest own figure of the
    asset and of everything above it); the ids whose figures changed. Rows are created
    for assets that inherit something and deleted when nothing is left on them.

    Set-based: the figures come from one upward walk per 500 assets for a small change,
    or from one pass over the whole graph in memory for a large one (FULL_PASS_FROM);
    the rows are read in one query per 500 assets (or one), and written in bulk."""
    targets = set(asset_ids)
    if not targets or not RecoveryObjective.objects.exists():
        return set()  # no BIA yet: nothing to walk for
    table = RecoveryObjective._meta.db_table
    if len(targets) >= FULL_PASS_FROM:
        fresh = graph.minimum_above_all(table=table, key="asset_id", columns=OWN)
    else:
        fresh = graph.minimum_above(targets, table=table, key="asset_id", columns=OWN)
    existing = _stored(targets)
    none = (None,) * len(REQUIRED)
    changed, to_update, to_create, to_delete = set(), [], [], []
    for asset_id in targets:
        values = fresh.get(asset_id, none)
        row = existing.get(asset_id)
        if row is None:
            if values != none:
                to_create.append((asset_id, *values))
                changed.add(asset_id)
            continue
        if row["required"] == values:
            continue
        changed.add(asset_id)
        if values == none and not row["kept"]:
            to_delete.append(row["pk"])
        else:
            to_update.append((row["pk"], *values))
    _insert_required(to_create)
    _write_required(to_update)
    for start in range(0, len(to_delete), graph.CHUNK):
        RecoveryObjective.objects.filter(pk__in=to_delete[start : start + graph.CHUNK]).delete()
    return changed


def _stored(targets: set[int]) -> dict[int, dict]:
    """{asset id: {pk, required figures, kept: whether anything but the required figures
    is set}} for the objective rows of `targets` (the whole table read once when most
    of it is wanted)."""
    fields = ("pk", "asset_id", *REQUIRED, *OWN, *_KEPT)
    if len(targets) >= FULL_PASS_FROM:
        queries = [RecoveryObjective.objects.values_list(*fields)]
    else:
        ids = sorted(targets)
        queries = (
            RecoveryObjective.objects.filter(
                asset_id__in=ids[start : start + graph.CHUNK]
            ).values_list(*fields)
            for start in range(0, len(ids), graph.CHUNK)
        )
    stored = {}
    for query in queries:
        for pk, asset_id, *rest in query:
            if asset_id not in targets:
                continue
            required, kept = tuple(rest[: len(REQUIRED)]), rest[len(REQUIRED) :]
            stored[asset_id] = {
                "pk": pk,
                "required": required,
                # Nothing own and nothing inherited: deleted (RecoveryObjective.is_empty).
                "kept": any(value not in (None, "", []) for value in kept),
            }
    return stored


def _insert_required(rows: list[tuple]) -> None:
    """Create rows (asset id, *required figures) that hold only inherited figures, with
    one multi-row INSERT per 500: a first derivation creates one per asset below a BIA,
    and bulk_create spent most of its time building and preparing model instances."""
    if not rows:
        return
    table = RecoveryObjective._meta.db_table
    # The other columns that need a value: an empty list of impacts, no notes, now.
    now = RecoveryObjective._meta.get_field("updated_at").get_db_prep_save(
        timezone.now(), connection
    )
    columns = ", ".join(("asset_id", *REQUIRED, "impact_over_time", "notes", "updated_at"))
    placeholders = "(" + ", ".join(["%s"] * (1 + len(REQUIRED))) + ", '[]', '', %s)"
    with connection.cursor() as cursor:
        for start in range(0, len(rows), WRITE_ROWS):
            chunk = rows[start : start + WRITE_ROWS]
            cursor.execute(
                f"INSERT INTO {table} ({columns}) "  # noqa: S608 - names are ours
                f"VALUES {', '.join([placeholders] * len(chunk))}",
                [item for row in chunk for item in (*row, now)],
            )


def _write_required(rows: list[tuple]) -> None:
    """Store (pk, *required figures) rows with one `UPDATE … FROM (VALUES …)` per 500
    rows, as assets.services stores values at stake: far cheaper than bulk_update's
    CASE WHEN on a large derivation (PostgreSQL and SQLite)."""
    table = RecoveryObjective._meta.db_table
    names = ", ".join(REQUIRED)
    sets = ", ".join(f"{name} = CAST(v.{name} AS integer)" for name in REQUIRED)
    placeholders = "(" + ", ".join(["%s"] * (1 + len(REQUIRED))) + ")"
    with connection.cursor() as cursor:
        for start in range(0, len(rows), WRITE_ROWS):
            chunk = rows[start : start + WRITE_ROWS]
            cursor.execute(
                f"WITH v(id, {names}) AS (VALUES {', '.join([placeholders] * len(chunk))}) "  # noqa: S608
                f"UPDATE {table} SET {sets} FROM v WHERE {table}.id = v.id",
                [item for row in chunk for item in row],
            )


@audit.acts_as_user
@transaction.atomic
def objective_save(*, asset: Asset, user, data: dict) -> RecoveryObjective:
    """Set the BIA of `asset` (its own objectives, impact over time, what it can
    achieve), then re-derive the required objectives of everything below it."""
    _lock_graph()
    row, created = RecoveryObjective.objects.get_or_create(asset=asset)
    before = audit.snapshot(row, exclude=(*REQUIRED, "updated_at"))
    for name in OBJECTIVE_FIELDS:
        if name in data:
            setattr(row, name, data[name])
    row.full_clean(exclude=["asset"])
    row.save()
    changes = audit.diff(before, audit.snapshot(row, exclude=(*REQUIRED, "updated_at")))
    if changes or created:
        audit.record(
            row,
            AuditAction.CREATE if created else AuditAction.UPDATE,
            changes=changes,
            message=f"Recovery objectives of {asset.ref}",
        )
    objectives_refresh(asset_ids=graph.down_closure([asset.pk]))
    # An objective cleared of everything, with nothing inherited, is deleted.
    return RecoveryObjective.objects.filter(asset=asset).first() or RecoveryObjective(asset=asset)


def _next_plan_number() -> int:
    return numbering.next_number(ContinuityPlan.objects.all(), sequence="continuity.plan")


@audit.acts_as_user
@transaction.atomic
def plan_create(*, user, data: dict) -> ContinuityPlan:
    """Create a continuity plan (BCP-001...) covering some essential processes."""
    number = _next_plan_number()
    plan = ContinuityPlan(number=number, ref=f"BCP-{number:03d}")
    for name in PLAN_FIELDS:
        if name in data:
            setattr(plan, name, data[name])
    if plan.owner is None:
        plan.owner = user
    plan.full_clean()
    plan.save()
    _set_processes(plan, data.get("processes"))
    audit.record_created(plan)
    return plan


def _set_processes(plan: ContinuityPlan, processes) -> None:
    if processes is None:
        return
    processes = list(processes)
    wrong = [a.ref for a in processes if a.asset_class != "essential"]
    if wrong:
        raise ValidationError(
            {"processes": _("Only essential assets are covered by a plan: %s.") % ", ".join(wrong)}
        )
    plan.processes.set(processes)


@audit.acts_as_user
@transaction.atomic
def plan_update(*, plan: ContinuityPlan, user, data: dict) -> ContinuityPlan:
    """Edit a plan; a change of its text or strategy makes a new version."""
    plan = ContinuityPlan.objects.select_for_update().get(pk=plan.pk)
    before = audit.snapshot(plan)
    for name in PLAN_FIELDS:
        if name in data:
            setattr(plan, name, data[name])
    if plan.content != before["content"] or plan.strategy != before["strategy"]:
        plan.version += 1
    plan.full_clean()
    plan.save()
    _set_processes(plan, data.get("processes"))
    audit.record_change(plan, before)
    return plan


@audit.acts_as_user
@transaction.atomic
def exercise_record(*, plan: ContinuityPlan, user, data: dict) -> ContinuityExercise:
    """Record a test or exercise of `plan` with its result."""
    exercise = ContinuityExercise(plan=plan, recorded_by=user)
    for name in EXERCISE_FIELDS:
        if name in data:
            setattr(exercise, name, data[name])
    exercise.full_clean()
    exercise.save()
    audit.record_created(exercise, message=f"Exercise of {plan.ref}")
    return exercise


@audit.acts_as_user
@transaction.atomic
def plan_submit(*, plan: ContinuityPlan, user, comment: str = "") -> ContinuityPlanVersion:
    """Submit the plan as it stands for management approval: a new version (or the
    draft / sent-back version, refreshed), then the one approval workflow."""
    plan = ContinuityPlan.objects.select_for_update().get(pk=plan.pk)
    if plan.versions.filter(approval_state=ApprovalState.IN_REVIEW).exists():
        raise ValidationError(_awaiting(plan))
    if not (plan.strategy.strip() or plan.content.strip()):
        raise ValidationError({"content": _("Write the plan before submitting it.")})
    snapshot = {
        "title": plan.title,
        "strategy": plan.strategy,
        "content": plan.content,
        "processes": sorted(plan.processes.values_list("ref", flat=True)),
    }
    version = plan.versions.filter(approval_state__in=EDITABLE_STATES).first()
    if version is None:
        last = plan.versions.first()
        version = ContinuityPlanVersion(
            plan=plan, number=(last.number + 1) if last else 1, created_by=user
        )
    for name, value in snapshot.items():
        setattr(version, name, value)
    version.save()
    audit.record_created(version, message=f"Submitted {version}")
    return approvals.approval_request_submit(obj=version, user=user, comment=comment)


def _awaiting(plan) -> str:
    return _("A version of %s is already awaiting approval.") % plan.ref


def plan_version_editors(version: ContinuityPlanVersion):
    """Who may not approve a version: the person who submitted it."""
    return [version.created_by]
