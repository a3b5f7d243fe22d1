"""Pages of the context app: the registers of issues and of interested parties'
requirements, measures with their trend against target, objectives with their
progress, and the forms that create and edit them (security managers; `editing`)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from isms.context import charts, filters, forms, selectors, services
from isms.context.editing import Editor, can
from isms.context.models import (
    ClimateDetermination,
    ContextIssue,
    InterestedParty,
    Measure,
    Measurement,
    Objective,
    PartyFeedback,
    Requirement,
)
from isms.forms import call_service
from isms.views.generic import Export, ObjectListView

ISSUE = Editor(
    ContextIssue, forms.ContextIssueForm, _("context issue"), "context:context_issue_list"
)
CLIMATE = Editor(
    ClimateDetermination,
    forms.ClimateDeterminationForm,
    _("climate-change determination"),
    "context:context_issue_list",
    save=lambda *, user, model, data, instance: services.climate_determine(user=user, data=data),
    edit=False,
)
PARTY = Editor(
    InterestedParty, forms.InterestedPartyForm, _("interested party"), "context:requirement_list"
)
REQUIREMENT = Editor(
    Requirement,
    forms.RequirementForm,
    _("requirement"),
    "context:requirement_list",
    save=lambda *, user, model, data, instance: services.requirement_save(
        user=user, data=data, instance=instance
    ),
)
FEEDBACK = Editor(PartyFeedback, forms.PartyFeedbackForm, _("feedback"), "context:feedback_list")
OBJECTIVE = Editor(Objective, forms.ObjectiveForm, _("objective"), "context:objective_list")
MEASURE = Editor(Measure, forms.MeasureForm, _("measure"), "context:measure_list")  # fmt: skip


def _links(user, *entries) -> list[tuple[str, str]]:
    """(label, url) of each (label, url name, model, args) the user may add or change:
    the "New" and "Edit" buttons of a list."""
    return [
        (label, reverse(name, args=args))
        for label, name, model, args in entries
        if can(user, model, "change" if args else "add")
    ]


@permission_required("context.view_measure", raise_exception=True)
def measure_list(request):
    """Each measure, its latest value and its trend against the target (an SVG line)."""
    rows = []
    editable = can(request.user, Measure, "change")
    for measure in selectors.measures_with_series().order_by("number"):
        series = list(measure.measurements.all())[-24:]
        rows.append(
            {
                "measure": measure,
                "latest": series[-1] if series else None,
                "edit": reverse("context:measure_edit", args=[measure.pk]) if editable else "",
                "trend": charts.trend(
                    [m.value for m in series], [m.period for m in series], measure.target
                ),
            }
        )
    return render(
        request,
        "context/measure_list.html",
        {
            "rows": rows,
            "width": charts.WIDTH,
            "height": charts.HEIGHT,
            "actions": _links(
                request.user,
                (_("New measure"), "context:measure_add", Measure, ()),
                (_("Record a value"), "context:measurement_add", Measurement, ()),
            ),
        },
    )


@permission_required("context.view_objective", raise_exception=True)
def objective_list(request):
    """Each objective, its owner, due date, status and its measure against target."""
    rows = selectors.objectives_fulfilment()
    if can(request.user, Objective, "change"):
        for row in rows:
            row["edit"] = reverse("context:objective_edit", args=[row["id"]])
    actions = _links(request.user, (_("New objective"), "context:objective_add", Objective, ()))
    return render(request, "context/objective_list.html", {"rows": rows, "actions": actions})


@login_required
def measurement_add(request):
    """Record a value of a recorded measure (one per period: a second replaces it)."""
    if not can(request.user, Measurement, "add"):
        raise PermissionDenied
    form = forms.MeasurementForm(request.POST or None, initial=request.GET.dict())
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        saved = call_service(
            form,
            lambda: services.measurement_record(
                user=request.user,
                measure=data["measure"],
                value=data["value"],
                day=data["day"],
                note=data["note"],
            ),  # fmt: skip
        )
        if saved is not None:
            messages.success(request, gettext("%s saved.") % saved)
            return redirect("context:measure_list")
    return render(
        request,
        "context/record_form.html",
        {"form": form, "heading": gettext("Record a value"), "back": "context:measure_list"},
    )


class RegisterView(ObjectListView):
    """A register page whose table and CSV/XLSX export are the same cells:
    declare `header`, `cells(obj)`, `heading`, `pretitle`, `filename`."""

    template_name = "context/register.html"
    header: tuple = ()
    heading = pretitle = intro = filename = ""
    # The "New" buttons: (label, URL name, model); the row's "Edit": (URL name, model).
    actions: tuple = ()
    edit: tuple | None = None

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

    @classmethod
    def row_links(cls, obj) -> list[tuple[str, str, type]]:
        """(label, URL, model) of the row's edit links; by default `edit` on the record."""
        if cls.edit is None:
            return []
        name, model = cls.edit
        return [(gettext("Edit"), reverse(name, args=[obj.pk]), model)]

    def get_extra_context(self, request, filterset, page) -> dict:
        allowed = {}

        def links(obj):
            out = []
            for label, url, model in self.row_links(obj):
                if model not in allowed:
                    allowed[model] = can(request.user, model, "change")
                if allowed[model]:
                    out.append((label, url))
            return out

        return {
            "header": self.header,
            "table": [{"cells": self.cells(obj), "links": links(obj)} for obj in page],
            "actions": _links(request.user, *((*a, ()) for a in self.actions)),
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
    actions = (
        (_("New issue"), "context:context_issue_add", ContextIssue),
        (_("Climate-change determination"), "context:climate_add", ClimateDetermination),
    )
    edit = ("context:context_issue_edit", ContextIssue)
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
    actions = (
        (_("New party"), "context:party_add", InterestedParty),
        (_("New requirement"), "context:requirement_add", Requirement),
    )

    @classmethod
    def row_links(cls, r) -> list:
        return [
            (gettext("Edit"), reverse("context:requirement_edit", args=[r.pk]), Requirement),
            (gettext("Edit party"), reverse("context:party_edit", args=[r.party_id]),
             InterestedParty),
        ]  # fmt: skip

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


class PartyFeedbackList(RegisterView):
    """Feedback received from interested parties, its response and whether it is
    closed (an input of the management review, 9.3.2 e)."""

    queryset = PartyFeedback.objects.select_related("party")
    filterset_class = filters.PartyFeedbackFilterSet
    permission_required = "context.view_partyfeedback"
    heading, pretitle = _("Feedback from interested parties"), _("Context (4.2, 9.3.2 e)")
    filename = "party-feedback"
    actions = ((_("New feedback"), "context:feedback_add", PartyFeedback),)
    edit = ("context:feedback_edit", PartyFeedback)
    header = (_("Received on"), _("Party"), _("Kind"), _("Summary"),
              _("Response or action taken"), _("Status"))  # fmt: skip

    @classmethod
    def cells(cls, f) -> list:
        status = _("closed") if f.closed else _("open")
        return [f.received_on, f.party.name, f.get_kind_display(), f.summary, f.response,
                status]  # fmt: skip


context_issue_list = ContextIssueList.as_view()
requirement_list = RequirementList.as_view()
feedback_list = PartyFeedbackList.as_view()
