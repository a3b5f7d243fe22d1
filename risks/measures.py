"""Computed ISMS measures from the risk register, registered into
`isms.context.measures.providers` (isms never imports risks)."""

import datetime
from decimal import Decimal

from django.db.models import Count, Q
from django.db.models.functions import Coalesce

from risks.choices import RiskStatus
from risks.models import MethodologyVersion, Risk


def risks_above_acceptance(day: datetime.date) -> Decimal | None:
    """Open risks whose residual level (the inherent one until treatment is scored) is
    one the methodology says needs management acceptance. One query per methodology
    version in use (a handful), whatever the size of the register."""
    risks = Risk.objects.exclude(status=RiskStatus.CLOSED).annotate(
        effective=Coalesce("residual_level", "inherent_level")
    )
    version_ids = risks.values_list("methodology_version", flat=True).distinct()
    total = 0
    for version in MethodologyVersion.objects.filter(pk__in=version_ids):
        scale = version.scale
        ranks = [r for r in range(1, len(scale.levels) + 1) if scale.needs_acceptance(r)]
        if ranks:
            total += risks.filter(methodology_version=version).aggregate(
                n=Count("pk", filter=Q(effective__in=ranks))
            )["n"]
    return Decimal(total)


def register() -> None:
    from isms.context import measures

    entry = measures.ComputedMeasure(
        "risks_above_acceptance",
        "Risks above the acceptance criteria",
        "",
        risks_above_acceptance,
    )
    measures.providers.register(entry)
