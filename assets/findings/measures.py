"""Computed ISMS measures from the security findings, registered into
`isms.context.measures.providers` (isms never imports assets)."""

import datetime
import statistics
from decimal import Decimal

from django.db.models import Avg, Count, F

from assets.choices import FindingStatus, Severity
from assets.models import Finding


def _day_end(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time.max, tzinfo=datetime.UTC)


def open_critical_findings(day: datetime.date) -> Decimal | None:
    """Open findings of critical severity (one query)."""
    count = Finding.objects.filter(status=FindingStatus.OPEN, severity=Severity.CRITICAL).aggregate(
        n=Count("pk")
    )["n"]
    return Decimal(count)


def open_critical_median_age(day: datetime.date) -> Decimal | None:
    """Median age in days of the open critical findings (one query); None if none."""
    end = _day_end(day)
    seen = Finding.objects.filter(
        status=FindingStatus.OPEN, severity=Severity.CRITICAL
    ).values_list("first_seen", flat=True)
    ages = [(end - first).total_seconds() / 86400 for first in seen]
    if not ages:
        return None
    return Decimal(str(statistics.median(ages))).quantize(Decimal("0.1"))


def mean_time_to_resolve(day: datetime.date) -> Decimal | None:
    """Mean days from first seen to resolved, over findings resolved in the 90 days up to
    `day` (one query); None if none were."""
    end = _day_end(day)
    mean = Finding.objects.filter(
        resolved_at__isnull=False,
        resolved_at__lte=end,
        resolved_at__gt=end - datetime.timedelta(days=90),
    ).aggregate(mean=Avg(F("resolved_at") - F("first_seen")))["mean"]
    if mean is None:
        return None
    return Decimal(str(mean.total_seconds() / 86400)).quantize(Decimal("0.1"))


def register() -> None:
    from isms.context import measures

    for entry in (
        measures.ComputedMeasure(
            "open_critical_findings", "Open critical findings", "", open_critical_findings
        ),
        measures.ComputedMeasure(
            "open_critical_median_age",
            "Median age of open critical findings",
            "days",
            open_critical_median_age,
        ),
        measures.ComputedMeasure(
            "mean_time_to_resolve_findings",
            "Mean time to resolve findings",
            "days",
            mean_time_to_resolve,
        ),
    ):
        measures.providers.register(entry)
