"""One risk (steps 4 to 6): its page, the create and edit forms, delete, the treatment
plan's actions and the request for a management acceptance."""

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from assets.permissions import visible_assets
from risks import services
from risks.forms import (
    AcceptanceRequestForm,
    RiskForm,
    TreatmentActionForm,
)
from risks.models import Risk
from risks.permissions import can_plan_treatment, can_view, editable_fields
from risks.selectors import (
    active_version,
    candidate_findings,
    conflict_in_words,
    level_usd_disagreement,
    linked_findings,
    with_findings_summary,
)


def _visible_or_404(request, pk) -> Risk:
    risk = get_object_or_404(
        with_findings_summary(
            Risk.objects.select_related(
                "threat", "vulnerability", "owner", "updated_by", "methodology_version"
            )
        ),
        pk=pk,
    )
    if not can_view(request.user, risk):
        raise Http404
    return risk


def risk_detail(request, pk):
    """One risk: its assets and their value at stake, linked findings, scores and $,
    treatment plan, acceptances, history."""
    risk = _visible_or_404(request, pk)
    editable = editable_fields(request.user, risk)
    sees_findings = request.user.has_perm("assets.view_finding")
    may_link = sees_findings and "findings" in editable
    version = active_version()
    scale = version.scale if version else None
    assets = list(visible_assets(request.user, risk.assets.select_related("owner").order_by("ref")))
    acceptance_form = None
    if services.may_request_acceptance(request.user, risk):
        acceptance_form = AcceptanceRequestForm()
    return render(
        request,
        "risks/risk_detail.html",
        {
            "risk": risk,
            "scale": scale,
            # Only the assets the viewer may see (a risk owner: their own), with a count
            # of the others, never their names, owners or values.
            "assets": assets,
            "hidden_assets": risk.assets.count() - len(assets),
            "actions": risk.actions.select_related("owner"),
            "acceptances": risk.acceptances.select_related("requested_by", "approved_by"),
            "controls": risk.controls.select_related("framework"),
            "valid_acceptance": services.valid_acceptance(risk),
            "needs_acceptance": services.needs_acceptance(risk, version),
            "disagreement": level_usd_disagreement(risk, scale),
            "editable": editable,
            "findings": linked_findings(risk) if sees_findings else None,
            "may_link_findings": may_link,
            "candidate_findings": candidate_findings(risk) if may_link else [],
            "can_plan": can_plan_treatment(request.user, risk),
            "action_form": TreatmentActionForm()
            if can_plan_treatment(request.user, risk)
            else None,
            "acceptance_form": acceptance_form,
            "content_type": ContentType.objects.get_for_model(Risk),
        },
    )


@permission_required("risks.add_risk", raise_exception=True)
def risk_create(request):
    """Identify a risk: assets, threat, vulnerability, owner, and (optionally) scores."""
    version = active_version()
    scale = version.scale if version else None
    initial = {}
    if request.GET.get("assets"):
        initial["assets"] = request.GET["assets"]
    form = RiskForm(request.POST or None, user=request.user, scale=scale, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            risk = services.risk_create(user=request.user, data=form.changes())
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, f"{risk.ref} created.")
            return redirect(risk)
    return render(request, "risks/risk_form.html", {"form": form, "scale": scale, "risk": None})


def _add_errors(form, exc: ValidationError):
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def risk_edit(request, pk):
    """Edit a risk: the fields the user may change. A save based on an older version is
    refused, showing what changed in between."""
    risk = _visible_or_404(request, pk)
    if not editable_fields(request.user, risk):
        raise PermissionDenied
    version = active_version()
    scale = version.scale if version else None
    form = RiskForm(request.POST or None, instance=risk, user=request.user, scale=scale)
    conflict = None
    if request.method == "POST" and form.is_valid():
        try:
            risk = services.risk_update(
                risk=risk,
                user=request.user,
                data=form.changes(),
                expected_version=form.cleaned_data.get("version") or 0,
            )
        except services.RiskConflict as exc:
            conflict = {"risk": exc.risk, "changes": conflict_in_words(exc.changes, scale)}
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, f"{risk.ref} saved.")
            return redirect(risk)
    return render(
        request,
        "risks/risk_form.html",
        {"form": form, "scale": scale, "risk": risk, "conflict": conflict},
        status=409 if conflict else 200,
    )


@require_POST
def risk_delete(request, pk):
    risk = _visible_or_404(request, pk)
    services.risk_delete(risk=risk, user=request.user)
    messages.success(request, f"{risk.ref} deleted.")
    return redirect("risks:risk_list")


@require_POST
def risk_acceptance_request(request, pk):
    """Ask management to accept the residual risk until a date (approval workflow)."""
    risk = _visible_or_404(request, pk)
    form = AcceptanceRequestForm(request.POST)
    if form.is_valid():
        try:
            services.risk_acceptance_request(
                risk=risk,
                user=request.user,
                expires_on=form.cleaned_data["expires_on"],
                justification=form.cleaned_data["justification"],
            )
        except ValidationError as exc:
            messages.error(request, "Acceptance not requested: " + " ".join(exc.messages))
        else:
            messages.success(request, "Acceptance requested: management decides in Approvals.")
    else:
        messages.error(
            request,
            "Acceptance not requested: "
            + " ".join(f"{f}: {m}" for f, ms in form.errors.items() for m in ms),
        )
    return redirect(risk)


def treatment_action_save(request, pk, action_pk=None):
    """Add (or change) an action of the risk's treatment plan."""
    risk = _visible_or_404(request, pk)
    if request.method != "POST":
        return redirect(risk)
    action = get_object_or_404(risk.actions, pk=action_pk) if action_pk else None
    form = TreatmentActionForm(request.POST, instance=action)
    if form.is_valid():
        action = form.save(commit=False)
        action.risk = risk
        services.treatment_action_save(action=action, user=request.user)
        messages.success(request, "Treatment plan updated.")
    else:
        messages.error(
            request,
            "Action not saved: "
            + " ".join(f"{f}: {m}" for f, ms in form.errors.items() for m in ms),
        )
    return redirect(risk)


@require_POST
def treatment_action_delete(request, pk, action_pk):
    risk = _visible_or_404(request, pk)
    action = get_object_or_404(risk.actions, pk=action_pk)
    services.treatment_action_delete(action=action, user=request.user)
    messages.success(request, "Action removed.")
    return redirect(risk)
