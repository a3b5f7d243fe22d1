"""Pages of the management review (9.3): the list, a review with its input snapshot and
decisions, preparing and editing it, re-taking its inputs, submitting it, and the
register of the actions its decisions became. Management decides on the approvals page."""

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from isms import approvals
from isms.audits import selectors_reviews as selectors
from isms.audits.filters_reviews import ManagementReviewFilterSet, ReviewDecisionFilterSet
from isms.audits.forms_reviews import (
    DecisionTrackForm,
    ManagementReviewForm,
    ReviewDecisionForm,
    SubmitForm,
)
from isms.audits.models.reviews import ManagementReview, ReviewDecision
from isms.audits.services import reviews as services
from isms.errors import StaleVersion
from isms.forms import call_service
from isms.models import ApprovalRequest
from isms.models.approvals import ApprovalState, ApprovedVersionFrozen
from isms.views.generic import Export, ObjectListView

# What a service refuses because of the review's state (shown as a message, then back
# to the review): approved, in review, incomplete, changed since read.
REFUSALS = (approvals.ApprovalError, ApprovedVersionFrozen, StaleVersion)


class ReviewList(ObjectListView):
    """Every management review, newest first."""

    filterset_class = ManagementReviewFilterSet
    template_name = "audits/review_list.html"
    permission_required = "audits.view_managementreview"

    def get_queryset(self, request):
        return (
            ManagementReview.objects.select_related("prepared_by")
            .annotate(decision_count=Count("decisions"))
            .order_by("-held_on", "-year", "-number")
        )


def _action_rows(decisions):
    return (
        [
            d.reference,
            d.get_kind_display(),
            d.description,
            str(d.owner),
            d.due_date.isoformat(),
            d.get_status_display(),
            d.done_on.isoformat() if d.done_on else "",
        ]
        for d in decisions.iterator()
    )


class ActionList(ObjectListView):
    """The actions decided by approved management reviews, and their follow-up."""

    queryset = ReviewDecision.objects.filter(
        review__approval_state=ApprovalState.APPROVED
    ).select_related("review", "owner")
    filterset_class = ReviewDecisionFilterSet
    template_name = "audits/review_action_list.html"
    permission_required = "audits.view_reviewdecision"
    export = Export(
        title="Management review actions",
        filename="management-review-actions-{date}",
        what="management review actions",
        permission="audits.view_reviewdecision",
        header=["action", "kind", "decision", "owner", "due", "status", "done on"],
        rows=_action_rows,
        formats=("csv", "xlsx"),
    )

    def get_queryset(self, request):
        return self.queryset.order_by("due_date", "review__reference", "number")


review_list = ReviewList.as_view()
review_action_list = ActionList.as_view()


def _review(pk) -> ManagementReview:
    return get_object_or_404(
        ManagementReview.objects.select_related("prepared_by", "inputs_taken_by", "approved_by"),
        pk=pk,
    )


@permission_required("audits.view_managementreview", raise_exception=True)
def review_detail(request, pk):
    """A review: its meeting, the input snapshot (readable), its decisions, and what can
    be done next (edit, re-take the inputs, add decisions, submit)."""
    review = _review(pk)
    approval_request = (
        ApprovalRequest.objects.filter(
            content_type__app_label="audits",
            content_type__model="managementreview",
            object_id=review.pk,
        )
        .select_related("submitted_by")
        .first()
    )
    return render(
        request,
        "audits/review_detail.html",
        {
            "review": review,
            "inputs": selectors.snapshot_tables(review),
            "decisions": review.decisions.select_related("owner"),
            "decision_form": ReviewDecisionForm() if review.is_editable else None,
            "submit_form": SubmitForm() if review.is_editable else None,
            "problems": services.review_problems(review) if review.is_editable else [],
            "approval_request": approval_request,
            "guests": [line for line in review.guests.splitlines() if line.strip()],
        },
    )


