"""Walks of the dependency graph, done in the database with recursive CTEs.

An edge (dependent -> dependency) means "dependent needs dependency". Walking *down*
follows depends_on (what an asset needs); walking *up* follows dependents (what needs
it). `UNION` (not `UNION ALL`) makes every walk visit a node once, so a sum over an
upward walk counts each dependent asset once however many paths lead to it.

These helpers read only; the services in services.py decide when to call them.
"""

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from decimal import Decimal

from django.db import connection

from assets.models import Asset, AssetDependency

CHUNK = 500  # ids per statement: well under SQLite's bound-parameter limit

_ASSET = Asset._meta.db_table
_EDGE = AssetDependency._meta.db_table

_DOWN = f"""
WITH RECURSIVE down(id) AS (
    SELECT id FROM {_ASSET} WHERE id IN ({{ids}})
    UNION
    SELECT e.dependency_id FROM down JOIN {_EDGE} e ON e.dependent_id = down.id
)
SELECT id FROM down
"""  # noqa: S608 - table names are ours, values are bound parameters

_UP = f"""
WITH RECURSIVE up(id) AS (
    SELECT id FROM {_ASSET} WHERE id IN ({{ids}})
    UNION
    SELECT e.dependent_id FROM up JOIN {_EDGE} e ON e.dependency_id = up.id
)
SELECT id FROM up
"""  # noqa: S608

_ABOVE = f"""
WITH RECURSIVE up(target, ancestor) AS (
    SELECT id, id FROM {_ASSET} WHERE id IN ({{ids}})
    UNION
    SELECT up.target, e.dependent_id FROM up JOIN {_EDGE} e ON e.dependency_id = up.ancestor
)
SELECT up.target, {{aggregates}} FROM up JOIN {{table}} t ON t.{{key}} = up.ancestor
GROUP BY up.target
"""  # noqa: S608


def _chunks(ids: Iterable[int]):
    ids = sorted(set(ids))
    for start in range(0, len(ids), CHUNK):
        yield ids[start : start + CHUNK]


def _walk(sql: str, ids: Iterable[int]) -> set[int]:
    found: set[int] = set()
    with connection.cursor() as cursor:
        for chunk in _chunks(ids):
            cursor.execute(sql.format(ids=", ".join(["%s"] * len(chunk))), chunk)
            found.update(row[0] for row in cursor.fetchall())
    return found


def down_closure(ids: Iterable[int]) -> set[int]:
    """`ids` and every asset they depend on, directly or transitively."""
    return _walk(_DOWN, ids)


def up_closure(ids: Iterable[int]) -> set[int]:
    """`ids` and every asset that depends on them, directly or transitively."""
    return _walk(_UP, ids)


def _above(ids: Iterable[int], *, table: str, key: str, aggregates: str):
    """Rows (target, aggregate, ...) folding `aggregates` (SQL over the alias `t`) over
    the rows of `table` whose `key` is the target or an asset above it (each once)."""
    sql = _ABOVE.replace("{table}", table).replace("{key}", key).replace("{aggregates}", aggregates)
    with connection.cursor() as cursor:
        for chunk in _chunks(ids):
            cursor.execute(sql.format(ids=", ".join(["%s"] * len(chunk))), chunk)
            yield from cursor.fetchall()


def values_at_stake(ids: Iterable[int]) -> dict[int, Decimal]:
    """{asset id: own value + the value of every asset above it, each counted once}."""
    cent = Decimal("0.01")
    # SQLite sums decimals as floats; str() then quantize gives back the cents.
    return {
        target: Decimal(str(total or 0)).quantize(cent)
        for target, total in _above(ids, table=_ASSET, key="id", aggregates="SUM(t.value_usd)")
    }


def minimum_above(ids: Iterable[int], *, table: str, key: str, columns: Sequence[str]):
    """{asset id: (MIN(column) ...)} over the rows of `table` (joined on its asset column
    `key`) that belong to the asset or to any asset above it: the strictest requirement
    that what depends on an asset puts on it (NULLs ignored; no row: not in the result).
    `table`, `key` and `columns` are trusted identifiers, never user input."""
    aggregates = ", ".join(f"MIN(t.{column})" for column in columns)
    return {
        row[0]: tuple(row[1:]) for row in _above(ids, table=table, key=key, aggregates=aggregates)
    }


