"""Every write to the asset inventory.

Each service runs in one transaction, checks its business rules, writes the audit
trail (isms.audit) and keeps the stored value at stake correct:

- a change of an asset's own value by d adds d to the asset and to every asset it
  depends on, directly or transitively (each counts it exactly once);
- a change of dependencies recomputes, in one recursive query per 500 assets, the
  assets below the changed edge.

Then every `assets.hooks.value_at_stake_listeners` is called, still inside the
transaction, with the ids of the assets whose figure changed. Graph writes are
serialised (an advisory lock on PostgreSQL; SQLite serialises writers already), so two
concurrent edits can neither close a loop nor leave a stale sum.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import F, IntegerField
from django.db.models.deletion import ProtectedError
from django.db.models.functions import Cast, Substr
from django.utils import timezone

from assets import graph, importing
from assets.choices import EDITABLE_FIELDS
from assets.hooks import dependency_listeners, value_at_stake_listeners
from assets.importing import ImportRow
from assets.models import Asset, AssetDependency, AwsService
from isms import audit, numbering
from isms.models.audit import AuditAction

BULK_FIELDS = ("owner", "review_interval_days")
# What asset_create / asset_update take: the editable fields and a personnel asset's person.
SETTABLE_FIELDS = (*EDITABLE_FIELDS, "person")
# Derived or automatic: recorded nowhere in the audit trail.
_NOT_AUDITED = ("value_at_stake_usd", "created_at", "updated_at")
CENT = Decimal("0.01")
_GRAPH_LOCK_KEY = 0x15A55E7  # any constant shared by every process of the installation


class AssetInUse(ValidationError):
    """Deleting the asset would break records that depend on it."""


# --- Helpers ------------------------------------------------------------------------------


def _lock_graph() -> None:
    """Serialise writes to values and dependencies until the transaction ends."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_GRAPH_LOCK_KEY])


def _snapshot(asset: Asset) -> dict:
    return audit.snapshot(asset, exclude=_NOT_AUDITED)


def _record_change(asset: Asset, before: dict, *, message: str = "") -> None:
    changes = audit.diff(before, _snapshot(asset))
    if changes:
        audit.record(asset, AuditAction.UPDATE, changes=changes, message=message)


def normalise_tags(tags) -> list[str]:
    """Tags as a list of distinct, trimmed, lower-case labels, in the order given."""
    if isinstance(tags, str):
        tags = tags.replace(";", ",").split(",")
    seen: list[str] = []
    for tag in tags or ():
        label = str(tag).strip().lower()
        if label and label not in seen:
            seen.append(label)
    return seen


def next_ref() -> str:
    """The next free generated reference: A-001, A-002, ... (after the highest A-n),
    with the sequence locked until the transaction ends (isms.numbering)."""
    generated = Asset.objects.filter(ref__regex=r"^A-[0-9]+$").annotate(
        ref_number=Cast(Substr("ref", 3), IntegerField())
    )
    return f"A-{numbering.next_number(generated, sequence='assets.asset', field='ref_number'):03d}"


def _review_date(asset: Asset) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=asset.review_interval_days)


def _refresh_values(asset_ids: Iterable[int]) -> set[int]:
    """Recompute the stored value at stake of `asset_ids`; the ids whose figure changed."""
    targets = set(asset_ids)
    if not targets:
        return set()
    fresh = graph.values_at_stake(targets)
    current = dict(Asset.objects.filter(pk__in=targets).values_list("pk", "value_at_stake_usd"))
    stale = {pk: value for pk, value in fresh.items() if current.get(pk) != value}
    _write_values(stale)
    for listener in dependency_listeners:
        listener(asset_ids=targets)
    return set(stale)


