"""Read helpers shared by pages, the API and the dashboard."""

from django.db.models import (
    Aggregate,
    BooleanField,
    Case,
    CharField,
    Count,
    Exists,
    ExpressionWrapper,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce

from assets.findings.selectors import with_severity_rank
from assets.models import AwsResourceLink, Finding
from assets.models.findings import ACTIVE_STATUSES, FindingStatus
from assets.permissions import visible_assets
from risks.choices import RiskStatus
from risks.models import MethodologyVersion, Risk
from risks.permissions import can_view_all


def active_version() -> MethodologyVersion | None:
    """The approved methodology version every risk is scored by, if any."""
    return MethodologyVersion.objects.active().select_related("methodology").first()


def visible_risks(user, queryset=None):
    """The risks `user` may read: all for roles with `risks.view_risk`, else their own."""
    queryset = Risk.objects.all() if queryset is None else queryset
    if not user.is_authenticated:
        return queryset.none()
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


class IdList(AssetRefs):
    """Integer ids as one text ("4,17"): one column instead of a prefetch query."""

    template = "%(function)s(%(expressions)s, ',')"

    def as_postgresql(self, compiler, connection, **extra_context):
        return self.as_sql(
            compiler,
            connection,
            function="STRING_AGG",
            template="%(function)s(%(expressions)s, ',')",
            **extra_context,
        )


def finding_ids():
    """The ids of the risk's linked findings, as text (see `parse_ids`)."""
    link = Risk.findings.through.objects.filter(risk_id=OuterRef("pk"))
    return Subquery(
        link.order_by()
        .values("risk_id")
        .annotate(ids=IdList(Cast("finding_id", CharField())))
        .values("ids")[:1]
    )


def parse_ids(text: str | None) -> list[int]:
    return sorted(int(pk) for pk in (text or "").split(",") if pk)


def asset_refs(viewer=None):
    """The refs of each risk's assets, as `viewer` may see them (None: all of them)."""
    link = Risk.assets.through.objects.filter(risk_id=OuterRef("pk"))
    if viewer is not None and not viewer.has_perm("assets.view_asset"):
        link = link.filter(asset__in=visible_assets(viewer).values("pk"))
    return Subquery(
        link.order_by().values("risk_id").annotate(refs=AssetRefs("asset__ref")).values("refs")[:1]
    )


def needs_review_from_findings() -> Q:
    """The condition "all the risk's findings are resolved: review it".

    True when the risk has linked findings, none of them is still open, muted or not
    evaluated, at least one was resolved after the risk was last changed, and the risk
    is not closed. Any change to the risk (lower its likelihood, mark it treated or
    closed, unlink a finding) is its review and clears the flag; a finding that reopens
    clears it too, until it is resolved again.

    Why a query rather than a stored flag: findings are resolved by the checks in
    `assets`, which may not import `risks`; a stored flag would need a hook called after
    every evaluation and would go stale whenever a finding changes by another path
    (a mute, a deleted resource). Two EXISTS over the indexed link table per row cost
    nothing on a page of the register and are always true.
    """
    links = Risk.findings.through.objects.filter(risk_id=OuterRef("pk"))
    unresolved = links.exclude(finding__status=FindingStatus.RESOLVED)
    resolved_since = links.filter(finding__resolved_at__gt=OuterRef("updated_at"))
    return Q(Exists(resolved_since)) & ~Q(Exists(unresolved)) & ~Q(status=RiskStatus.CLOSED)


def open_findings_count():
    """The number of the risk's linked findings that are open, as one column."""
    links = Risk.findings.through.objects.filter(
        risk_id=OuterRef("pk"), finding__status=FindingStatus.OPEN
    )
    counted = links.order_by().values("risk_id").annotate(n=Count("pk")).values("n")[:1]
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def with_findings_summary(queryset):
    """Annotate `open_findings_count` and `needs_review_from_findings` (no extra query)."""
    return queryset.annotate(
        open_findings_count=open_findings_count(),
        needs_review_from_findings=ExpressionWrapper(
            needs_review_from_findings(), output_field=BooleanField()
        ),
    )


def register_queryset(user):
    """The register's rows with everything a row shows, in one query per page."""
    return with_findings_summary(
        visible_risks(user)
        .select_related("threat", "vulnerability", "owner")
        .annotate(asset_refs=asset_refs(user))
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


CANDIDATES = 25
STATUS_ORDER = [
    FindingStatus.OPEN,
    FindingStatus.NOT_EVALUATED,
    FindingStatus.MUTED,
    FindingStatus.RESOLVED,
]


def linked_findings(risk):
    """The risk's findings, open ones first, then the worst, then the most at stake."""
    return (
        with_severity_rank(risk.findings.select_related("resource", "account"))
        .annotate(
            status_rank=Case(
                *(When(status=s, then=Value(i)) for i, s in enumerate(STATUS_ORDER)),
                default=Value(len(STATUS_ORDER)),
                output_field=IntegerField(),
            )
        )
        .order_by("status_rank", "severity_rank", "-value_at_stake_usd", "id")
    )


def candidate_findings(risk):
    """Findings that still need attention on the resources of the risk's assets, not yet
    linked: what a security manager is likely to link."""
    resources = AwsResourceLink.objects.filter(asset_id__in=risk.assets.values("pk")).values(
        "resource_id"
    )
    return with_severity_rank(
        Finding.objects.filter(resource_id__in=resources, status__in=ACTIVE_STATUSES)
        .exclude(risks=risk)
        .select_related("resource")
    ).order_by("severity_rank", "-value_at_stake_usd", "id")[:CANDIDATES]


def level_usd_disagreement(risk: Risk, scale) -> dict | None:
    """Where the qualitative impact and the $ figure of `risk` disagree: {given,
    by_value, direction} when the methodology has $ bands, the risk is scored, and the
    band of its value at stake is another impact level; else None."""
    if scale is None or risk.inherent_impact is None:
        return None
    expected = scale.impact_for_value(risk.value_at_stake_usd)
    if expected is None or expected == risk.inherent_impact:
        return None
    return {
        "given": scale.impacts[risk.inherent_impact - 1]["name"],
        "by_value": scale.impacts[expected - 1]["name"],
        "direction": "higher" if expected > risk.inherent_impact else "lower",
    }


def level_usd_disagreements(risks, scale) -> list[int]:
    """Ids of the risks in `risks` whose impact score and $ band disagree."""
    if scale is None or not scale.has_usd_bands:
        return []
    rows = risks.exclude(inherent_impact=None).values_list(
        "pk", "inherent_impact", "value_at_stake_usd"
    )
    return [pk for pk, impact, value in rows if scale.impact_for_value(value) not in (None, impact)]


# Model fields whose verbose name is an abbreviation.
FIELD_WORDS = {"residual_aro": "residual annual rate of occurrence"}


def change_in_words(name: str, values, scale=None) -> str | None:
    """One field of a concurrent change as the register shows it (issue 20.5): the
    field's name and its old and new values in words ("Status: Identified → Analysed",
    "Annual loss expectancy: $11,120,000 → $8,000"), never raw model values; None
    when the two read the same (0.9000 and 0.9)."""
    from django.core.exceptions import FieldDoesNotExist

    from isms.models import User
    from isms.templatetags.isms_ui import number, usd

    try:
        field = Risk._meta.get_field(name.removesuffix("_id"))
        label = str(field.verbose_name).replace(" ($)", "")
        choices = dict(field.flatchoices) if field.choices else None
    except FieldDoesNotExist:
        label, choices = name.replace("_", " "), None
    label = FIELD_WORDS.get(name, label)

    def word(value) -> str:
        if value in (None, ""):
            return "—"
        if choices is not None:
            return str(choices.get(value, value))
        if name.endswith("_usd"):
            return usd(value)
        if name in ("owner", "owner_id"):
            user = User.objects.filter(pk=value).first()
            return str(user) if user else str(value)
        if scale is not None and name.endswith("_level"):
            level = scale.level(int(value))
            return level["name"] if level else str(value)
        if scale is not None and name.endswith(("_likelihood", "_impact")):
            items = scale.likelihoods if name.endswith("_likelihood") else scale.impacts
            named = {item["value"]: item["name"] for item in items}
            return f"{value} · {named[int(value)]}" if int(value) in named else str(value)
        return number(value)

    old, new = word(values[0]), word(values[1])
    if old == new:
        return None
    return f"{label[:1].upper()}{label[1:]}: {old} → {new}"


def conflict_in_words(changes: list[dict], scale=None) -> list[dict]:
    """The concurrent changes of a `RiskConflict` as people read them: per change, who,
    when, and each changed field in words (`change_in_words`); changes that read the same
    before and after are left out. Shared by the register's inline edit and the edit form."""
    described = []
    for change in changes:
        words = (change_in_words(name, values, scale) for name, values in change["fields"].items())
        fields = [w for w in words if w]
        if fields:
            described.append(
                {"actor": change["actor"], "timestamp": change.get("timestamp"), "fields": fields}
            )
    return described
