"""What the risks app tells the dashboard (steps 3 to 6, "Total ALE") and the SoA
(risks whose treatment selected a control). Registered in RisksConfig.ready()."""

from django.db.models import Count, Q, Sum
from django.urls import reverse
from django.utils import timezone

from isms.dashboard import StepState
from isms.frameworks.treatments import RiskRef
from isms.models.approvals import ApprovalState
from risks.choices import RiskStatus
from risks.models import MethodologyVersion, Risk
from risks.selectors import active_version, visible_risks


def step_3(user) -> StepState:
    """Done when a methodology version is approved (active)."""
    url = reverse("risks:methodology")
    states = set(MethodologyVersion.objects.values_list("approval_state", flat=True))
    if ApprovalState.APPROVED in states:
        version = active_version()
        missing = (
            ["A new methodology version waits for approval."]
            if ApprovalState.IN_REVIEW in states
            else []
        )
        return StepState(
            "done",
            f"Methodology v{version.number} ({version.size_label}) is approved and active.",
            missing,
            url,
            "View the methodology",
        )
    if ApprovalState.IN_REVIEW in states:
        return StepState(
            "in_progress",
            "The methodology waits for management approval.",
            ["Management approves the methodology."],
            url,
            "View the methodology",
        )
    if states:
        return StepState(
            "in_progress",
            "A methodology draft exists.",
            ["Submit the methodology for approval."],
            url,
            "Continue the methodology",
        )
    return StepState(
        "todo",
        "No methodology yet.",
        ["Choose a preset (5x5, 4x4, 3x3), adapt it and submit it for approval."],
        url,
        "Choose a methodology",
    )


def _counts():
    return Risk.objects.aggregate(
        total=Count("id"),
        scored=Count("id", filter=Q(inherent_level__isnull=False)),
        treated=Count("id", filter=~Q(treatment="")),
        planned=Count(
            "id",
            filter=Q(
                status__in=(
                    RiskStatus.TREATMENT_PLANNED,
                    RiskStatus.TREATED,
                    RiskStatus.ACCEPTED,
                    RiskStatus.CLOSED,
                )
            ),
        ),
        overdue=Count(
            "id",
            filter=Q(review_date__lt=timezone.localdate()) & ~Q(status=RiskStatus.CLOSED),
        ),
    )


def step_4(user) -> StepState:
    """In progress with at least one risk; done once risks exist and none lacks an owner."""
    url = reverse("risks:risk_list")
    counts = Risk.objects.aggregate(
        total=Count("id"), unowned=Count("id", filter=Q(owner__isnull=True))
    )
    if not counts["total"]:
        return StepState(
            "todo",
            "No risks identified yet.",
            ["Identify risks: asset + threat + vulnerability, with an owner."],
            url,
            "Identify risks",
        )
    missing = [f"{counts['unowned']} risk(s) have no owner."] if counts["unowned"] else []
    return StepState(
        "in_progress" if missing else "done",
        f"{counts['total']} risk(s) identified.",
        missing,
        url,
        "Open the register",
    )


def step_5(user) -> StepState:
    """Done when every risk has an inherent score under the active methodology."""
    url = reverse("risks:heatmap")
    counts = _counts()
    if not counts["total"]:
        return StepState("todo", "No risks to analyse yet.", [], url, "Open the heatmap")
    unscored = counts["total"] - counts["scored"]
    if active_version() is None:
        return StepState(
            "todo", "Approve a methodology before analysing risks.", [], url, "Open the heatmap"
        )
    return StepState(
        "done" if not unscored else "in_progress",
        f"{counts['scored']} of {counts['total']} risk(s) analysed.",
        [f"{unscored} risk(s) have no likelihood and impact yet."] if unscored else [],
        url,
        "Open the heatmap",
    )


def step_6(user) -> StepState:
    """Done when every risk has a treatment decision and none is overdue for review."""
    url = reverse("risks:treatment_list")
    counts = _counts()
    if not counts["total"]:
        return StepState("todo", "No risks to address yet.", [], url, "Open treatment")
    missing = []
    untreated = counts["total"] - counts["treated"]
    if untreated:
        missing.append(f"{untreated} risk(s) have no treatment decision.")
    if counts["overdue"]:
        missing.append(f"{counts['overdue']} risk(s) are overdue for review.")
    status = "done" if not missing else ("in_progress" if counts["treated"] else "todo")
    return StepState(
        status,
        f"{counts['treated']} of {counts['total']} risk(s) have a treatment decision.",
        missing,
        url,
        "Open treatment",
    )


def figures(user) -> list[dict]:
    """Total ALE of the risks the user may read (the sum of their annual loss expectancy)."""
    if not user.is_authenticated:
        return []
    totals = visible_risks(user).aggregate(ale=Sum("ale_usd"), residual=Sum("residual_ale_usd"))
    url = reverse("risks:risk_list") + "?sort=-ale_usd"
    return [
        {"label": "Total ALE", "value": f"${totals['ale'] or 0:,.0f}", "url": url},
        {
            "label": "Residual ALE",
            "value": f"${totals['residual'] or 0:,.0f}",
            "url": reverse("risks:treatment_list"),
        },
    ]


def risks_by_control(control_ids: list[int], viewer=None) -> dict[int, list[RiskRef]]:
    """{control id: the risks whose treatment selected it that `viewer` may read (None:
    every risk, for the SoA)}, in one query."""
    version = active_version()
    scale = version.scale if version else None
    through = Risk.controls.through.objects.filter(control_id__in=control_ids).select_related(
        "risk"
    )
    if viewer is not None:
        through = through.filter(risk__in=visible_risks(viewer).values("pk"))
    result: dict[int, list[RiskRef]] = {}
    for link in through.order_by("risk__number"):
        risk = link.risk
        level = scale.level(risk.residual_level or risk.inherent_level) if scale else None
        result.setdefault(link.control_id, []).append(
            RiskRef(
                reference=risk.ref,
                title=risk.title,
                level=level["name"] if level else "",
                url=risk.get_absolute_url(),
            )
        )
    return result
