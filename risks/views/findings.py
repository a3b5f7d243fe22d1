"""Risks and security-check findings: "Create risk from findings" (from the findings list
or a finding's page) and linking or unlinking findings on a risk's page. Thin: read the
ids, call a service, render."""

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from risks import services
from risks.forms import RiskForm
from risks.permissions import editable_fields
from risks.selectors import active_version
from risks.views.risk import _add_errors, _visible_or_404


@permission_required("risks.add_risk", raise_exception=True)
def risk_from_findings(request):
    """The risk create form pre-filled from the chosen findings (`?findings=1&findings=2`);
    saving creates the risk with the findings linked."""
    ids = request.POST.getlist("findings") if request.method == "POST" else None
    ids = ids if ids is not None else request.GET.getlist("findings")
    if not ids:
        # Nothing ticked: back to the list with what to do, not an error page.
        messages.info(request, _("Tick the findings the risk is about, then create the risk."))
        return redirect("assets:finding_list")
    version = active_version()
    scale = version.scale if version else None
    try:
        draft = services.findings_draft(user=request.user, finding_ids=ids)
    except ValidationError as exc:
        return render(
            request,
            "risks/risk_from_findings.html",
            {"errors": exc.messages, "draft": None, "form": None, "scale": scale},
            status=400,
        )
    form = RiskForm(
        request.POST if request.method == "POST" else None,
        user=request.user,
        scale=scale,
        initial={"owner": request.user.pk, **draft.initial},
    )
    # A risk from findings is scored and owned when it is saved (issue 20.8: it was
    # saved without owner or impact, and then said no acceptance was needed).
    for name in ("owner", "inherent_likelihood", "inherent_impact"):
        if name in form.fields:
            form.fields[name].required = True
    if request.method == "POST" and form.is_valid():
        try:
            risk = services.risk_create_from_findings(
                user=request.user,
                finding_ids=[f.pk for f in draft.findings],
                data=form.changes(),
            )
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, f"{risk.ref} created from {len(draft.findings)} finding(s).")
            return redirect(risk)
    return render(
        request,
        "risks/risk_from_findings.html",
        {"form": form, "draft": draft, "scale": scale, "errors": []},
        status=400 if form.errors else 200,
    )


@require_POST
def risk_findings(request, pk):
    """Link (`link`) or unlink (`unlink`) findings on a risk (security managers)."""
    risk = _visible_or_404(request, pk)
    if "findings" not in editable_fields(request.user, risk):
        raise PermissionDenied
    try:
        expected = int(request.POST.get("version", ""))
    except ValueError:
        expected = 0
    try:
        risk = services.risk_findings_update(
            risk=risk,
            user=request.user,
            expected_version=expected,
            link=request.POST.getlist("link"),
            unlink=request.POST.getlist("unlink"),
        )
    except services.RiskConflict as exc:
        messages.error(request, f"Findings not changed: {exc}")
    except ValidationError as exc:
        messages.error(request, "Findings not changed: " + " ".join(exc.messages))
    else:
        messages.success(request, "Linked findings updated.")
    return redirect(risk)
