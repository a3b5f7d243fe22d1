"""Reads of objectives and measures shared by the dashboard, the API and the
management review (`objectives_fulfilment`, `measurement_results`)."""

from django.db.models import Prefetch

from isms.context.models import Measure, Measurement, Objective


def latest_measurements(measure_ids) -> dict:
    """The latest measurement of each measure id, in one query."""
    rows = Measurement.objects.filter(measure_id__in=list(measure_ids)).order_by(
        "measure_id", "-period_end"
    )
    latest = {}
    for row in rows.only("measure_id", "period", "period_end", "value"):
        latest.setdefault(row.measure_id, row)
    return latest


def _result(measure: Measure, latest: Measurement | None) -> dict:
    return {
        "measure": measure.reference,
        "name": measure.name,
        "unit": measure.unit,
        "target": measure.target,
        "direction": measure.direction,
        "period": latest.period if latest else None,
        "value": latest.value if latest else None,
        "meets_target": measure.meets(latest.value) if latest else None,
    }


def measurement_results() -> list[dict]:
    """Each measure's latest value against its target (a management-review input)."""
    measures = list(Measure.objects.order_by("number"))
    latest = latest_measurements(m.pk for m in measures)
    return [_result(m, latest.get(m.pk)) for m in measures]


def objectives_fulfilment() -> list[dict]:
    """Each objective with its status, due date, owner and its measure's latest value
    against the target (a management-review input)."""
    objectives = list(Objective.objects.select_related("owner", "measure").order_by("number"))
    latest = latest_measurements(o.measure_id for o in objectives if o.measure_id)
    rows = []
    for objective in objectives:
        row = {
            "id": objective.pk,
            "objective": objective.reference,
            "title": objective.title,
            "owner": str(objective.owner),
            "due_date": objective.due_date,
            "status": objective.status,
            "measure": None,
        }
        if objective.measure is not None:
            row["measure"] = _result(objective.measure, latest.get(objective.measure_id))
        rows.append(row)
    return rows


def measure_series(measure: Measure, *, limit: int = 24) -> list[Measurement]:
    """The last `limit` values of a measure, oldest first (its trend)."""
    values = list(measure.measurements.order_by("-period_end")[:limit])
    return values[::-1]


def measures_with_series():
    return Measure.objects.prefetch_related(
        Prefetch("measurements", queryset=Measurement.objects.order_by("period_end"))
    )
