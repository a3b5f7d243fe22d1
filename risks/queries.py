"""Read helpers shared by pages, the API and the dashboard."""

from django.db.models import Aggregate, CharField, Count, OuterRef, Subquery

from risks.models import MethodologyVersion, Risk
from risks.permissions import can_view_all


def active_version() -> MethodologyVersion | None:
    """The approved methodology version every risk is scored by, if any."""
    return MethodologyVersion.objects.active().select_related("methodology").first()


def visible_risks(user):
    """The risks `user` may read: all for roles with `risks.view_risk`, else their own."""
    queryset = Risk.objects.all()
    if not can_view_all(user):
        queryset = queryset.filter(owner_id=user.pk)
    return queryset


class AssetRefs(Aggregate):
    """The refs of a risk's assets as one text ("A-001, A-004"), sorted where the
    database can: one column of the row instead of a prefetch query per page."""

    function = "GROUP_CONCAT"
    template = "%(function)s(%(expressions)s, ', ')"
    output_field = CharField()

    def as_postgresql(self, compiler, connection, **extra_context):
        return self.as_sql(
            compiler,
            connection,
            function="STRING_AGG",
            template="%(function)s(%(expressions)s, ', ' ORDER BY %(expressions)s)",
            **extra_context,
        )


def asset_refs():
    link = Risk.assets.through.objects.filter(risk_id=OuterRef("pk"))
    return Subquery(
        link.order_by().values("risk_id").annotate(refs=AssetRefs("asset__ref")).values("refs")[:1]
    )


def register_queryset(user):
    """The register's rows with everything a row shows, in one query per page."""
    return (
        visible_risks(user)
        .select_related("threat", "vulnerability", "owner")
        .annotate(asset_refs=asset_refs())
    )


def heatmaps(queryset) -> tuple[dict, dict]:
    """({(likelihood, impact): count} inherent, the same residual) for `queryset`, in one
    GROUP BY over the four score columns (at most n^4 groups, summed here)."""
    inherent: dict[tuple[int, int], int] = {}
    residual: dict[tuple[int, int], int] = {}
    rows = (
        queryset.order_by()
        .values_list(
            "inherent_likelihood", "inherent_impact", "residual_likelihood", "residual_impact"
        )
        .annotate(n=Count("id"))
    )
    for il, ii, rl, ri, n in rows:
        if il is not None and ii is not None:
            inherent[(il, ii)] = inherent.get((il, ii), 0) + n
        if rl is not None and ri is not None:
            residual[(rl, ri)] = residual.get((rl, ri), 0) + n
    return inherent, residual
