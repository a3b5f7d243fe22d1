"""Pages of the context app: measures with their trend against target, objectives
with their progress. Writes go through the API (docs/context.md)."""

from django.contrib.auth.decorators import permission_required
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from isms.context import charts, filters, selectors
from isms.context.models import ClimateDetermination, ContextIssue, Requirement
from isms.views.generic import Export, ObjectListView


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


class RegisterView(ObjectListView):
    """A register page whose table and CSV/XLSX export are the same cells:
    declare `header`, `cells(obj)`, `heading`, `pretitle`, `filename`."""

    template_name = "context/register.html"
    header: tuple = ()
    heading = pretitle = intro = filename = ""

    @classmethod
    def cells(cls, obj) -> list:
        raise NotImplementedError

    @property
    def export(self):
        return Export(
            title=str(self.heading),
            filename=f"{self.filename}-{{date}}",
            what=self.filename,
            permission=self.permission_required,
            header=[str(h) for h in self.header],
            rows=lambda queryset: (self.cells(obj) for obj in queryset),
            formats=("csv", "xlsx"),
        )

    def get_extra_context(self, request, filterset, page) -> dict:
        return {
            "header": self.header,
            "table": [self.cells(obj) for obj in page],
            "heading": self.heading,
            "pretitle": self.pretitle,
            "intro": self.intro,
        }


class ContextIssueList(RegisterView):
    """The issues of the organisation's context (4.1) and the climate determinations."""

    queryset = ContextIssue.objects.select_related("objective", "control").order_by("number")
    filterset_class = filters.ContextIssueFilterSet
    permission_required = "context.view_contextissue"
    heading, pretitle, filename = _("Context issues"), _("Context (4.1)"), "context-issues"
    header = (_("Reference"), _("Title"), _("Origin"), _("Category"), _("Effect"),
              _("Addressed by"), _("Detail"))  # fmt: skip

    def get_extra_context(self, request, filterset, page) -> dict:
        context = super().get_extra_context(request, filterset, page)
        latest = ClimateDetermination.objects.select_related("scope_version").first()
        if latest is not None:
            context["intro"] = _(
                "Climate change (decided %(day)s): %(verdict)s. %(reasoning)s%(approved)s"
            ) % {
                "day": latest.decided_on,
                "verdict": _("relevant") if latest.relevant else _("not relevant"),
                "reasoning": latest.reasoning,
                "approved": _(" Approved with the scope.") if latest.approved else "",
            }
        return context

    @classmethod
    def cells(cls, i) -> list:
        detail = (
            i.risk_reference
            or (i.objective and i.objective.reference)
            or (i.control and i.control.identifier)
            or i.no_action_reason
        )
        return [i.reference, i.title, i.get_origin_display(), i.get_category_display(),
                i.effect, i.get_treatment_display(), detail]  # fmt: skip


class RequirementList(RegisterView):
    """Interested parties and their requirements (4.2); legal and contractual ones are
    the register Annex A 5.31 asks for."""

    queryset = Requirement.objects.select_related("party").prefetch_related(
        "controls", "policies", "objectives"
    )
    filterset_class = filters.RequirementFilterSet
    permission_required = "context.view_requirement"
    heading, pretitle = _("Interested parties and requirements"), _("Context (4.2)")
    filename = "interested-parties"
    header = (_("Party"), _("Kind"), _("Requirement"), _("Requirement kind"), _("Addressed"),
              _("Linked to"), _("How"))  # fmt: skip

    @classmethod
    def cells(cls, r) -> list:
        links = [c.identifier for c in r.controls.all()]
        links += [p.reference for p in r.policies.all()]
        links += [o.reference for o in r.objectives.all()]
        addressed = _("yes") if r.addressed else _("no")
        return [r.party.name, r.party.get_kind_display(), r.title, r.get_kind_display(),
                addressed, ", ".join(links), r.how_addressed]  # fmt: skip


context_issue_list = ContextIssueList.as_view()
requirement_list = RequirementList.as_view()
