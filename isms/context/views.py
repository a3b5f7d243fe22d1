"""Pages of the context app: measures with their trend against target, objectives
with their progress. Writes go through the API (docs/context.md)."""

from django.contrib.auth.decorators import permission_required
from django.shortcuts import render

from isms.context import charts, selectors


@permission_required("context.view_measure", raise_exception=True)
def measure_list(request):
    """Each measure, its latest value and its trend against the target (an SVG line)."""
    rows = []
    for measure in selectors.measures_with_series().order_by("number"):
        series = list(measure.measurements.all())[-24:]
        rows.append(
            {
                "measure": measure,
                "latest": series[-1] if series else None,
                "trend": charts.trend(
                    [m.value for m in series], [m.period for m in series], measure.target
                ),
            }
        )
    return render(
        request,
        "context/measure_list.html",
        {"rows": rows, "width": charts.WIDTH, "height": charts.HEIGHT},
    )


@permission_required("context.view_objective", raise_exception=True)
def objective_list(request):
    """Each objective, its owner, due date, status and its measure against target."""
    return render(
        request, "context/objective_list.html", {"rows": selectors.objectives_fulfilment()}
    )
