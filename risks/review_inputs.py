"""What the risk register gives the management review (9.3.2 f): the results of the
risk assessment (risks by inherent and residual level, by status) and the status of the
risk treatment plan (its actions by status, overdue). Registered in RisksConfig.ready()
into `isms.audits.review_inputs` (isms never imports risks)."""

from __future__ import annotations

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from risks.choices import ActionStatus, RiskStatus
from risks.models import Risk, TreatmentAction


def risk_results() -> dict:
    """Risk assessment results and treatment plan status (four queries, aggregated in
    the database)."""
    today = timezone.localdate()
    counts = Risk.objects.aggregate(
        total=Count("pk"),
        unscored=Count("pk", filter=Q(inherent_level__isnull=True)),
        untreated=Count("pk", filter=Q(treatment="") & ~Q(status=RiskStatus.CLOSED)),
        review_overdue=Count("pk", filter=Q(review_date__lt=today) & ~Q(status=RiskStatus.CLOSED)),
        accepted=Count("pk", filter=Q(status=RiskStatus.ACCEPTED)),
        **{f"status_{value}": Count("pk", filter=Q(status=value)) for value in RiskStatus.values},
    )
    by_level = _by_level()
    actions = TreatmentAction.objects.aggregate(
        total=Count("pk"),
        done=Count("pk", filter=Q(status=ActionStatus.DONE)),
        open=Count("pk", filter=Q(status__in=(ActionStatus.PLANNED, ActionStatus.IN_PROGRESS))),
        overdue=Count(
            "pk",
            filter=Q(
                status__in=(ActionStatus.PLANNED, ActionStatus.IN_PROGRESS), due_date__lt=today
            ),
        ),
    )
    return {
        "summary": _(
            "%(total)s risks (%(untreated)s without a treatment decision, %(review_overdue)s "
            "overdue for review); treatment plan: %(done)s of %(actions)s actions done, "
            "%(overdue)s overdue."
        )
        % {
            **counts,
            "actions": actions["total"],
            "done": actions["done"],
            "overdue": actions["overdue"],
        },  # fmt: skip
        "figures": [
            {"label": _("Risks"), "value": counts["total"]},
            {"label": _("Not yet analysed"), "value": counts["unscored"]},
            {"label": _("Without a treatment decision"), "value": counts["untreated"]},
            {"label": _("Accepted"), "value": counts["accepted"]},
            {"label": _("Overdue for review"), "value": counts["review_overdue"]},
            {"label": _("Treatment actions"), "value": actions["total"]},
            {"label": _("Treatment actions open"), "value": actions["open"]},
            {"label": _("Treatment actions overdue"), "value": actions["overdue"]},
            *(
                {"label": _("Status: %s") % label, "value": counts[f"status_{value}"]}
                for value, label in RiskStatus.choices
            ),
        ],
        "rows": by_level,
    }


def _by_level() -> list[dict]:
    """Open risks per level, inherent and residual (two queries)."""
    open_risks = Risk.objects.exclude(status=RiskStatus.CLOSED)
    inherent = dict(
        open_risks.filter(inherent_level__isnull=False)
        .values_list("inherent_level")
        .annotate(n=Count("pk"))
        .values_list("inherent_level", "n")
    )
    residual = dict(
        open_risks.filter(residual_level__isnull=False)
        .values_list("residual_level")
        .annotate(n=Count("pk"))
        .values_list("residual_level", "n")
    )
    return [
        {"level": level, "inherent": inherent.get(level, 0), "residual": residual.get(level, 0)}
        for level in sorted(set(inherent) | set(residual), reverse=True)
    ]


def register() -> None:
    from isms.audits import review_inputs

    review_inputs.register(
        review_inputs.ReviewInput(
            key="risk_results",
            clause="9.3.2 f)",
            title=gettext_lazy("Risk assessment results and risk treatment plan status"),
            collect=risk_results,
            order=60,
        )
    )
