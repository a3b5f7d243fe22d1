"""Steps 5 and 6: heatmaps of inherent and residual risk, and the treatment overview."""

from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.shortcuts import render

from isms.models.approvals import ApprovalState
from risks.filters import RiskFilterSet
from risks.models import RiskAcceptance
from risks.selectors import active_version, heatmaps, visible_risks


def _grid(scale, counts, prefix):
    """Rows of a heatmap, highest likelihood first: (likelihood, [(impact, count, level,
    query string that filters the register to the cell)])."""
    rows = []
    for item in reversed(scale.likelihoods):
        cells = []
        for impact in scale.impacts:
            li, im = item["value"], impact["value"]
            cells.append(
                {
                    "impact": impact,
                    "count": counts.get((li, im), 0),
                    "level": scale.level(scale.level_rank(li, im)),
                    "query": f"{prefix}_likelihood={li}&{prefix}_impact={im}",
                }
            )
        rows.append((item, cells))
    return rows


def heatmap_page(request):
    """Counts of risks per likelihood x impact cell, inherent and residual; a cell links
    to the register filtered to it."""
    version = active_version()
    queryset = RiskFilterSet(request.GET, queryset=visible_risks(request.user)).qs
    context = {"version": version}
    if version is not None:
        scale = version.scale
        inherent, residual = heatmaps(queryset)
        context.update(
            scale=scale,
            impacts=scale.impacts,
            inherent=_grid(scale, inherent, "inherent"),
            residual=_grid(scale, residual, "residual"),
            inherent_total=sum(inherent.values()),
            residual_total=sum(residual.values()),
        )
    return render(request, "risks/heatmap.html", context)


def treatment_list(request):
    """Step 6: every risk's treatment decision, residual level, plan progress and the
    acceptances waiting for management."""
    version = active_version()
    scale = version.scale if version else None
    filterset = RiskFilterSet(request.GET, queryset=visible_risks(request.user))
    queryset = filterset.qs.select_related("owner").annotate(
        actions_total=Count("actions"),
        actions_open=Count("actions", filter=Q(actions__status__in=("planned", "in_progress"))),
    )
    page = Paginator(queryset, 50).get_page(request.GET.get("page"))
    pending = (
        RiskAcceptance.objects.filter(approval_state=ApprovalState.IN_REVIEW)
        .select_related("risk", "requested_by")
        .filter(risk__in=visible_risks(request.user))
    )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "risks/treatment_list.html",
        {
            "filterset": filterset,
            "page": page,
            "scale": scale,
            "pending": pending,
            "query": query.urlencode(),
        },
    )
