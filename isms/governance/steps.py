"""Dashboard steps 1 (scope), 2 (policies) and 8 (management approval), and the
governance key figures, computed from the data."""

import datetime

from django.urls import reverse
from django.utils import timezone

from isms import approvals
from isms.dashboard import StepState
from isms.governance import reviews
from isms.models import ApprovalRequest, Policy, ScopeVersion
from isms.models.approvals import ApprovalState
from isms.models.governance import PolicyKind

OPEN = (ApprovalState.DRAFT, ApprovalState.CHANGES_REQUESTED, ApprovalState.IN_REVIEW)


def scope_step(user) -> StepState:
    """Done when an approved scope exists."""
    states = set(ScopeVersion.objects.values_list("approval_state", flat=True))
    url = reverse("isms:scope")
    if ApprovalState.APPROVED in states:
        missing = []
        if ApprovalState.IN_REVIEW in states:
            missing.append("A new scope version waits for approval.")
        return StepState("done", "The ISMS scope is approved.", missing, url, "View the scope")
    if ApprovalState.IN_REVIEW in states:
        return StepState(
            "in_progress",
            "The scope waits for management approval.",
            ["Management approves the scope."],
            url,
            "View the scope",
        )
    if states:
        return StepState(
            "in_progress",
            "A scope draft exists.",
            ["Submit the scope for approval."],
            url,
            "Continue the scope",
        )
    return StepState(
        "todo",
        "No scope yet.",
        ["Describe what the ISMS covers: boundaries, AWS accounts, exclusions."],
        url,
        "Define the scope",
    )


def policy_step(user) -> StepState:
    """Done when the ISMS policy and every other policy have a published approved version."""
    url = reverse("isms:policy_list")
    policies = list(Policy.objects.only("kind", "published_version_id", "reference", "title"))
    if not policies:
        return StepState(
            "todo", "No policies yet.", ["Write the ISMS policy."], url, "Write the ISMS policy"
        )
    missing = []
    if not any(p.kind == PolicyKind.ISMS and p.published_version_id for p in policies):
        missing.append("Publish an approved ISMS policy.")
    unpublished = [p for p in policies if not p.published_version_id]
    if unpublished:
        missing.append(f"{len(unpublished)} of {len(policies)} policies have no published version.")
    published = len(policies) - len(unpublished)
    summary = f"{published} of {len(policies)} policies published."
    return StepState("in_progress" if missing else "done", summary, missing, url, "Open policies")


def approval_step(user) -> StepState:
    """Done when every required approvable type has an approved version and nothing waits."""
    url = reverse("isms:approval_inbox")
    waiting = ApprovalRequest.objects.filter(state=ApprovalState.IN_REVIEW).count()
    missing = []
    approved_kinds = 0
    required = [kind for kind in approvals.registered() if kind.required]
    for kind in required:
        if kind.model._default_manager.filter(
            approval_state__in=(ApprovalState.APPROVED, ApprovalState.SUPERSEDED)
        ).exists():
            approved_kinds += 1
        else:
            missing.append(f"Nothing approved yet: {kind.label.lower()}.")
    if waiting:
        missing.insert(0, f"{waiting} approval request{'s' if waiting != 1 else ''} waiting.")
    if approved_kinds == 0 and not waiting:
        return StepState("todo", "Nothing submitted for approval yet.", missing, url, "Approvals")
    status = "in_progress" if missing else "done"
    summary = f"{approved_kinds} of {len(required)} documents approved."
    return StepState(status, summary, missing, url, "Open approvals")


def governance_figures(user) -> list[dict]:
    """Key figures: approvals waiting (for this user, if they decide) and reviews overdue;
    ISMS-wide, so only for the roles that read the approvals and the reviews."""
    figures = []
    if user.has_perm(approvals.DEFAULT_PERMISSION):
        waiting = approvals.pending_for(user).count()
        label = "Approvals waiting for you"
    else:
        waiting = ApprovalRequest.objects.filter(state=ApprovalState.IN_REVIEW).count()
        label = "Approvals waiting"
    if user.has_perm("isms.view_approvalrequest"):
        figures.append({"label": label, "value": waiting, "url": reverse("isms:approval_inbox")})
    if user.has_perm("isms.view_scope"):  # the permission of the reviews-due page
        overdue = len(reviews.due(timezone.localdate() - datetime.timedelta(days=1)))
        figures.append(
            {"label": "Reviews overdue", "value": overdue, "url": reverse("isms:reviews_due")}
        )
    return figures
