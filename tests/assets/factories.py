"""Factories of the asset inventory. Assets are created through the service, so their
value at stake and audit trail are as in real use."""

import factory

from assets import services
from assets.models import Asset


class AssetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Asset

    name = factory.Sequence(lambda n: f"Asset {n}")
    asset_class = "support"
    category = "software"
    value_usd = 1000

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        relations = {k: kwargs.pop(k) for k in ("depends_on", "aws_services") if k in kwargs}
        return services.asset_create(user=None, data=kwargs, **relations)


def essential(**kwargs):
    kwargs.setdefault("asset_class", "essential")
    kwargs.setdefault("category", "process")
    return AssetFactory(**kwargs)


def chain(*values):
    """Assets a0 -> a1 -> ... (each depends on the next), with the given own values."""
    assets = [AssetFactory(value_usd=v) for v in values]
    for upper, lower in zip(assets, assets[1:], strict=False):
        services.asset_dependency_add(dependent=upper, dependency=lower, user=None)
    return [Asset.objects.get(pk=a.pk) for a in assets]
