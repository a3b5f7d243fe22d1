"""The $ at stake behind findings: the value at stake of the assets linked to a
resource, and of a set of assets without counting any asset twice."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Sum

from assets import graph
from assets.models import Asset


def resource_values(links: dict[int, set[int]]) -> dict[int, Decimal]:
    """{resource id: value at stake of its linked assets}: a single asset's own value
    at stake; for several, the value of their union with everything above them, each
    asset counted once."""
    asset_ids = {a for assets in links.values() for a in assets}
    at_stake = dict(Asset.objects.filter(pk__in=asset_ids).values_list("pk", "value_at_stake_usd"))
    cache: dict[frozenset, Decimal] = {}
    result = {}
    for resource_id, assets in links.items():
        if len(assets) == 1:
            result[resource_id] = at_stake.get(next(iter(assets)), Decimal("0"))
            continue
        key = frozenset(assets)
        if key not in cache:
            cache[key] = union_value(key)
        result[resource_id] = cache[key]
    return result


def union_value(asset_ids) -> Decimal:
    """Own value of these assets and of every asset depending on them, each once."""
    if not asset_ids:
        return Decimal("0")
    ids = graph.up_closure(asset_ids)
    total = Asset.objects.filter(pk__in=ids).aggregate(total=Sum("value_usd"))["total"]
    return Decimal(str(total or 0)).quantize(Decimal("0.01"))