@permission_required("audits.add_managementreview", raise_exception=True)
def review_create(request):
    """Prepare a review: its inputs are taken when it is saved."""
    form = ManagementReviewForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        review = call_service(
            form, lambda: services.review_create(user=request.user, data=form.cleaned_data)
        )
        if review is not None:
            messages.success(request, _("%s prepared; its inputs are taken.") % review.reference)
            return redirect(review)
    return render(request, "audits/review_form.html", {"form": form})


@permission_required("audits.change_managementreview", raise_exception=True)
def review_edit(request, pk):
    review = _review(pk)
    if not review.is_editable:
        messages.error(request, _("%s cannot be edited now.") % review.reference)
        return redirect(review)
    form = ManagementReviewForm(request.POST or None, instance=review)
    if request.method == "POST" and form.is_valid():
        try:
            saved = call_service(
                form,
                lambda: services.review_update(
                    review=review,
                    user=request.user,
                    data=form.cleaned_data,
                    expected_version=form.cleaned_data.get("version"),
                ),
            )
        except REFUSALS as exc:
            form.add_error(None, str(exc))
            saved = None
        if saved is not None:
            messages.success(request, _("%s saved.") % review.reference)
            return redirect(review)
    return render(request, "audits/review_form.html", {"form": form, "review": review})


def _refused(request, review, call, done: str):
    """Run a service on `review`; its refusal becomes a message. Back to the review."""
    try:
        call()
    except REFUSALS as exc:
        messages.error(request, str(exc))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, done)
    return redirect(review)


@require_POST
@permission_required("audits.change_managementreview", raise_exception=True)
def review_retake(request, pk):
    review = _review(pk)
    return _refused(
        request,
        review,
        lambda: services.review_inputs_take(review=review, user=request.user),
        _("The inputs are taken again."),
    )


@require_POST
@permission_required("audits.change_managementreview", raise_exception=True)
def review_submit(request, pk):
    review = _review(pk)
    form = SubmitForm(request.POST)
    comment = form.cleaned_data["comment"] if form.is_valid() else ""
    return _refused(
        request,
        review,
        lambda: services.review_submit(review=review, user=request.user, comment=comment),
        _("%s is submitted to Management for approval.") % review.reference,
    )


@require_POST
@permission_required("audits.add_reviewdecision", raise_exception=True)
def decision_add(request, pk):
    review = _review(pk)
    form = ReviewDecisionForm(request.POST)
    if not form.is_valid():
        messages.error(
            request,
            "; ".join(f"{form.fields[f].label if f in form.fields else ''}: {' '.join(e)}"
                      for f, e in form.errors.items()),
        )  # fmt: skip
        return redirect(review)
    return _refused(
        request,
        review,
        lambda: services.decision_add(review=review, user=request.user, data=form.cleaned_data),
        _("Decision recorded."),
    )


@permission_required("audits.change_reviewdecision", raise_exception=True)
def decision_edit(request, pk):
    decision = get_object_or_404(ReviewDecision.objects.select_related("review"), pk=pk)
    review = decision.review
    tracking = review.approval_state == ApprovalState.APPROVED
    form_class = DecisionTrackForm if tracking else ReviewDecisionForm
    form = form_class(request.POST or None, instance=decision)
    if request.method == "POST" and form.is_valid():
        service = services.decision_track if tracking else services.decision_update
        try:
            saved = call_service(
                form,
                lambda: service(decision=decision, user=request.user, data=form.cleaned_data),
            )
        except REFUSALS as exc:
            form.add_error(None, str(exc))
            saved = None
        if saved is not None:
            messages.success(request, _("%s saved.") % decision.reference)
            return redirect(review)
    return render(
        request,
        "audits/review_decision_form.html",
        {"form": form, "decision": decision, "review": review, "tracking": tracking},
    )


@require_POST
@permission_required("audits.delete_reviewdecision", raise_exception=True)
def decision_delete(request, pk):
    decision = get_object_or_404(ReviewDecision.objects.select_related("review"), pk=pk)
    return _refused(
        request,
        decision.review,
        lambda: services.decision_delete(decision=decision, user=request.user),
        _("Decision removed."),
    )
