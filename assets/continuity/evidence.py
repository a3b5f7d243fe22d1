"""The business impact analysis and continuity plans as SoA evidence for Annex A
5.29-5.30: figures registered with isms.frameworks.evidence (counted together with the
other registers' in one query)."""

from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from assets.choices import AssetClass
from assets.continuity.choices import PlanStatus
from assets.continuity.models import ContinuityPlan, ContinuityPlanVersion
from assets.models import Asset
from isms.frameworks.evidence import RecordFigure
from isms.models.approvals import FROZEN_STATES

VIEW = "continuity.view_recoveryobjective"


def _approved():
    return Exists(
        ContinuityPlanVersion.objects.filter(plan=OuterRef("pk"), approval_state__in=FROZEN_STATES)
    )


def _active():
    return ContinuityPlan.objects.filter(status=PlanStatus.ACTIVE)


def _essential():
    return Asset.objects.filter(asset_class=AssetClass.ESSENTIAL)


_COVERED = Q(recovery_objective__rto_minutes__isnull=False) | Q(
    recovery_objective__rpo_minutes__isnull=False
)

FIGURES = (
    RecordFigure(
        "5.29",
        _("Active continuity plans approved"),
        passed=lambda: _active().filter(_approved()),
        failed=lambda: _active().exclude(_approved()),
        url="continuity:plan_list",
        permission=VIEW,
    ),
    RecordFigure(
        "5.30",
        _("Essential assets with recovery objectives (BIA)"),
        passed=lambda: _essential().filter(_COVERED),
        failed=lambda: _essential().exclude(_COVERED),
        url="continuity:bia_list",
        permission=VIEW,
    ),
)