def _write_values(values: dict[int, Decimal]) -> None:
    """Store many figures with one `UPDATE … FROM (VALUES …)` per 500 assets: far
    cheaper than bulk_update's CASE WHEN on large recomputes (SQLite and PostgreSQL)."""
    table = Asset._meta.db_table
    rows = sorted(values.items())
    with connection.cursor() as cursor:
        for start in range(0, len(rows), graph.CHUNK):
            chunk = rows[start : start + graph.CHUNK]
            cursor.execute(
                f"WITH v(id, total) AS (VALUES {', '.join(['(%s, %s)'] * len(chunk))}) "  # noqa: S608
                f"UPDATE {table} SET value_at_stake_usd = v.total FROM v WHERE {table}.id = v.id",
                [item for pair in chunk for item in pair],
            )


def _shift_values(asset_id: int, delta: Decimal) -> set[int]:
    """An asset's own value moved by `delta`: so did the value at stake of the asset and
    of everything below it (each counts the asset exactly once)."""
    if not delta:
        return set()
    below = graph.down_closure([asset_id])
    ids = sorted(below)
    for start in range(0, len(ids), graph.CHUNK):
        Asset.objects.filter(pk__in=ids[start : start + graph.CHUNK]).update(
            value_at_stake_usd=F("value_at_stake_usd") + delta
        )
    return below


def _announce(asset_ids: set[int]) -> None:
    if asset_ids:
        for listener in value_at_stake_listeners:
            listener(asset_ids=set(asset_ids))


def _loop_message(path: list[int]) -> str:
    names = {a.pk: f"{a.ref} {a.name}" for a in Asset.objects.filter(pk__in=path)}
    return "This dependency would create a loop: " + " → ".join(names[pk] for pk in path) + "."


def _check_edge(dependent: Asset, dependency: Asset) -> None:
    """Refuse an edge to itself, or one that closes a loop (naming the loop)."""
    if dependent.pk == dependency.pk:
        raise ValidationError(
            {"depends_on": "An asset cannot depend on itself."}, code="dependency_self"
        )
    path = graph.find_path(dependency.pk, dependent.pk)
    if path is not None:
        # dependent -> dependency -> ... -> dependent
        raise ValidationError(
            {"depends_on": _loop_message([dependent.pk, *path])}, code="dependency_loop"
        )


def _add_edges(dependent: Asset, dependencies: Iterable[Asset]) -> set[int]:
    """Add edges after checking each for loops; the ids whose value must be recomputed."""
    existing = set(dependent.dependency_links.values_list("dependency_id", flat=True))
    new = [d for d in dependencies if d.pk not in existing]
    for dependency in new:
        _check_edge(dependent, dependency)
    AssetDependency.objects.bulk_create(
        [AssetDependency(dependent=dependent, dependency=d) for d in new]
    )
    return graph.down_closure([d.pk for d in new]) if new else set()


def _remove_edges(dependent: Asset, dependency_ids: Iterable[int]) -> set[int]:
    ids = set(dependency_ids)
    if not ids:
        return set()
    below = graph.down_closure(ids)
    AssetDependency.objects.filter(dependent=dependent, dependency_id__in=ids).delete()
    return below


def _set_edges(asset: Asset, dependencies: Iterable[Asset]) -> set[int]:
    wanted = {d.pk: d for d in dependencies}
    current = set(asset.dependency_links.values_list("dependency_id", flat=True))
    touched = _remove_edges(asset, current - wanted.keys())
    touched |= _add_edges(asset, [d for pk, d in wanted.items() if pk not in current])
    return touched


def _validate(asset: Asset, *, checked_in_bulk: bool = False) -> None:
    """The model's checks. `checked_in_bulk` skips those that cost a query per asset
    (ref uniqueness, constraints, the owner's existence), for a caller that has done
    them for a whole batch (the import)."""
    asset.tags = normalise_tags(asset.tags)
    if checked_in_bulk:
        asset.full_clean(
            exclude=["value_at_stake_usd", "owner"],
            validate_unique=False,
            validate_constraints=False,
        )
    else:
        asset.full_clean(exclude=["value_at_stake_usd"], validate_unique=True)
    # Stored with cents: so "1000" and "1000.00" are one value, in sums and in the trail.
    asset.value_usd = asset.value_usd.quantize(CENT)


