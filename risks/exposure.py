"""The $ model: how much is at stake for a risk, and what it costs a year.

Value at stake of a risk: the own value (`Asset.value_usd`) of every asset in the
union of its assets and of everything that depends on them, directly or transitively,
each asset counted once. For a risk on one asset this is exactly that asset's stored
`value_at_stake_usd`; for a risk on several assets that share dependents, a shared
dependent is counted once (adding the assets' own value-at-stake figures would count
it several times).

SLE = value at stake x exposure factor (of the impact level);
ALE = SLE x annual rate of occurrence (of the likelihood level). The residual ALE uses
the residual levels' factors.
"""

from collections.abc import Iterable
from decimal import Decimal

from django.db import connection

CENT = Decimal("0.01")
CHUNK = 500


def _tables():
    from assets.models import Asset, AssetDependency
    from risks.models import Risk

    return (
        Risk.assets.through._meta.db_table,
        AssetDependency._meta.db_table,
        Asset._meta.db_table,
    )


def _sql(where: str) -> str:
    link, edge, asset = _tables()
    return f"""
        WITH RECURSIVE up(risk_id, asset_id) AS (
            SELECT ra.risk_id, ra.asset_id FROM {link} ra {where}
            UNION
            SELECT up.risk_id, e.dependent_id FROM up JOIN {edge} e ON e.dependency_id = up.asset_id
        )
        SELECT up.risk_id, SUM(a.value_usd) FROM up JOIN {asset} a ON a.id = up.asset_id
        GROUP BY up.risk_id
    """  # noqa: S608 - table names are ours, values are bound parameters


def values_at_stake(risk_ids: Iterable[int] | None = None) -> dict[int, Decimal]:
    """{risk id: value at stake} for these risks (all risks when None), in one recursive
    query per 500 risks. `UNION` makes each (risk, asset) pair count once."""
    result: dict[int, Decimal] = {}
    with connection.cursor() as cursor:
        if risk_ids is None:
            cursor.execute(_sql(""))
            rows = cursor.fetchall()
        else:
            ids = sorted(set(risk_ids))
            rows = []
            for start in range(0, len(ids), CHUNK):
                chunk = ids[start : start + CHUNK]
                placeholders = ", ".join(["%s"] * len(chunk))
                cursor.execute(_sql(f"WHERE ra.risk_id IN ({placeholders})"), chunk)
                rows.extend(cursor.fetchall())
    for risk_id, total in rows:
        result[risk_id] = Decimal(str(total or 0)).quantize(CENT)
    return result


def money(value: Decimal | None, *factors: Decimal | None) -> Decimal | None:
    """value x factors, to the cent; None when any factor is unknown."""
    if value is None or any(f is None for f in factors):
        return None
    result = Decimal(value)
    for factor in factors:
        result *= Decimal(factor)
    return result.quantize(CENT)
