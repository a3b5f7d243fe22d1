"""Reads of the business impact analysis: the gaps where a supporting asset cannot meet
the objectives it inherits, the BIA coverage, the dashboard figures."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q
from django.utils.translation import gettext as _

from assets.choices import AssetClass
from assets.continuity.choices import ExerciseResult, GapKind
from assets.continuity.models import RecoveryObjective
from assets.models import Asset, AwsResource
from assets.permissions import visible_assets

DAY = 24 * 60


@dataclass(frozen=True)
class Gap:
    """One reason why `asset` cannot meet an objective it must meet."""

    asset: Asset
    kind: str
    message: str
    required_minutes: int | None
    resource: AwsResource | None = None

    @property
    def label(self) -> str:
        return GapKind(self.kind).label


def _declared(objective: RecoveryObjective) -> list[Gap]:
    gaps = []
    pairs = (
        ("achievable_rto_minutes", "required_rto_minutes", GapKind.DECLARED_RTO, _("RTO")),
        ("achievable_rpo_minutes", "required_rpo_minutes", GapKind.DECLARED_RPO, _("RPO")),
    )
    for achievable, required, kind, label in pairs:
        can, must = getattr(objective, achievable), getattr(objective, required)
        if can is not None and must is not None and can > must:
            gaps.append(
                Gap(
                    objective.asset,
                    kind,
                    _("Achieves %(can)s min against a required %(label)s of %(must)s min.")
                    % {"can": can, "must": must, "label": label},
                    must,
                )
            )
    return gaps


def _aws(objective: RecoveryObjective, resource: AwsResource) -> list[Gap]:
    config = resource.configuration or {}
    rto, rpo = objective.required_rto_minutes, objective.required_rpo_minutes
    gaps = []
    if (resource.service.code, resource.resource_type) == ("rds", "db-instance"):
        days = config.get("BackupRetentionPeriod")
        if rpo is not None and rpo < DAY and not (isinstance(days, int) and days > 0):
            gaps.append(
                Gap(
                    objective.asset,
                    GapKind.RDS_BACKUPS_OFF,
                    _(
                        "%(name)s keeps no automated backups: nothing to restore within "
                        "the required RPO of %(rpo)s min."
                    )
                    % {"name": resource.name, "rpo": rpo},
                    rpo,
                    resource,
                )
            )
        if rto is not None and rto < DAY and config.get("MultiAZ") is not True:
            gaps.append(
                Gap(
                    objective.asset,
                    GapKind.RDS_SINGLE_AZ,
                    _(
                        "%(name)s runs in one availability zone: a zone outage exceeds "
                        "the required RTO of %(rto)s min."
                    )
                    % {"name": resource.name, "rto": rto},
                    rto,
                    resource,
                )
            )
    elif (resource.service.code, resource.resource_type) == ("s3", "bucket"):
        status = (config.get("Versioning") or {}).get("Status")
        if rpo == 0 and status != "Enabled":
            gaps.append(
                Gap(
                    objective.asset,
                    GapKind.S3_NO_VERSIONING,
                    _(
                        "%(name)s has no versioning: an overwrite loses data, against a "
                        "required RPO of 0."
                    )
                    % {"name": resource.name},
                    rpo,
                    resource,
                )
            )
    return gaps


def gaps(assets=None) -> list[Gap]:
    """Every gap, for the assets in the queryset `assets` (default: all)."""
    objectives = RecoveryObjective.objects.filter(
        Q(required_rto_minutes__isnull=False) | Q(required_rpo_minutes__isnull=False)
    ).select_related("asset")
    if assets is not None:
        objectives = objectives.filter(asset__in=assets)
    objectives = list(objectives)
    by_asset = {o.asset_id: o for o in objectives}
    found: list[Gap] = []
    for objective in objectives:
        found.extend(_declared(objective))
    resources = (
        AwsResource.objects.filter(
            assets__in=by_asset.keys(),
            gone_since__isnull=True,
            service__code__in=("rds", "s3"),
        )
        .select_related("service")
        .prefetch_related("assets")
        .distinct()
    )
    for resource in resources:
        for asset in resource.assets.all():
            if asset.pk in by_asset:
                found.extend(_aws(by_asset[asset.pk], resource))
    return sorted(found, key=lambda gap: (gap.asset.ref, gap.kind))


def gaps_of(asset: Asset) -> list[Gap]:
    return gaps(Asset.objects.filter(pk=asset.pk))


def coverage(user) -> tuple[int, int]:
    """(essential assets with own objectives, essential assets) among those `user` sees."""
    essential = visible_assets(user).filter(asset_class=AssetClass.ESSENTIAL)
    covered = essential.filter(
        Q(recovery_objective__rto_minutes__isnull=False)
        | Q(recovery_objective__rpo_minutes__isnull=False)
    )
    return covered.count(), essential.count()


def exercises_missed(plan) -> bool:
    last = plan.exercises.first()
    return last is not None and last.result == ExerciseResult.NOT_MET


def figures(user) -> list[dict]:
    """Dashboard figures: BIA coverage and the number of gaps."""
    if not user.has_perm("continuity.view_recoveryobjective"):
        return []
    from django.urls import reverse

    done, total = coverage(user)
    return [
        {
            "label": _("BIA coverage"),
            "value": f"{done}/{total}",
            "url": reverse("continuity:bia_list"),
            "help": _("Essential assets with recovery objectives set."),
        },
        {
            "label": _("Continuity gaps"),
            "value": len(gaps()),
            "url": reverse("continuity:gap_list"),
            "help": _("Supporting assets that cannot meet the RTO/RPO they inherit."),
        },
    ]


BIA_HEADER = [
    "asset",
    "name",
    "class",
    "mtd_minutes",
    "rto_minutes",
    "rpo_minutes",
    "required_mtd_minutes",
    "required_rto_minutes",
    "required_rpo_minutes",
    "impact_over_time",
    "gaps",
]


def _blank(value):
    return "" if value is None else value


def bia_rows(objectives):
    """Rows of BIA_HEADER for a queryset of RecoveryObjective (list export, audit pack)."""
    objectives = objectives.select_related("asset")
    found: dict[int, list[str]] = {}
    for gap in gaps(Asset.objects.filter(recovery_objective__in=objectives)):
        found.setdefault(gap.asset.pk, []).append(gap.message)
    for o in objectives.iterator():
        yield [
            o.asset.ref,
            o.asset.name,
            o.asset.asset_class,
            _blank(o.mtd_minutes),
            _blank(o.rto_minutes),
            _blank(o.rpo_minutes),
            _blank(o.required_mtd_minutes),
            _blank(o.required_rto_minutes),
            _blank(o.required_rpo_minutes),
            "; ".join(f"{s['after_minutes']} min: {s['impact']}" for s in o.impact_over_time),
            " ".join(found.get(o.asset_id, [])),
        ]


def audit_pack_files(user):
    """The BIA with the gaps (XLSX) and the continuity plans with their last exercise."""
    from assets.continuity.models import ContinuityPlan
    from isms.exports import xlsx_bytes
    from isms.governance.audit_pack import PackFile

    yield PackFile(
        "11-continuity/business-impact-analysis.xlsx",
        xlsx_bytes(
            "Business impact analysis",
            BIA_HEADER,
            bia_rows(RecoveryObjective.objects.order_by("asset__ref")),
        ),
        "Recovery objectives per asset, own and inherited, and the gaps (A.5.29, A.5.30)",
    )
    plans = []
    for plan in ContinuityPlan.objects.prefetch_related("processes", "exercises"):
        last = plan.exercises.all()[:1]
        last = last[0] if last else None
        plans.append(
            [
                plan.ref,
                plan.title,
                plan.status,
                plan.version,
                " ".join(a.ref for a in plan.processes.all()),
                last.held_on.isoformat() if last else "",
                last.result if last else "",
            ]
        )
    yield PackFile(
        "11-continuity/continuity-plans.xlsx",
        xlsx_bytes(
            "Continuity plans",
            ["plan", "title", "status", "version", "processes", "last_exercise", "result"],
            plans,
        ),
        "Continuity plans and their last exercise (A.5.29, A.5.30)",
    )


def due_exercises(until):
    """Review provider: plans (not retired) whose next exercise falls due by `until`:
    the last exercise (or the plan's creation) plus its exercise interval."""
    import datetime

    from django.urls import reverse

    from assets.continuity.choices import PlanStatus
    from assets.continuity.models import ContinuityPlan
    from isms.governance.reviews import ReviewItem, security_managers

    managers = None
    plans = ContinuityPlan.objects.exclude(status=PlanStatus.RETIRED).select_related("owner")
    for plan in plans.prefetch_related("exercises"):
        last = plan.exercises.all()[:1]
        since = last[0].held_on if last else plan.created_at.date()
        due = since + datetime.timedelta(days=plan.test_interval_days)
        if due > until:
            continue
        if plan.owner is None and managers is None:
            managers = list(security_managers())
        yield ReviewItem(
            obj=plan,
            kind=_("Continuity exercise"),
            title=str(plan),
            due=due,
            owners=[plan.owner] if plan.owner else managers,
            url=reverse("continuity:plan_detail", args=[plan.pk]),
        )