# --- Services ------------------------------------------------------------------------------


@audit.acts_as_user
@transaction.atomic
def asset_create(
    *,
    user,
    data: dict,
    depends_on: Iterable[Asset] = (),
    aws_services: Iterable[AwsService] = (),
) -> Asset:
    """Create an asset from `data` (field values; its ref is generated when none is
    given), link what it depends on and the AWS services it runs on, and record it in the
    audit trail as `user`'s doing."""
    _lock_graph()
    fields = dict(data)
    unknown = set(fields) - set(SETTABLE_FIELDS)
    if unknown:
        raise TypeError(f"asset_create() got unexpected fields: {', '.join(sorted(unknown))}")
    asset = Asset(**fields)
    if not asset.ref:
        asset.ref = next_ref()
    if asset.next_review_date is None:
        asset.next_review_date = _review_date(asset)
    _validate(asset)
    asset.value_at_stake_usd = asset.value_usd
    asset.save()
    asset.aws_services.set(list(aws_services))
    changed = {asset.pk} | _refresh_values(_add_edges(asset, depends_on))
    audit.record(asset, AuditAction.CREATE, changes=_snapshot(asset))
    _announce(changed)
    return asset


@audit.acts_as_user
@transaction.atomic
def asset_update(
    *,
    asset: Asset,
    user,
    data: dict,
    depends_on: Iterable[Asset] | None = None,
    aws_services: Iterable[AwsService] | None = None,
) -> Asset:
    """Change the asset's fields given in `data` and, when given, replace its
    dependencies and AWS services; value at stake follows, and the audit trail records
    the differences as `user`'s doing."""
    _lock_graph()
    fields = dict(data)
    unknown = set(fields) - set(SETTABLE_FIELDS)
    if unknown:
        raise TypeError(f"asset_update() got unexpected fields: {', '.join(sorted(unknown))}")
    asset = Asset.objects.get(pk=asset.pk)  # the stored state, not a form's half-edited copy
    before = _snapshot(asset)
    old_value = asset.value_usd
    for name, value in fields.items():
        setattr(asset, name, value)
    interval_changed = before["review_interval_days"] != asset.review_interval_days
    if interval_changed and "next_review_date" not in fields:
        asset.next_review_date = _review_date(asset)
    if asset.next_review_date is None:
        asset.next_review_date = _review_date(asset)
    _validate(asset)
    asset.save()
    changed = _shift_values(asset.pk, asset.value_usd - old_value)
    if aws_services is not None:
        asset.aws_services.set(list(aws_services))
    if depends_on is not None:
        changed |= _refresh_values(_set_edges(asset, list(depends_on)))
    asset.refresh_from_db(fields=["value_at_stake_usd"])
    _record_change(asset, before)
    _announce(changed)
    return asset


@audit.acts_as_user
@transaction.atomic
def asset_dependency_add(*, dependent: Asset, dependency: Asset, user) -> AssetDependency:
    """Record that `dependent` needs `dependency`; a loop is refused with the loop named."""
    _lock_graph()
    before = _snapshot(dependent)
    touched = _add_edges(dependent, [dependency])
    if not touched:
        raise ValidationError(
            {"depends_on": f"{dependent.ref} already depends on {dependency.ref}."},
            code="dependency_exists",
        )
    changed = _refresh_values(touched)
    _record_change(dependent, before, message=f"Now depends on {dependency}")
    _announce(changed)
    return AssetDependency.objects.get(dependent=dependent, dependency=dependency)


@audit.acts_as_user
@transaction.atomic
def asset_dependency_remove(*, dependent: Asset, dependency: Asset, user) -> None:
    """Remove the edge `dependent` -> `dependency` (nothing happens when there is none)."""
    _lock_graph()
    before = _snapshot(dependent)
    if not AssetDependency.objects.filter(dependent=dependent, dependency=dependency).exists():
        return
    changed = _refresh_values(_remove_edges(dependent, [dependency.pk]))
    _record_change(dependent, before, message=f"No longer depends on {dependency}")
    _announce(changed)


