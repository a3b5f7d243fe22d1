"""Pages of business continuity: the BIA (recovery objectives per asset, own and
inherited), the gaps, the continuity plans and their exercises."""

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from assets import graph
from assets.continuity import selectors, services
from assets.continuity.filters import ContinuityPlanFilterSet, RecoveryObjectiveFilterSet
from assets.continuity.forms import (
    ContinuityExerciseForm,
    ContinuityPlanForm,
    RecoveryObjectiveForm,
)
from assets.continuity.models import ContinuityPlan, RecoveryObjective
from assets.permissions import visible_assets
from isms.forms import call_service
from isms.views.generic import Export, ObjectListView


class BiaList(ObjectListView):
    """Every asset with recovery objectives, own or inherited."""

    filterset_class = RecoveryObjectiveFilterSet
    template_name = "continuity/bia_list.html"
    permission_required = "continuity.view_recoveryobjective"
    export = Export(
        title="Business impact analysis",
        filename="bia",
        what="recovery objectives",
        permission="continuity.view_recoveryobjective",
        header=selectors.BIA_HEADER,
        rows=selectors.bia_rows,
    )

    def get_queryset(self, request):
        return RecoveryObjective.objects.filter(
            asset__in=visible_assets(request.user)
        ).select_related("asset")

    def get_extra_context(self, request, filterset, page) -> dict:
        done, total = selectors.coverage(request.user)
        return {"covered": done, "essential": total}


bia_list = BiaList.as_view()


@permission_required("continuity.view_recoveryobjective", raise_exception=True)
def bia_detail(request, asset_id):
    """One asset's objectives: own, inherited (and from which assets above), its gaps."""
    asset = get_object_or_404(visible_assets(request.user), pk=asset_id)
    objective = RecoveryObjective.objects.filter(asset=asset).first()
    above = (
        RecoveryObjective.objects.filter(asset_id__in=graph.up_closure([asset.pk]) - {asset.pk})
        .exclude(rto_minutes=None, rpo_minutes=None, mtd_minutes=None)
        .select_related("asset")
    )
    return render(
        request,
        "continuity/bia_detail.html",
        {
            "asset": asset,
            "objective": objective,
            "above": above,
            "gaps": selectors.gaps_of(asset),
        },
    )


@permission_required("continuity.change_recoveryobjective", raise_exception=True)
def bia_edit(request, asset_id):
    asset = get_object_or_404(visible_assets(request.user), pk=asset_id)
    instance = RecoveryObjective.objects.filter(asset=asset).first() or RecoveryObjective(
        asset=asset
    )
    form = RecoveryObjectiveForm(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        saved = call_service(
            form,
            lambda: services.objective_save(asset=asset, user=request.user, data=form.cleaned_data),
        )
        if saved is not None:
            messages.success(request, _("Recovery objectives of %s saved.") % asset.ref)
            return redirect("continuity:bia_detail", asset_id=asset.pk)
    return render(request, "continuity/bia_form.html", {"form": form, "asset": asset})


@permission_required("continuity.view_recoveryobjective", raise_exception=True)
def gap_list(request):
    return render(
        request, "continuity/gap_list.html", {"gaps": selectors.gaps(visible_assets(request.user))}
    )


class PlanList(ObjectListView):
    """Continuity plans with their last exercise."""

    queryset = ContinuityPlan.objects.prefetch_related("processes", "exercises")
    filterset_class = ContinuityPlanFilterSet
    template_name = "continuity/plan_list.html"
    permission_required = "continuity.view_continuityplan"


plan_list = PlanList.as_view()


@permission_required("continuity.view_continuityplan", raise_exception=True)
def plan_detail(request, pk):
    plan = get_object_or_404(ContinuityPlan, pk=pk)
    return render(
        request,
        "continuity/plan_detail.html",
        {
            "plan": plan,
            "exercises": plan.exercises.select_related("recorded_by"),
            "exercise_form": ContinuityExerciseForm(),
            "versions": plan.versions.select_related("created_by"),
            "objectives": RecoveryObjective.objects.filter(
                asset__in=plan.processes.all()
            ).select_related("asset"),
        },
    )


@permission_required("continuity.add_continuityplan", raise_exception=True)
def plan_create(request):
    form = ContinuityPlanForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        plan = call_service(
            form, lambda: services.plan_create(user=request.user, data=form.cleaned_data)
        )
        if plan is not None:
            return redirect(plan)
    return render(request, "continuity/plan_form.html", {"form": form, "plan": None})


@permission_required("continuity.change_continuityplan", raise_exception=True)
def plan_edit(request, pk):
    plan = get_object_or_404(ContinuityPlan, pk=pk)
    form = ContinuityPlanForm(
        request.POST or None,
        instance=ContinuityPlan.objects.get(pk=pk),
        initial={"processes": plan.processes.all()},
    )
    if request.method == "POST" and form.is_valid():
        saved = call_service(
            form,
            lambda: services.plan_update(plan=plan, user=request.user, data=form.cleaned_data),
        )
        if saved is not None:
            return redirect(saved)
    return render(request, "continuity/plan_form.html", {"form": form, "plan": plan})


@permission_required("continuity.add_continuityexercise", raise_exception=True)
@require_POST
def exercise_create(request, pk):
    plan = get_object_or_404(ContinuityPlan, pk=pk)
    form = ContinuityExerciseForm(request.POST)
    if form.is_valid():
        services.exercise_record(plan=plan, user=request.user, data=form.cleaned_data)
        messages.success(request, _("Exercise recorded."))
        return redirect(plan)
    return render(
        request,
        "continuity/plan_detail.html",
        {"plan": plan, "exercises": plan.exercises.all(), "exercise_form": form},
        status=400,
    )


@permission_required("continuity.change_continuityplanversion", raise_exception=True)
@require_POST
def plan_submit(request, pk):
    """Submit the plan as it stands for management approval (a new version)."""
    plan = get_object_or_404(ContinuityPlan, pk=pk)
    try:
        services.plan_submit(plan=plan, user=request.user, comment=request.POST.get("comment", ""))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Submitted for approval."))
    return redirect(plan)
