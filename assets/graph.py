"""Walks of the dependency graph, done in the database with recursive CTEs.

An edge (dependent -> dependency) means "dependent needs dependency". Walking *down*
follows depends_on (what an asset needs); walking *up* follows dependents (what needs
it). `UNION` (not `UNION ALL`) makes every walk visit a node once, so a sum over an
upward walk counts each dependent asset once however many paths lead to it.

These helpers read only; the services in services.py decide when to call them.
"""

from collections.abc import Callable, Iterable
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

_AT_STAKE = f"""
WITH RECURSIVE up(target, ancestor) AS (
    SELECT id, id FROM {_ASSET} WHERE id IN ({{ids}})
    UNION
    SELECT up.target, e.dependent_id FROM up JOIN {_EDGE} e ON e.dependency_id = up.ancestor
)
SELECT up.target, SUM(a.value_usd) FROM up JOIN {_ASSET} a ON a.id = up.ancestor
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


def values_at_stake(ids: Iterable[int]) -> dict[int, Decimal]:
    """{asset id: own value + the value of every asset above it, each counted once}."""
    result = {}
    cent = Decimal("0.01")
    with connection.cursor() as cursor:
        for chunk in _chunks(ids):
            cursor.execute(_AT_STAKE.format(ids=", ".join(["%s"] * len(chunk))), chunk)
            for target, total in cursor.fetchall():
                # SQLite sums decimals as floats; str() then quantize gives back the cents.
                result[target] = Decimal(str(total or 0)).quantize(cent)
    return result


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
