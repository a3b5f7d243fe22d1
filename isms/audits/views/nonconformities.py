"""Pages of the nonconformity register: the list (filters, XLSX export), recording,
the record with its actions, effectiveness checks and closure, editing. Thin: check
the permission, validate with a form, call a service, render."""

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from isms.audits import selectors_nonconformities as selectors
from isms.audits.filters_nonconformities import NonconformityFilterSet
from isms.audits.forms_nonconformities import (
    ActionForm,
    ActionProgressForm,
    CloseForm,
    EffectivenessForm,
    NonconformityForm,
)
from isms.audits.models.nonconformities import Nonconformity
from isms.audits.services import nonconformities as services
from isms.forms import call_service
from isms.views.generic import Export, ObjectListView

VIEW = "audits.view_nonconformity"


class NonconformityList(ObjectListView):
    """Nonconformities and opportunities for improvement, newest first."""

    queryset = Nonconformity.objects.select_related("requirement", "owner").prefetch_related(
        "actions"
    )
    filterset_class = NonconformityFilterSet
    template_name = "audits/nonconformity_list.html"
    permission_required = VIEW
    export = Export(
        title="Nonconformity and corrective action register",
        filename="nonconformities-{date}",
        what="nonconformities",
        permission=VIEW,
        header=selectors.REGISTER_HEADER,
        rows=selectors.register_rows,
        formats=("xlsx", "csv"),
        sheet="NC-CA register",
    )

    def get_extra_context(self, request, filterset, page) -> dict:
        return {"heading": gettext_lazy("Nonconformities and improvement")}


nonconformity_list = NonconformityList.as_view()


@permission_required("audits.add_nonconformity", raise_exception=True)
def nonconformity_create(request):
    form = NonconformityForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        nc = call_service(
            form, lambda: services.nonconformity_create(user=request.user, data=form.service_data())
        )
        if nc is not None:
            messages.success(request, _("%s recorded.") % nc.ref)
            return redirect(nc)
    return render(request, "audits/nonconformity_form.html", {"form": form, "nc": None})


def _nc(pk):
    return get_object_or_404(
        Nonconformity.objects.select_related(
            "requirement__framework", "owner", "raised_by", "closed_by", "source_type"
        ),
        pk=pk,
    )


@permission_required(VIEW, raise_exception=True)
def nonconformity_detail(request, pk):
    nc = _nc(pk)
    manager = request.user.has_perm(services.CHANGE)
    return render(
        request,
        "audits/nonconformity_detail.html",
        {
            "nc": nc,
            "whys": nc.root_cause_whys,
            "actions": nc.actions.select_related("owner"),
            "checks": nc.effectiveness_checks.select_related("checked_by"),
            "similar": nc.similar.all(),
            "candidates": selectors.similar_candidates(nc) if nc.is_open else [],
            "source": services.source_of(nc),
            "manager": manager and nc.is_open,
            "action_form": ActionForm() if manager and nc.is_open else None,
            "progress_form": ActionProgressForm(),
            "effectiveness_form": EffectivenessForm() if manager and nc.is_open else None,
            "close_form": CloseForm()
            if nc.is_open and services.may_close(request.user, nc)
            else None,
            "blockers": services.closure_blockers(nc) if nc.is_open else [],
            "user_id": request.user.pk,
        },
    )


@permission_required("audits.change_nonconformity", raise_exception=True)
def nonconformity_edit(request, pk):
    nc = _nc(pk)
    form = NonconformityForm(
        request.POST or None, instance=nc, initial={"similar": nc.similar.all()}
    )
    if request.method == "POST" and form.is_valid():
        try:
            saved = call_service(
                form,
                lambda: services.nonconformity_update(
                    nc=nc,
                    user=request.user,
                    data=form.service_data(),
                    expected_version=form.cleaned_data.get("version"),
                ),
            )
        except services.NonconformityConflict as exc:
            form.add_error(None, str(exc))
            saved = None
        if saved is not None:
            messages.success(request, _("%s saved.") % saved.ref)
            return redirect(saved)
    return render(request, "audits/nonconformity_form.html", {"form": form, "nc": nc})


def _back(request, nc, call, done: str):
    """Run a service posted from the record's page; its refusal as a message."""
    try:
        call()
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    except services.NonconformityConflict as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, done)
    return redirect(nc)


@permission_required("audits.change_nonconformity", raise_exception=True)
@require_POST
def action_add(request, pk):
    nc = _nc(pk)
    form = ActionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the action a title, an owner and a due date."))
        return redirect(nc)
    return _back(
        request,
        nc,
        lambda: services.action_add(nc=nc, user=request.user, data=form.cleaned_data),
        _("Corrective action planned."),
    )


@permission_required(VIEW, raise_exception=True)
@require_POST
def action_update(request, pk, action_id):
    nc = _nc(pk)
    action = get_object_or_404(nc.actions, pk=action_id)
    if not (request.user.has_perm(services.CHANGE) or action.owner_id == request.user.pk):
        raise PermissionDenied
    form = ActionProgressForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose the action's status."))
        return redirect(nc)
    return _back(
        request,
        nc,
        lambda: services.action_update(action=action, user=request.user, data=form.cleaned_data),
        _("Action updated."),
    )


@permission_required("audits.change_nonconformity", raise_exception=True)
@require_POST
def effectiveness_add(request, pk):
    nc = _nc(pk)
    form = EffectivenessForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Say whether the actions were effective."))
        return redirect(nc)
    return _back(
        request,
        nc,
        lambda: services.effectiveness_check(nc=nc, user=request.user, data=form.cleaned_data),
        _("Effectiveness check recorded."),
    )


@permission_required(VIEW, raise_exception=True)
@require_POST
def nonconformity_close(request, pk):
    nc = _nc(pk)
    if not services.may_close(request.user, nc):
        raise PermissionDenied
    form = CloseForm(request.POST)
    form.is_valid()
    return _back(
        request,
        nc,
        lambda: services.nonconformity_close(
            nc=nc, user=request.user, comment=form.cleaned_data.get("comment", "")
        ),
        _("%s closed.") % nc.ref,
    )