def asset_delete_blockers(*, asset: Asset) -> dict:
    """What deleting `asset` would affect: the assets that depend on it, and any other
    record (a risk, an AWS resource link...) that points at it, by type."""
    dependents = list(asset.dependents.order_by("ref"))
    others = {}
    for relation in asset._meta.related_objects:
        if relation.related_model in (Asset, AssetDependency):
            continue  # the dependency graph itself: listed as `dependents`
        if relation.one_to_one:
            count = relation.related_model._default_manager.filter(
                **{relation.field.name: asset}
            ).count()
        else:
            count = getattr(asset, relation.get_accessor_name()).count()
        if count:
            others[str(relation.related_model._meta.verbose_name_plural)] = count
    return {"dependents": dependents, "others": others}


@audit.acts_as_user
@transaction.atomic
def asset_delete(*, asset: Asset, user, force: bool = False) -> None:
    """Delete an asset. Refused while other assets or records depend on it unless
    `force`: then the dependency links are removed explicitly (and recorded), and the
    value at stake of what the asset depended on drops by its value."""
    _lock_graph()
    blockers = asset_delete_blockers(asset=asset)
    if (blockers["dependents"] or blockers["others"]) and not force:
        parts = []
        if blockers["dependents"]:
            refs = ", ".join(a.ref for a in blockers["dependents"][:10])
            more = len(blockers["dependents"]) - 10
            parts.append(f"assets {refs}{f' and {more} more' if more > 0 else ''} depend on it")
        parts += [f"{count} {name}" for name, count in blockers["others"].items()]
        raise AssetInUse(
            f"{asset.ref} is still in use ({'; '.join(parts)}). Confirm to delete it anyway.",
            code="asset_in_use",
        )
    deleted_state = _snapshot(asset)
    for dependent in blockers["dependents"]:
        before = _snapshot(dependent)
        AssetDependency.objects.filter(dependent=dependent, dependency=asset).delete()
        _record_change(dependent, before, message=f"{asset} was deleted")
    below = graph.down_closure([asset.pk]) - {asset.pk}
    AssetDependency.objects.filter(dependent=asset).delete()
    audit.record(asset, AuditAction.DELETE, changes=deleted_state)
    try:
        asset.delete()
    except ProtectedError as exc:
        kinds = sorted({str(o._meta.verbose_name_plural) for o in exc.protected_objects})
        raise AssetInUse(
            f"{asset.ref} cannot be deleted while these records point at it: "
            f"{', '.join(kinds)}. Change them first.",
            code="asset_protected",
        ) from None
    _announce(_refresh_values(below))


@audit.acts_as_user
@transaction.atomic
def asset_bulk_update(*, assets: Iterable[Asset], user, data: dict) -> int:
    """Set the owner and/or review interval (`data`) of many assets at once (one audit
    event each, as `user`'s doing)."""
    fields = dict(data)
    unknown = set(fields) - set(BULK_FIELDS)
    if unknown or not fields:
        raise TypeError(f"asset_bulk_update() sets only {', '.join(BULK_FIELDS)}")
    if "review_interval_days" in fields and int(fields["review_interval_days"]) < 1:
        raise ValidationError({"review_interval_days": "The interval is at least one day."})
    ids = [a.pk for a in assets]
    rows = list(Asset.objects.select_for_update().filter(pk__in=ids))
    befores = {a.pk: _snapshot(a) for a in rows}
    for asset in rows:
        for name, value in fields.items():
            setattr(asset, name, value)
        if "review_interval_days" in fields:
            asset.next_review_date = _review_date(asset)
        asset.updated_at = timezone.now()
    names = [*fields, "updated_at"] + (
        ["next_review_date"] if "review_interval_days" in fields else []
    )
    Asset.objects.bulk_update(rows, names, batch_size=500)
    audit.record_many(
        rows,
        AuditAction.UPDATE,
        changes_for=lambda a: audit.diff(befores[a.pk], _snapshot(a)),
        message="Bulk edit",
    )
    return len(rows)