def minimum_above_all(*, table: str, key: str, columns: Sequence[str]) -> dict[int, tuple]:
    """`minimum_above` for every asset, in two reads (the rows of `table` with a figure,
    every edge) and one pass in memory (`minimum_down_everywhere`): for a change that
    touches a large part of the graph (a first derivation, an import), where walking up
    from each asset would cost the sum of every asset's ancestors. Assets on or below a
    loop, if any, are computed by `minimum_above`."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {key}, {', '.join(columns)} FROM {table} "  # noqa: S608 - trusted names
            f"WHERE {' OR '.join(f'{column} IS NOT NULL' for column in columns)}"
        )
        own = {row[0]: tuple(row[1:]) for row in cursor.fetchall()}
        if not own:
            return {}
        cursor.execute(f"SELECT dependent_id, dependency_id FROM {_EDGE}")  # noqa: S608
        result, unsettled = minimum_down_everywhere(own, cursor.fetchall())
    if unsettled:
        result.update(minimum_above(unsettled, table=table, key=key, columns=columns))
    return result


_UNSET = 2**62  # stands for None (no figure) while folding: larger than any figure


def minimum_down_everywhere(
    own: dict[int, tuple], edges: Iterable[tuple[int, int]]
) -> tuple[dict[int, tuple], set[int]]:
    """`minimum_above` for every asset at once, in memory, in one pass over the graph.

    `own` maps an asset to its own figures (a tuple, None where unset); `edges` are all
    (dependent, dependency) pairs. A minimum needs no "each ancestor once" bookkeeping:
    an asset's figure is the smaller of its own and of its direct dependents' figures,
    so one walk in topological order (Kahn: an asset once all its dependents are done)
    settles everything in time linear in assets + edges, where the recursive query
    costs the sum of every asset's ancestors.

    Returns ({asset id: figures} for each asset with its own or an inherited figure,
    the ids left unsettled because they sit on or below a loop: the caller computes
    those with `minimum_above`; the inventory refuses loops, so normally none)."""
    children: defaultdict[int, list[int]] = defaultdict(list)
    for dependent, dependency in edges:
        children[dependent].append(dependency)
    waiting = Counter(dependency for kids in children.values() for dependency in kids)
    # None would need a test at every step: fold with _UNSET, map back at the end.
    result = {
        pk: tuple(_UNSET if value is None else value for value in values)
        for pk, values in own.items()
    }
    ready = [pk for pk in {*children, *own} if pk not in waiting]
    get = result.get
    while ready:
        pk = ready.pop()
        figures = get(pk)
        for child in children.get(pk, ()):
            if figures is not None:
                mine = get(child)
                if mine is None or mine == figures:
                    result[child] = figures
                else:
                    result[child] = tuple(map(min, mine, figures))
            left = waiting[child] - 1
            waiting[child] = left
            if not left:
                ready.append(child)
    unsettled = {pk for pk, left in waiting.items() if left}
    return {
        pk: tuple(None if value == _UNSET else value for value in values)
        for pk, values in result.items()
        if pk not in unsettled
    }, unsettled


def shortest_path(
    start: int, goal: int, edges_from: Callable[[set[int]], Iterable[tuple[int, int]]]
) -> list[int] | None:
    """The shortest chain of depends_on edges from `start` down to `goal`, or None.

    Breadth first: `edges_from(frontier)` gives the (dependent, dependency) edges leaving
    a whole level at once, so a database-backed search costs one query per level.
    """
    if start == goal:
        return [start]
    parent = {start: None}
    frontier = {start}
    while frontier:
        next_frontier = set()
        for dependent, dependency in edges_from(frontier):
            if dependency in parent:
                continue
            parent[dependency] = dependent
            if dependency == goal:
                path = [goal]
                while parent[path[-1]] is not None:
                    path.append(parent[path[-1]])
                return path[::-1]
            next_frontier.add(dependency)
        frontier = next_frontier
    return None


def find_path(start: int, goal: int) -> list[int] | None:
    """`shortest_path` over the stored dependency graph (one query per level)."""
    return shortest_path(
        start,
        goal,
        lambda frontier: AssetDependency.objects.filter(dependent_id__in=frontier).values_list(
            "dependent_id", "dependency_id"
        ),
    )
