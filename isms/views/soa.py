"""Pages of step 9: the SoA workspace, bulk editing by theme, SoA versions, approval
and downloads."""

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from isms import approvals, security_log
from isms.frameworks import downloads, selectors, services
from isms.frameworks.forms import BulkEditForm, SoADecisionForm, SoASubmitForm
from isms.governance.forms import DecisionForm
from isms.models import ApprovalRequest, ControlImplementation, SoA
from isms.models.approvals import ApprovalState, Decision
from isms.uploads import download_headers, download_rate_limit
from isms.views.generic import page_of


@permission_required("isms.view_soa", raise_exception=True)
def soa_workspace(request):
    """Progress of the SoA framework (applicable, implemented, missing justifications,
    inconsistencies), the themes, the frozen SoAs, and the Freeze button."""
    framework = services.soa_framework()
    versions, _query = page_of(request, SoA.objects.select_related("frozen_by"), 20)
    return render(
        request,
        "isms/soa/workspace.html",
        {
            "framework": framework,
            "progress": selectors.progress(framework),
            "themes": selectors.theme_counts(framework) if framework else [],
            "versions": versions,
            "current": SoA.objects.current(),
        },
    )


@permission_required("isms.add_soa", raise_exception=True)
@require_POST
def soa_freeze(request):
    try:
        soa = services.soa_freeze(user=request.user)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return redirect("isms:soa")
    messages.success(request, f"{soa} frozen: {soa.summary['controls']} controls.")
    return redirect("isms:soa_detail", number=soa.number)


@permission_required("isms.change_controlimplementation", raise_exception=True)
def soa_bulk_edit(request):
    """Apply the same decision to several controls of one theme."""
    framework = services.soa_framework()
    if framework is None:
        messages.error(request, "Choose the framework the SoA is built on first.")
        return redirect("isms:framework_list")
    themes = [t["theme"] for t in selectors.theme_counts(framework)]
    theme = request.GET.get("theme") or (themes[0] if themes else "")
    implementations = (
        ControlImplementation.objects.filter(
            control__framework=framework, control__withdrawn=False, control__theme=theme
        )
        .select_related("control", "owner")
        .order_by("control__sort_order")
    )
    form = BulkEditForm(request.POST or None, implementations=implementations)
    if request.method == "POST" and form.is_valid():
        try:
            count = services.control_implementation_bulk_update(
                implementations=form.cleaned_data["implementations"],
                user=request.user,
                changes=form.changes(),
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, f"{count} controls updated.")
            return redirect(f"{request.path}?theme={theme}")
    return render(
        request,
        "isms/soa/bulk_edit.html",
        {
            "framework": framework,
            "themes": themes,
            "theme": theme,
            "form": form,
            "implementations": implementations,
        },
    )


@permission_required("isms.view_soa", raise_exception=True)
def soa_detail(request, number: int):
    """One frozen SoA: its rows, what changed since the previous one, its approval
    record, the workflow actions and the downloads."""
    soa = get_object_or_404(SoA.objects.select_related("framework", "frozen_by"), number=number)
    previous, changes = selectors.soa_diff(soa)
    request_obj = (
        ApprovalRequest.objects.filter(
            content_type=ContentType.objects.get_for_model(SoA),
            object_id=soa.pk,
            state=ApprovalState.IN_REVIEW,
        ).first()
        if soa.approval_state == ApprovalState.IN_REVIEW
        else None
    )
    rows, _query = page_of(request, soa.rows.all(), 100)
    return render(
        request,
        "isms/soa/detail.html",
        {
            "soa": soa,
            "rows": rows,
            "previous": previous,
            "changes": changes,
            "approval": services.soa_approval_record(soa),
            "can_submit": soa.is_editable and request.user.has_perm("isms.change_soa"),
            "blockers": services.soa_frozen_blockers(soa) if soa.is_editable else [],
            "quorum": request_obj.quorum if request_obj else approvals.type_for(SoA).quorum,
            "approvals_so_far": (
                request_obj.decisions.filter(decision=Decision.APPROVE).count()
                if request_obj
                else 0
            ),
            "refusal": approvals.refusal_reason(request.user, request_obj) if request_obj else None,
            "open_request": request_obj,
            "submit_form": SoASubmitForm(),
            "decision_form": DecisionForm(),
            "formats": downloads.FORMATS,
            "content_type": ContentType.objects.get_for_model(SoA),
        },
    )


@permission_required("isms.change_soa", raise_exception=True)
@require_POST
def soa_submit(request, number: int):
    soa = get_object_or_404(SoA, number=number)
    form = SoASubmitForm(request.POST)
    form.is_valid()
    try:
        services.soa_submit(
            soa=soa, user=request.user, comment=form.cleaned_data.get("comment", "")
        )
    except approvals.ApprovalError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"{soa} submitted to management for approval.")
    return redirect("isms:soa_detail", number=number)


@permission_required("isms.approve_soa", raise_exception=True)
@require_POST
def soa_decide(request, number: int):
    soa = get_object_or_404(SoA, number=number)
    form = SoADecisionForm(request.POST)
    if not form.is_valid():
        for field, errors in form.errors.items():
            for error in errors:
                messages.error(request, f"{form.fields[field].label or field}: {error}")
        return redirect("isms:soa_detail", number=number)
    approve = form.cleaned_data["decision"] == "approve"
    try:
        services.soa_decide(
            soa=soa,
            user=request.user,
            approve=approve,
            password=form.cleaned_data["password"],
            comment=form.cleaned_data["comment"],
        )
    except approvals.ApprovalError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"{soa} {'approved' if approve else 'rejected'}.")
    return redirect("isms:soa_detail", number=number)


@permission_required("isms.download_soa", raise_exception=True)
@download_rate_limit(scope="soa")
def soa_download(request, number: int, fmt: str):
    """Download an SoA as xlsx, pdf, csv or json (recorded in the audit trail)."""
    soa = get_object_or_404(SoA.objects.select_related("framework", "frozen_by"), number=number)
    try:
        content, content_type, filename = services.soa_download(soa=soa, user=request.user, fmt=fmt)
    except ValidationError as exc:
        return HttpResponse(" ".join(exc.messages), status=400, content_type="text/plain")
    security_log.log_download(request, what="soa", fmt=fmt, obj=soa)
    return download_headers(HttpResponse(content, content_type=content_type), filename)


@permission_required("isms.download_soa", raise_exception=True)
def soa_current_download(request, fmt: str):
    """The current (latest approved) SoA, for a stable link auditors can bookmark."""
    current = SoA.objects.current()
    if current is None:
        messages.error(request, "No SoA has been approved yet.")
        return redirect("isms:soa")
    return soa_download(request, current.number, fmt)