@audit.acts_as_user
@transaction.atomic
def asset_mark_reviewed(*, asset: Asset, user) -> Asset:
    """The owner or security manager reviewed the asset: the next review is one interval
    from today."""
    asset = Asset.objects.select_for_update().get(pk=asset.pk)
    before = _snapshot(asset)
    asset.next_review_date = _review_date(asset)
    asset.save(update_fields=["next_review_date", "updated_at"])
    _record_change(asset, before, message="Reviewed")
    return asset


@transaction.atomic
def asset_values_recompute(*, asset_ids: Iterable[int] | None = None) -> set[int]:
    """Recompute stored values at stake from scratch (all assets when no ids are given):
    a repair tool and the last step of bulk loads. Returns the ids that changed."""
    _lock_graph()
    ids = list(asset_ids) if asset_ids is not None else Asset.objects.values_list("pk", flat=True)
    changed = _refresh_values(ids)
    _announce(changed)
    return changed


# --- Import -------------------------------------------------------------------------------


class ImportFailed(ValidationError):
    """The import was refused as a whole; `errors` lists every (row number, reason)."""

    def __init__(self, errors: list[tuple[int, str]]):
        self.errors = sorted(errors)
        super().__init__([f"Row {n}: {m}" for n, m in self.errors], code="import_failed")


@audit.acts_as_user
@transaction.atomic
def asset_import(*, records: list[tuple[int, dict[str, str]]], user) -> dict:
    """Create or update (by ref) one asset per row, and set each row's dependencies (by
    ref) and AWS services, in bulk: a few queries per thousand rows, not a service call
    per row.

    `records` are (row number, {column: text}) as `importing.read_table()` returns them.
    The checks are those of asset_create/asset_update (fields, class/category, refs,
    owners, service codes, missing refs, loops, in row order). All or nothing: any error
    rolls the whole import back and raises ImportFailed listing every bad row with its
    number and the reason. Value at stake is recomputed once, for the assets the import
    can affect; the audit trail gets one event per asset, written in bulk."""
    _lock_graph()
    rows = importing.clean_records(records)
    errors = [(row.number, message) for row in rows for message in row.errors]
    failed_refs = {row.ref for row in rows if row.errors}
    every_row, rows = rows, [row for row in rows if not row.errors]

    existing = _by_ref([row.ref for row in rows if row.ref])
    befores = _snapshots(existing.values())
    named_refs = {row.ref for row in every_row}
    fresh_refs = iter(_free_refs(sum(1 for row in rows if not row.ref), named_refs))
    created, updated, value_moved = [], [], set()
    for row in rows:
        asset = existing.get(row.ref)
        if asset is None:
            asset = Asset(**row.fields)
            asset.ref = asset.ref or next(fresh_refs)
            if asset.next_review_date is None:
                asset.next_review_date = _review_date(asset)
        else:
            old_value, old_interval = asset.value_usd, asset.review_interval_days
            for name, value in row.fields.items():
                setattr(asset, name, value)
            moved = old_interval != asset.review_interval_days
            if asset.next_review_date is None or (moved and "next_review_date" not in row.fields):
                asset.next_review_date = _review_date(asset)
        try:
            # Refs are unique by construction (existing ones update, new ones are checked
            # against the file and the highest A-n) and owners were looked up in bulk.
            _validate(asset, checked_in_bulk=True)
        except ValidationError as exc:
            errors.append((row.number, _message(exc)))
            failed_refs.add(row.ref)
            continue
        row.asset = asset
        if asset.pk is None:
            asset.value_at_stake_usd = asset.value_usd
            created.append(asset)
        else:
            updated.append(asset)
            if asset.value_usd != old_value:
                value_moved.add(asset.pk)
    rows = [row for row in rows if row.asset is not None]

    Asset.objects.bulk_create(created, batch_size=1000)
    if updated:
        now = timezone.now()
        for asset in updated:
            asset.updated_at = now
        names = {name for row in rows for name in row.fields} | {"next_review_date", "updated_at"}
        Asset.objects.bulk_update(updated, sorted(names), batch_size=500)
    _import_services(rows)
    targets, edge_errors = _import_edges(every_row, failed_refs)
    errors += edge_errors
    if errors:
        raise ImportFailed(errors)

    seeds = {a.pk for a in created} | value_moved | targets
    changed = _refresh_values(graph.down_closure(seeds)) | {a.pk for a in created}
    afters = _snapshots([row.asset for row in rows])
    audit.record_many(created, AuditAction.CREATE, changes_for=lambda a: afters[a.pk])
    audit.record_many(
        [a for a in updated if audit.diff(befores[a.pk], afters[a.pk])],
        AuditAction.UPDATE,
        changes_for=lambda a: audit.diff(befores[a.pk], afters[a.pk]),
        message="Import",
    )
    audit.record(
        None,
        AuditAction.IMPORT,
        message=f"Asset import: {len(created)} created, {len(updated)} updated.",
    )
    _announce(changed)
    return {"created": len(created), "updated": len(updated)}


