"""Step 3: the methodology page, its versions, and editing and submitting a draft."""

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from isms import approvals
from isms.models import ApprovalRequest
from risks import scoring, services
from risks.forms import MethodologyForm, NewVersionForm, SubmitForm
from risks.models import MethodologyVersion
from risks.selectors import active_version


def _matrix(version):
    """Rows of the matrix, highest likelihood first: (likelihood item, [(impact, level)])."""
    return version.scale.matrix_rows()


@permission_required("risks.view_methodologyversion", raise_exception=True)
def methodology(request):
    """The active methodology (scales, matrix, levels, criteria) and every version."""
    active = active_version()
    versions = MethodologyVersion.objects.select_related("author", "approved_by")
    return render(
        request,
        "risks/methodology.html",
        {
            "active": active,
            "matrix": _matrix(active) if active else None,
            "versions": versions,
            "new_form": NewVersionForm(),
            "presets": scoring.PRESETS,
        },
    )


@permission_required("risks.view_methodologyversion", raise_exception=True)
def methodology_version(request, pk):
    """One version: its content, its approval requests; a draft may be submitted."""
    version = get_object_or_404(MethodologyVersion.objects.select_related("author"), pk=pk)
    requests = ApprovalRequest.objects.filter(
        content_type=ContentType.objects.get_for_model(MethodologyVersion), object_id=version.pk
    ).prefetch_related("decisions__decided_by")
    return render(
        request,
        "risks/methodology_version.html",
        {
            "version": version,
            "matrix": _matrix(version) if not scoring.validate_content(version.content) else None,
            "errors": scoring.validate_content(version.content),
            "requests": requests,
            "submit_form": SubmitForm(),
            "content_type": ContentType.objects.get_for_model(MethodologyVersion),
        },
    )


@require_POST
@permission_required("risks.add_methodologyversion", raise_exception=True)
def methodology_version_create(request):
    form = NewVersionForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose a preset or the active version.")
        return redirect("risks:methodology")
    version = services.methodology_version_create(
        user=request.user,
        preset=form.cleaned_data["preset"] or None,
        change_note=form.cleaned_data["change_note"],
    )
    messages.success(request, f"Draft v{version.number} created.")
    return redirect("risks:methodology_version_edit", version.pk)


@permission_required("risks.change_methodologyversion", raise_exception=True)
def methodology_version_edit(request, pk):
    """Edit a draft: scales, levels, matrix (every cell) and acceptance criteria."""
    version = get_object_or_404(MethodologyVersion, pk=pk)
    if not version.is_editable:
        state = version.get_approval_state_display().lower()
        messages.error(request, f"v{version.number} is {state}: start a new version to change it.")
        return redirect(version)
    form = MethodologyForm(
        request.POST or None, content=version.content, change_note=version.change_note
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.methodology_version_update(
                version=version,
                user=request.user,
                content=form.to_content(),
                change_note=form.cleaned_data["change_note"],
            )
        except ValidationError as exc:
            form.add_error(None, exc.messages)
        except approvals.ApprovalError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"Draft v{version.number} saved.")
            return redirect(version)
    return render(
        request,
        "risks/methodology_form.html",
        {"version": version, "form": form},
        status=400 if form.errors else 200,
    )


@require_POST
@permission_required("risks.change_methodologyversion", raise_exception=True)
def methodology_version_submit(request, pk):
    version = get_object_or_404(MethodologyVersion, pk=pk)
    form = SubmitForm(request.POST)
    form.is_valid()
    try:
        services.methodology_version_submit(
            version=version, user=request.user, comment=form.cleaned_data.get("comment", "")
        )
    except ValidationError as exc:
        messages.error(request, "Not submitted: " + " ".join(exc.messages))
    except approvals.ApprovalError as exc:
        messages.error(request, f"Not submitted: {exc}")
    else:
        messages.success(
            request,
            f"v{version.number} submitted: it becomes active once management approves it.",
        )
    return redirect(version)
