"""What the customer must secure, by layer of the shared responsibility model: for one
asset (with everything it depends on) and for the whole estate."""

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Sum

from assets import graph
from assets.catalogue import LAYERS
from assets.choices import ResponsibilityLayer
from assets.models import Asset, AwsService


@dataclass
class ServiceDuties:
    service: AwsService
    duties: list[str]
    assets: int = 0  # assets linked to the service directly
    value_relying: Decimal | None = None  # value of every asset relying on it, once each


@dataclass
class LayerDuties:
    layer: ResponsibilityLayer
    summary: str
    aws: list[str]
    customer: list[str]
    services: list[ServiceDuties] = field(default_factory=list)


def _group(services, extra=None) -> list[LayerDuties]:
    layers = {
        layer: LayerDuties(
            layer=layer,
            summary=LAYERS[layer]["summary"],
            aws=LAYERS[layer]["aws"],
            customer=LAYERS[layer]["customer"],
        )
        for layer in ResponsibilityLayer
    }
    for service in services:
        entry = ServiceDuties(service=service, duties=service.customer_responsibilities)
        if extra:
            extra(entry)
        layers[ResponsibilityLayer(service.layer)].services.append(entry)
    return list(layers.values())


def for_asset(asset: Asset) -> list[LayerDuties]:
    """The layers (with their services) of every AWS service that `asset` or anything it
    depends on, directly or transitively, runs on; layers without a service are left out."""
    ids = graph.down_closure([asset.pk])
    services = AwsService.objects.filter(assets__in=ids).distinct().order_by("name")
    return [layer for layer in _group(services) if layer.services]


def for_estate() -> list[LayerDuties]:
    """Every catalogued service by layer, with the number of assets linked to it and the
    value of all the assets that rely on it (directly or through dependencies)."""
    services = list(AwsService.objects.annotate(num_assets=Count("assets")).order_by("name"))
    used = [s for s in services if s.num_assets]
    relying: dict[int, Decimal] = {}
    for service in used:
        direct = service.assets.values_list("pk", flat=True)
        relying[service.pk] = _sum_values(graph.up_closure(direct))

    def annotate(entry):
        entry.assets = entry.service.num_assets
        entry.value_relying = relying.get(entry.service.pk)

    return _group(services, annotate)


def _sum_values(ids: set[int]) -> Decimal:
    total = Decimal(0)
    ids = sorted(ids)
    for start in range(0, len(ids), graph.CHUNK):
        chunk = ids[start : start + graph.CHUNK]
        total += Asset.objects.filter(pk__in=chunk).aggregate(v=Sum("value_usd"))["v"] or 0
    return total