def _by_ref(refs: Iterable[str]) -> dict[str, Asset]:
    refs = sorted(set(refs))
    found = {}
    for start in range(0, len(refs), graph.CHUNK):
        found.update(
            (a.ref, a) for a in Asset.objects.filter(ref__in=refs[start : start + graph.CHUNK])
        )
    return found


def _free_refs(count: int, taken: set[str]) -> list[str]:
    """`count` generated refs after the highest A-n, skipping those the file names."""
    if not count:
        return []
    number = int(next_ref().removeprefix("A-"))
    refs = []
    while len(refs) < count:
        ref = f"A-{number:03d}"
        if ref not in taken:
            refs.append(ref)
        number += 1
    return refs


def _snapshots(assets: Iterable[Asset]) -> dict[int, dict]:
    """`_snapshot()` of many assets, with one query per 500 for each many-to-many
    relation instead of two per asset."""
    assets = list(assets)
    ids = sorted(a.pk for a in assets)
    depends_on: dict[int, list[int]] = {pk: [] for pk in ids}
    services_of: dict[int, list[int]] = {pk: [] for pk in ids}
    through = Asset.aws_services.through
    for start in range(0, len(ids), graph.CHUNK):
        chunk = ids[start : start + graph.CHUNK]
        for dependent, dependency in AssetDependency.objects.filter(
            dependent_id__in=chunk
        ).values_list("dependent_id", "dependency_id"):
            depends_on[dependent].append(dependency)
        for asset, service in through.objects.filter(asset_id__in=chunk).values_list(
            "asset_id", "awsservice_id"
        ):
            services_of[asset].append(service)
    result = {}
    for asset in assets:
        data = audit.snapshot(asset, exclude=_NOT_AUDITED, m2m=False)
        data["depends_on"] = sorted(depends_on[asset.pk])
        data["aws_services"] = sorted(services_of[asset.pk])
        result[asset.pk] = data
    return result


def _import_services(rows) -> None:
    """Replace the AWS services of the rows whose file has the column."""
    through = Asset.aws_services.through
    rows = [row for row in rows if row.aws_services is not None]
    ids = sorted(row.asset.pk for row in rows)
    for start in range(0, len(ids), graph.CHUNK):
        through.objects.filter(asset_id__in=ids[start : start + graph.CHUNK]).delete()
    through.objects.bulk_create(
        [
            through(asset_id=row.asset.pk, awsservice_id=s.pk)
            for row in rows
            for s in row.aws_services
        ],
        batch_size=2000,
    )


