"""The approvals inbox (step 8): what waits for me, my decisions, my submissions, and
one request with its diff and the decision form."""

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme

from isms import approvals
from isms.governance.diff import changed, side_by_side
from isms.governance.filters import ApprovalRequestFilterSet
from isms.governance.forms import DecisionForm
from isms.models import ApprovalRequest
from isms.models.approvals import Decision
from isms.views.generic import ObjectListView

TABS = {
    "waiting": "Waiting for me",
    "submitted": "My submissions",
    "decided": "My decisions",
    "all": "All requests",
}

DECIDE = {
    Decision.APPROVE: approvals.approval_request_approve,
    Decision.REJECT: approvals.approval_request_reject,
    Decision.REQUEST_CHANGES: approvals.approval_request_request_changes,
}


def _inbox_queryset(user, tab: str):
    if tab == "waiting":
        return approvals.pending_for(user)
    if tab == "submitted":
        return ApprovalRequest.objects.filter(submitted_by=user)
    if tab == "decided":
        return ApprovalRequest.objects.filter(decisions__decided_by=user).distinct()
    return ApprovalRequest.objects.all()


class ApprovalInbox(ObjectListView):
    """The inbox: requests waiting for the user's decision, with tabs for the rest."""

    filterset_class = ApprovalRequestFilterSet
    template_name = "isms/approvals/inbox.html"
    permission_required = "isms.view_approvalrequest"
    paginate_by = 25

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.deciders = request.user.has_perm(approvals.DEFAULT_PERMISSION)
        default_tab = "waiting" if self.deciders else "submitted"
        self.tab = request.GET.get("tab", default_tab)
        if self.tab not in TABS:
            self.tab = default_tab

    def get_queryset(self, request):
        return _inbox_queryset(request.user, self.tab).select_related(
            "content_type", "submitted_by"
        )

    def get_extra_context(self, request, filterset, page):
        return {"tabs": TABS, "tab": self.tab, "deciders": self.deciders}


approval_inbox = ApprovalInbox.as_view()


@permission_required("isms.view_approvalrequest", raise_exception=True)
def approval_detail(request, pk: int):
    """One request: what was submitted, the diff against the version in force, the
    decisions so far and, for an approver who may decide, the decision form."""
    approval = get_object_or_404(
        ApprovalRequest.objects.select_related("content_type", "submitted_by"), pk=pk
    )
    reason = approvals.refusal_reason(request.user, approval)
    form = DecisionForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            decide = DECIDE[form.cleaned_data["decision"]]
            try:
                decide(
                    request=approval,
                    user=request.user,
                    password=form.cleaned_data["password"],
                    comment=form.cleaned_data["comment"],
                )
            except approvals.ApprovalInvalid as exc:
                form.add_error(exc.field if exc.field in form.fields else None, str(exc))
                status = 400
            except approvals.ApprovalForbidden as exc:
                form.add_error(None, str(exc))
                status = 403
            except approvals.ApprovalConflict as exc:
                form.add_error(None, str(exc))
                status = 409
            else:
                approval.refresh_from_db()
                messages.success(
                    request, f"Decision recorded: {approval.get_state_display().lower()}."
                )
                back = request.POST.get("next", "")
                if url_has_allowed_host_and_scheme(
                    back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
                ):
                    # Decided on the document's own page (the same form): back there.
                    return redirect(back)
                return redirect("isms:approval_detail", pk=approval.pk)
        else:
            status = 400
    previous = approvals.previous_approved_request(approval)
    rows = side_by_side(previous.content if previous else "", approval.content)
    kind = approvals.type_for_key(approval.content_type.model_class()._meta.label_lower)
    target = approvals.get_target(approval)
    return render(
        request,
        "isms/approvals/detail.html",
        {
            "approval": approval,
            "kind": kind,
            "target": target,
            "target_url": kind.url(target) if kind.url else _target_url(target),
            "decisions": approval.decisions.select_related("decided_by"),
            "approvals_so_far": approval.decisions.filter(decision=Decision.APPROVE).count(),
            "previous": previous,
            "rendered": approvals.render_content(approval, previous),
            "diff": rows,
            "changed": changed(rows),
            "form": form,
            "refusal": reason,
        },
        status=status,
    )


def _target_url(target) -> str:
    get_url = getattr(target, "get_absolute_url", None)
    return get_url() if get_url else ""
