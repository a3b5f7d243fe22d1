"""Wire the context app into the shared registries: the computed measures of isms's own
data, the reviews of context issues, parties and objectives, and a dashboard figure."""

import datetime
from collections.abc import Iterable

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy


def context_reviews(until: datetime.date) -> Iterable:
    """Context issues, interested parties and objectives whose review is due."""
    from isms.context.models import ContextIssue, InterestedParty, Objective
    from isms.governance.reviews import ReviewItem, security_managers

    managers = None
    for model, kind in (
        (ContextIssue, _("Context issue")),
        (InterestedParty, _("Interested party")),
        (Objective, _("Objective")),
    ):
        for obj in model.objects.filter(next_review_due__lte=until):
            managers = managers if managers is not None else list(security_managers())
            owner = getattr(obj, "owner", None)
            yield ReviewItem(
                obj=obj,
                kind=str(kind),
                title=str(obj),
                due=obj.next_review_due,
                owners=[owner] if owner else managers,
            )


def objectives_figures(user) -> list[dict]:
    """Dashboard: how many objectives meet their measure's target."""
    if not user.has_perm("context.view_objective"):
        return []
    from isms.context.selectors import objectives_fulfilment

    rows = objectives_fulfilment()
    if not rows:
        return []
    on_target = sum(1 for row in rows if row["measure"] and row["measure"]["meets_target"])
    return [
        {
            "label": _("Objectives on target"),
            "value": f"{on_target} / {len(rows)}",
            "url": reverse("context:objective_list"),
            "help": _("Objectives whose measure's latest value meets its target."),
        }
    ]


def register_all() -> None:
    from isms import dashboard, navigation
    from isms.context import measures, tasks  # noqa: F401  (the worker finds the tasks)
    from isms.context.audit_pack import context_files
    from isms.governance import audit_pack, reviews

    measures.register_isms_measures()
    from isms.context import scope
    from isms.governance import scope_sections

    section = scope_sections.ScopeSection(
        "context.parties", scope.TITLE, scope.render, scope.freeze
    )
    scope_sections.sections.register(section)
    for item in (
        navigation.Item(
            gettext_lazy("Context issues"), "context:context_issue_list", "bi-globe2",
            section=navigation.ASSURANCE, permission="context.view_contextissue",
        ),
        navigation.Item(
            gettext_lazy("Interested parties"), "context:requirement_list", "bi-people",
            section=navigation.ASSURANCE, permission="context.view_requirement",
        ),
        navigation.Item(
            gettext_lazy("Feedback from parties"), "context:feedback_list", "bi-chat-left-text",
            section=navigation.ASSURANCE, permission="context.view_partyfeedback",
        ),
        navigation.Item(
            gettext_lazy("Objectives"), "context:objective_list", "bi-bullseye",
            section=navigation.ASSURANCE, permission="context.view_objective",
        ),
        navigation.Item(
            gettext_lazy("Measures"), "context:measure_list", "bi-graph-up",
            section=navigation.ASSURANCE, permission="context.view_measure",
        ),
    ):  # fmt: skip
        navigation.register(item)
    reviews.register(context_reviews)
    from isms.context import review_inputs

    review_inputs.register()
    from isms.context.evidence import FIGURES
    from isms.frameworks import evidence

    evidence.register_figures(*FIGURES)  # Annex A 5.31 and 6.3
    audit_pack.register(context_files)
    dashboard.register_figure(objectives_figures)