def _import_edges(rows, failed_refs: set[str]) -> tuple[set[int], list[tuple[int, str]]]:
    """Replace the dependencies of the rows whose file has the column, refusing loops
    in row order as asset_dependency_add would (a row that closes a loop is reported
    and its new links dropped). Returns the assets below a changed link (their value
    at stake must be recomputed) and the errors. Rows refused earlier (no `asset`)
    are still checked for refs that exist nowhere, so that every problem is listed.

    The loop check runs in memory over the part of the graph the new links can reach
    (one recursive query and one edge query per 500 assets), not one walk per link."""
    errors: list[tuple[int, str]] = []
    by_ref = {row.asset.ref: row.asset for row in rows if row.asset is not None}
    named = {ref for row in rows for ref in row.depends_on or ()}
    by_ref.update(_by_ref(named - by_ref.keys()))
    wanted: list[tuple[ImportRow, list[int]]] = []
    for row in rows:
        if row.depends_on is None:
            continue
        missing = [r for r in row.depends_on if r not in by_ref and r not in failed_refs]
        if missing:
            errors.append((row.number, f"depends_on: no asset has ref {', '.join(missing)}."))
        # A link to a refused row is reported on that row, not again here.
        elif row.asset is not None and not any(r in failed_refs for r in row.depends_on):
            wanted.append((row, list(dict.fromkeys(by_ref[r].pk for r in row.depends_on))))

    current: dict[int, dict[int, int]] = {row.asset.pk: {} for row, _ids in wanted}
    ids = sorted(current)
    for start in range(0, len(ids), graph.CHUNK):
        for pk, dependent, dependency in AssetDependency.objects.filter(
            dependent_id__in=ids[start : start + graph.CHUNK]
        ).values_list("pk", "dependent_id", "dependency_id"):
            current[dependent][dependency] = pk
    stale, targets = [], set()
    for row, dependency_ids in wanted:
        for dependency, pk in current[row.asset.pk].items():
            if dependency not in dependency_ids:
                stale.append(pk)
                targets.add(dependency)
    for start in range(0, len(stale), graph.CHUNK):
        AssetDependency.objects.filter(pk__in=stale[start : start + graph.CHUNK]).delete()

    new = [
        (row, [(row.asset.pk, d) for d in dependency_ids if d not in current[row.asset.pk]])
        for row, dependency_ids in wanted
    ]
    seeds = {pk for _row, edges in new for edge in edges for pk in edge}
    below = graph.down_closure(seeds) if seeds else set()
    needs: dict[int, set[int]] = {pk: set() for pk in below}
    ids = sorted(below)
    for start in range(0, len(ids), graph.CHUNK):
        for dependent, dependency in AssetDependency.objects.filter(
            dependent_id__in=ids[start : start + graph.CHUNK]
        ).values_list("dependent_id", "dependency_id"):
            needs[dependent].add(dependency)
    accepted = []
    for row, edges in new:
        added = []
        for dependent, dependency in edges:
            path = [dependent] if dependent == dependency else _path(needs, dependency, dependent)
            if path is not None:
                message = (
                    "An asset cannot depend on itself."
                    if dependent == dependency
                    else _loop_message([dependent, *path])
                )
                errors.append((row.number, f"depends_on: {message}"))
                for edge in added:  # the row is refused as a whole
                    needs[edge[0]].discard(edge[1])
                added = []
                break
            needs[dependent].add(dependency)
            added.append((dependent, dependency))
        accepted += added
        targets.update(dependency for _dependent, dependency in added)
    AssetDependency.objects.bulk_create(
        [AssetDependency(dependent_id=a, dependency_id=b) for a, b in accepted], batch_size=2000
    )
    return targets, errors


def _path(needs: dict[int, set[int]], start: int, goal: int) -> list[int] | None:
    """The shortest chain of dependencies from `start` down to `goal` in `needs`."""
    return graph.shortest_path(
        start, goal, lambda frontier: ((n, d) for n in frontier for d in needs.get(n, ()))
    )


def _message(exc: ValidationError) -> str:
    if hasattr(exc, "error_dict"):
        return " ".join(
            " ".join(m for e in errs for m in e.messages)
            if name == "__all__"
            else f"{name}: {' '.join(m for e in errs for m in e.messages)}"
            for name, errs in exc.error_dict.items()
        )
    return " ".join(exc.messages)
